package dev.imagine.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Generations and their images: recorded before they run, marked as they go (this class), read back for history and
 * reruns ({@link GenerationReads}, behind the read methods at the end).
 * Every method commits durably before it returns (see {@link Storage}). Thread-safe; owned by its {@link Storage}.
 */
public final class GenerationRepository {
    /**
     * The platform of generations made by the command line: never a chat job, so never resumed or delivered by a
     * dispatcher.
     */
    public static final String COMMAND_LINE = "cli";

    /** Most generations one history page returns. */
    public static final int MAX_PAGE = 100;
    /** Longest stored user-facing error; longer ones are cut. */
    public static final int MAX_ERROR_CHARS = 1000;

    private final Database database;
    private final ImageStore files;
    private final Clock clock;

    private final GenerationReads reads;
    /** Ends a cluster queue's lease with the run; the H2 file has no leases. */
    private final String endLease;

    GenerationRepository(Database database, ImageStore files, Clock clock) {
        this.database = database;
        this.files = files;
        this.clock = clock;
        this.endLease = database.vendor() == Database.Vendor.POSTGRESQL
                ? ", lease_owner = NULL, lease_expires_at = NULL" : "";
        this.reads = new GenerationReads(database, files, clock);
    }

    /**
     * Records a request as {@link GenerationStatus#QUEUED} and returns its id. The init image's bytes are stored
     * as they are (content-addressed, so equal files are kept once) and a rerun gets exactly them back.
     *
     * @param initImage the original file of the init image; required for {@link GenerationKind#IMG2IMG}, else
     *     {@code null}. Read, not kept.
     * @throws IllegalArgumentException when the user does not exist or the init image does not fit the kind
     */
    public long record(NewGeneration request, byte[] initImage) {
        checkRecord(request, initImage);
        return database.write(c -> insert(c, request, initImage));
    }

    static void checkRecord(NewGeneration request, byte[] initImage) {
        Checks.required("the request", request);
        if ((request.kind() == GenerationKind.IMG2IMG) != (initImage != null)) {
            throw new IllegalArgumentException(request.kind() == GenerationKind.IMG2IMG
                    ? "an img2img generation needs its init image" : "only img2img generations take an init image");
        }
        if (initImage != null && initImage.length == 0) {
            throw new IllegalArgumentException("the init image is empty");
        }
    }

    /** Inserts a checked request as queued inside the caller's transaction and returns its id. */
    long insert(Connection c, NewGeneration request, byte[] initImage) throws SQLException, IOException {
        String initSha = initImage == null ? null : ImageFiles.sha256(initImage);
        String json = request.parameters().toJson();
        String platform = platformOf(c, request.userId());
        String initPath = initImage == null ? null : files.store(c, initSha, initImage);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO generations (user_id, platform, kind, "
                + "parent_id, model_name, model_fingerprint, model_path, parameters, init_image_sha256, "
                + "init_image_path, guild_id, channel_id, request_message_id, reply_message_id, status, queued_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setLong(1, request.userId());
            insert.setString(2, platform);
            insert.setString(3, request.kind().id());
            Rows.setLong(insert, 4, request.parentId());
            insert.setString(5, request.model().name());
            insert.setString(6, request.model().fingerprint());
            insert.setString(7, request.model().path());
            insert.setString(8, json);
            int next = 9;
            insert.setString(next++, initSha);
            insert.setString(next++, initPath);
            ReplyTarget target = request.replyTarget();
            insert.setString(next++, target.guildId());
            insert.setString(next++, target.channelId());
            insert.setString(next++, target.requestMessageId());
            insert.setString(next++, target.replyMessageId());
            insert.setString(next++, GenerationStatus.QUEUED.id());
            Rows.setInstant(insert, next, clock.instant());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            if (request.parentId() != null && e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new IllegalArgumentException("there is no generation " + request.parentId()
                        + " to derive from", e);
            }
            throw e;
        }
    }

    /**
     * Marks a queued generation as running.
     *
     * @throws IllegalStateException when it does not exist or is not queued
     */
    public void markRunning(long id) {
        database.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE generations SET status = ?, started_at = ?, attempts = attempts + 1 WHERE id = ? AND status = ?")) {
                update.setString(1, GenerationStatus.RUNNING.id());
                Rows.setInstant(update, 2, clock.instant());
                update.setLong(3, id);
                update.setString(4, GenerationStatus.QUEUED.id());
                requireOne(c, update.executeUpdate(), id, "start", EnumSet.of(GenerationStatus.QUEUED));
            }
            return null;
        });
    }

    /**
     * Puts a running generation back in the queue (its run was interrupted by a shutdown); the count of starts
     * stays, so a later crash still counts this run.
     *
     * @throws IllegalStateException when the generation does not exist or is not running
     */
    public void requeue(long id) {
        database.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE generations SET status = ?, started_at = NULL WHERE id = ? AND status = ?")) {
                update.setString(1, GenerationStatus.QUEUED.id());
                update.setLong(2, id);
                update.setString(3, GenerationStatus.RUNNING.id());
                requireOne(c, update.executeUpdate(), id, "requeue", EnumSet.of(GenerationStatus.RUNNING));
            }
            return null;
        });
    }

    /**
     * Marks a running generation as done: stores its image files, then in one transaction its image rows, the
     * parameters the engine used and the engine time. A crash in between leaves unreferenced files, which
     * {@link Storage#prune} removes.
     *
     * @param resolved the parameters with every default the engine applied filled in (they replace the requested
     *     ones, so a rerun needs no model defaults)
     * @param images the pictures, with distinct indexes; their arrays are read, not kept
     * @param engineMillis time spent in the engine
     * @throws IllegalStateException when the generation does not exist or is not running
     */
    public void markDone(long id, GenerationParameters resolved, List<NewImage> images, long engineMillis) {
        markDone(id, null, null, resolved, images, engineMillis);
    }

    /**
     * {@link #markDone}, and when {@code leaseOwner} is not null only while that worker holds the lease (the job then
     * counts as one more done by that node); a {@code finishedChannel} is notified of the id when it commits. Leases
     * and channels need PostgreSQL.
     */
    void markDone(long id, String leaseOwner, String finishedChannel, GenerationParameters resolved,
            List<NewImage> images, long engineMillis) {
        Checks.required("the parameters", resolved);
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("a done generation needs at least one image");
        }
        if (images.stream().map(NewImage::index).distinct().count() != images.size()) {
            throw new IllegalArgumentException("image indexes must be distinct");
        }
        if (engineMillis < 0) {
            throw new IllegalArgumentException("engine time must not be negative, got " + engineMillis);
        }
        List<String> hashes = images.stream().map(image -> ImageFiles.sha256(image.png())).toList();
        String json = resolved.toJson();
        if (database.vendor() == Database.Vendor.POSTGRESQL) {
            markDoneInOneStatement(id, leaseOwner, finishedChannel, json, hashes, images, engineMillis);
            return;
        }
        if (leaseOwner != null || finishedChannel != null) {
            throw new IllegalStateException("leases and signals need PostgreSQL");
        }
        database.write(c -> {
            // The update comes first: it checks the state and locks the row in one statement; only when it changes
            // nothing is the reason looked up.
            try (PreparedStatement update = c.prepareStatement("UPDATE generations SET parameters = ?, "
                    + "status = ?, finished_at = ?, engine_millis = ? WHERE id = ? AND status = ?")) {
                bindDone(update, 1, json, engineMillis, id);
                if (update.executeUpdate() != 1) {
                    throw transitionError(id, statusOf(c, id), "finish", EnumSet.of(GenerationStatus.RUNNING));
                }
            }
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                paths.add(files.store(c, hashes.get(i), images.get(i).png()));
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO images (" + GenerationReads.IMAGE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < images.size(); i++) {
                    insert.setLong(1, id);
                    bindImage(insert, 2, images.get(i), hashes.get(i), paths.get(i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    /**
     * PostgreSQL: the update, the images' blobs and rows, the node's count and the signal in a single statement, its
     * own transaction (one round trip instead of five); every part after the update runs only when the update changed
     * the row. Only when it did not is the reason looked up.
     */
    private void markDoneInOneStatement(long id, String leaseOwner, String finishedChannel, String json,
            List<String> hashes, List<NewImage> images, long engineMillis) {
        Map<String, byte[]> blobs = new LinkedHashMap<>(); // equal pictures are one blob: a row changes only once
        for (int i = 0; i < images.size(); i++) {
            blobs.putIfAbsent(hashes.get(i), images.get(i).png());
        }
        String sql = "WITH done AS (UPDATE generations SET parameters = ?, status = ?, finished_at = ?, "
                + "engine_millis = ?" + endLease + " WHERE id = ? AND status = ?"
                + (leaseOwner != null ? " AND lease_owner = ?" : "") + " RETURNING id), "
                + "blobs AS (" + ImageBlobs.insert(blobs.size(), "EXISTS (SELECT 1 FROM done)") + "), "
                + "stored AS (INSERT INTO images (" + GenerationReads.IMAGE_COLUMNS + ") SELECT done.id, v.* "
                + "FROM done, (VALUES " + String.join(", ", Collections.nCopies(images.size(),
                        "(?::int, ?::bigint, ?, ?, ?::bigint, ?::boolean)"))
                + ") AS v (image_index, seed, sha256, path, size_bytes, nsfw))"
                + (leaseOwner != null ? ", counted AS (UPDATE nodes SET jobs_done = jobs_done + 1 FROM done "
                        + "WHERE nodes.name = ?)" : "")
                + " SELECT done.id" + (finishedChannel != null ? ", pg_notify(?, ?)" : "") + " FROM done";
        database.writeOneStatement(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int next = bindDone(statement, 1, json, engineMillis, id);
                if (leaseOwner != null) {
                    statement.setString(next++, leaseOwner);
                }
                for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
                    next = ImageBlobs.bind(statement, next, blob.getKey(), blob.getValue());
                }
                for (int i = 0; i < images.size(); i++) {
                    next = bindImage(statement, next, images.get(i), hashes.get(i),
                            ImageBlobs.path(hashes.get(i), images.get(i).png()));
                }
                if (leaseOwner != null) {
                    statement.setString(next++, leaseOwner);
                }
                if (finishedChannel != null) {
                    statement.setString(next++, finishedChannel);
                    statement.setString(next, Long.toString(id));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return null;
                    }
                }
            }
            if (leaseOwner != null) {
                ClusterQueue.requireLease(c, id, leaseOwner);
            }
            throw transitionError(id, statusOf(c, id), "finish", EnumSet.of(GenerationStatus.RUNNING));
        });
    }

    /** Binds the done update's parameters from {@code index}: json, status, time, engine time, id, status. */
    private int bindDone(PreparedStatement update, int index, String json, long engineMillis, long id)
            throws SQLException {
        update.setString(index, json);
        update.setString(index + 1, GenerationStatus.DONE.id());
        Rows.setInstant(update, index + 2, clock.instant());
        update.setLong(index + 3, engineMillis);
        update.setLong(index + 4, id);
        update.setString(index + 5, GenerationStatus.RUNNING.id());
        return index + 6;
    }

    /** Binds an image row's columns after the generation id, from {@code index}; returns the next index. */
    private static int bindImage(PreparedStatement insert, int index, NewImage image, String sha256, String path)
            throws SQLException {
        insert.setInt(index, image.index());
        insert.setLong(index + 1, image.seed());
        insert.setString(index + 2, sha256);
        insert.setString(index + 3, path);
        insert.setLong(index + 4, image.png().length);
        insert.setBoolean(index + 5, image.nsfw());
        return index + 6;
    }

    /**
     * Marks a queued or running generation as failed with the sentence shown to the user (cut to
     * {@value #MAX_ERROR_CHARS} characters). Never pass stack traces or secrets.
     *
     * @throws IllegalStateException when it does not exist or has already finished
     */
    public void markFailed(long id, String userError) {
        String error = Checks.required("the error", userError);
        String stored = error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error;
        finish(id, GenerationStatus.FAILED, stored);
    }

    /**
     * Marks a queued or running generation as cancelled.
     *
     * @throws IllegalStateException when it does not exist or has already finished
     */
    public void markCancelled(long id) {
        finish(id, GenerationStatus.CANCELLED, null);
    }

    private void finish(long id, GenerationStatus status, String error) {
        database.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE generations SET status = ?, error = ?, "
                    + "finished_at = ?" + endLease + " WHERE id = ? AND status IN (?, ?)")) {
                update.setString(1, status.id());
                update.setString(2, error);
                Rows.setInstant(update, 3, clock.instant());
                update.setLong(4, id);
                update.setString(5, GenerationStatus.QUEUED.id());
                update.setString(6, GenerationStatus.RUNNING.id());
                requireOne(c, update.executeUpdate(), id, status == GenerationStatus.FAILED ? "fail" : "cancel",
                        EnumSet.of(GenerationStatus.QUEUED, GenerationStatus.RUNNING));
            }
            return null;
        });
    }

    /**
     * Remembers the bot's reply message (the one showing progress and the result), so it can be edited after a
     * restart. Returns whether the generation exists.
     */
    public boolean setReplyMessage(long id, String replyMessageId) {
        Checks.id("the reply message id", replyMessageId, 64);
        return database.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE generations SET reply_message_id = ? WHERE id = ?")) {
                update.setString(1, replyMessageId);
                update.setLong(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records that a finished generation's result (done, failed or cancelled) reached its reply target. Idempotent.
     */
    public void markDelivered(long id) {
        database.writeOneStatement(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE generations SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL")) {
                Rows.setInstant(update, 1, clock.instant());
                update.setLong(2, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Names the process running a command-line generation (see {@link #interruptOrphans}); a free text such as
     * {@code host:pid:start}, at most 200 characters.
     */
    public void setProcess(long id, String process) {
        database.write(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE generations SET cli_process = ? WHERE id = ?")) {
                update.setString(1, process.length() > 200 ? process.substring(0, 200) : process);
                update.setLong(2, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks the queued and running command-line generations whose process is gone as failed with {@code message}
     * (and delivered: there is no one to tell), so none stays "running" after Ctrl-C, SIGTERM or a kill. Reads only
     * the few unfinished rows (the status index), never the whole table.
     *
     * @param gone says, from the process name given to {@link #setProcess} (null when none was), whether it ended
     * @return the ids marked
     */
    public List<Long> interruptOrphans(Predicate<String> gone, String message) {
        Checks.required("the message", message);
        List<Long> orphans = new ArrayList<>();
        database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id, cli_process FROM generations "
                    + "WHERE status IN (?, ?) AND platform = ?")) {
                select.setString(1, GenerationStatus.QUEUED.id());
                select.setString(2, GenerationStatus.RUNNING.id());
                select.setString(3, COMMAND_LINE);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (gone.test(rows.getString(2))) {
                            orphans.add(rows.getLong(1));
                        }
                    }
                }
            }
            return null;
        });
        List<Long> marked = new ArrayList<>();
        for (long id : orphans) {
            try {
                markFailed(id, message);
                markDelivered(id);
                marked.add(id);
            } catch (IllegalStateException e) {
                // finished meanwhile
            }
        }
        return marked;
    }

    /** The generation with this id and its images, if recorded. */
    public Optional<Generation> find(long id) {
        return reads.find(id);
    }

    /**
     * A page of a user's generations with their images, newest first.
     *
     * @param beforeId only generations with smaller ids (the last id of the previous page), or {@code null} for the
     *     newest
     * @param limit 1 to {@value #MAX_PAGE}
     */
    public List<Generation> history(long userId, Long beforeId, int limit) {
        return reads.history(userId, beforeId, limit);
    }

    /**
     * Finished generations (done, failed or cancelled) whose result was never marked delivered, finished within
     * {@code within} of now, oldest first: what a dispatcher delivers again after a crash.
     * Command-line generations ({@link #COMMAND_LINE}) are never among them.
     */
    public List<Generation> undelivered(Duration within) {
        return reads.undelivered(within);
    }

    /**
     * Queued and running generations in the order they were queued (by time, then id): what a dispatcher resumes or
     * answers after a restart. A running one was interrupted by the restart. Command-line generations are never
     * among them.
     */
    public List<Generation> unfinished() {
        return reads.unfinished();
    }

    /**
     * What reruns a generation exactly: its stored parameters (resolved if it finished) and the init image's
     * original bytes.
     *
     * @throws DamagedImageException when the init image file is missing or altered
     */
    public Optional<RerunSpec> rerunSpec(long id) {
        return reads.rerunSpec(id);
    }

    /**
     * Reads a stored image's file, checked against its hash.
     *
     * @throws DamagedImageException when the file is missing or altered
     */
    public byte[] imageBytes(StoredImage image) {
        return reads.imageBytes(image);
    }

    private static String platformOf(Connection c, long userId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT platform FROM users WHERE id = ?")) {
            select.setLong(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalArgumentException("there is no user " + userId);
                }
                return rows.getString(1);
            }
        }
    }

    static GenerationStatus statusOf(Connection c, long id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT status FROM generations WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? GenerationStatus.fromId(rows.getString(1)) : null;
            }
        }
    }

    private static void requireOne(Connection c, int updated, long id, String action, Set<GenerationStatus> allowed)
            throws SQLException {
        if (updated != 1) {
            throw transitionError(id, statusOf(c, id), action, allowed);
        }
    }

    private static IllegalStateException transitionError(long id, GenerationStatus status, String action,
            Set<GenerationStatus> allowed) {
        if (status == null) {
            return new IllegalStateException("there is no generation " + id);
        }
        return new IllegalStateException("generation " + id + " is " + status.id() + "; only a "
                + allowed.stream().map(GenerationStatus::id).collect(Collectors.joining(" or "))
                + " generation can " + action);
    }
}
