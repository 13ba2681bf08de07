package dev.imagine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read side of {@link GenerationRepository}: generations with their images for history, delivery, resuming and
 * reruns, mapped from their rows. Thread-safe; owned by its repository.
 */
final class GenerationReads {
    static final String COLUMNS = "id, user_id, platform, kind, parent_id, model_name, model_fingerprint, "
            + "model_path, parameters, init_image_sha256, guild_id, channel_id, request_message_id, "
            + "reply_message_id, status, error, queued_at, started_at, finished_at, engine_millis, init_image_path, "
            + "attempts";
    private static final int COLUMN_COUNT = COLUMNS.split(", ").length;
    static final String IMAGE_COLUMNS = "generation_id, image_index, seed, sha256, path, size_bytes, nsfw";

    private final Database database;
    private final ImageStore files;
    private final Clock clock;

    GenerationReads(Database database, ImageStore files, Clock clock) {
        this.database = database;
        this.files = files;
        this.clock = clock;
    }

    /** The generation with this id and its images, if recorded. */
    Optional<Generation> find(long id) {
        // One query (a delivery reads each finished job): the generation's columns on every row of its images.
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT g." + COLUMNS.replace(", ", ", g.") + ", i."
                    + IMAGE_COLUMNS.replace(", ", ", i.") + " FROM generations g LEFT JOIN images i "
                    + "ON i.generation_id = g.id WHERE g.id = ? ORDER BY i.image_index")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    int first = COLUMN_COUNT + 1;
                    List<StoredImage> images = new ArrayList<>();
                    Generation g = generation(rows, List.of());
                    do {
                        if (rows.getObject(first) != null) {
                            images.add(image(rows, first));
                        }
                    } while (rows.next());
                    return Optional.of(images.isEmpty() ? g : generation(g, List.copyOf(images)));
                }
            }
        });
    }

    /**
     * A page of a user's generations with their images, newest first.
     *
     * @param beforeId only generations with smaller ids (the last id of the previous page), or {@code null} for the
     *     newest
     * @param limit 1 to {@value GenerationRepository#MAX_PAGE}
     */
    List<Generation> history(long userId, Long beforeId, int limit) {
        Checks.range("the page size", limit, 1, GenerationRepository.MAX_PAGE);
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM generations "
                    + "WHERE user_id = ? AND id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
                select.setLong(1, userId);
                select.setLong(2, beforeId == null ? Long.MAX_VALUE : beforeId);
                select.setInt(3, limit);
                return withImages(c, select);
            }
        });
    }

    /**
     * Finished generations (done, failed or cancelled) whose result was never marked delivered, finished within
     * {@code within} of now, oldest first: what a dispatcher delivers again after a crash.
     * Command-line generations are never among them.
     */
    List<Generation> undelivered(Duration within) {
        Checks.required("the period", within);
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM generations "
                    + "WHERE delivered_at IS NULL AND finished_at IS NOT NULL AND finished_at >= ? "
                    + "AND status IN (?, ?, ?) AND platform <> ? ORDER BY finished_at, id")) {
                Rows.setInstant(select, 1, clock.instant().minus(within));
                select.setString(2, GenerationStatus.DONE.id());
                select.setString(3, GenerationStatus.FAILED.id());
                select.setString(4, GenerationStatus.CANCELLED.id());
                select.setString(5, GenerationRepository.COMMAND_LINE);
                return withImages(c, select);
            }
        });
    }

    /**
     * Queued and running generations in the order they were queued (by time, then id): what a dispatcher resumes or
     * answers after a restart. A running one was interrupted by the restart. Command-line generations are never
     * among them.
     */
    List<Generation> unfinished() {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM generations "
                    + "WHERE status IN (?, ?) AND platform <> ? ORDER BY queued_at, id")) {
                select.setString(1, GenerationStatus.QUEUED.id());
                select.setString(2, GenerationStatus.RUNNING.id());
                select.setString(3, GenerationRepository.COMMAND_LINE);
                return withImages(c, select);
            }
        });
    }

    /**
     * What reruns a generation exactly: its stored parameters (resolved if it finished) and the init image's
     * original bytes.
     *
     * @throws DamagedImageException when the init image file is missing or altered
     */
    Optional<RerunSpec> rerunSpec(long id) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM generations WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    Generation g = generation(rows, List.of());
                    String initPath = rows.getString(21);
                    byte[] init = initPath == null ? null : files.read(c, initPath, g.initImageSha256());
                    return Optional.of(new RerunSpec(g.id(), g.kind(), g.model(), g.parameters(), init));
                }
            }
        });
    }

    /**
     * Reads a stored image's file, checked against its hash.
     *
     * @throws DamagedImageException when the file is missing or altered
     */
    byte[] imageBytes(StoredImage image) {
        Checks.required("the image", image);
        return database.read(c -> files.read(c, image.path(), image.sha256()));
    }

    /** Maps a row of {@link #COLUMNS} (in that order, from column 1) without its images. */
    static Generation generation(ResultSet rows) throws SQLException {
        return generation(rows, List.of());
    }

    private static Generation generation(ResultSet rows, List<StoredImage> images) throws SQLException {
        return new Generation(rows.getLong(1), rows.getLong(2), rows.getString(3),
                GenerationKind.fromId(rows.getString(4)), Rows.getLong(rows, 5),
                new ModelRef(rows.getString(6), rows.getString(7), rows.getString(8)),
                GenerationParameters.fromJson(rows.getString(9)), rows.getString(10),
                new ReplyTarget(rows.getString(11), rows.getString(12), rows.getString(13), rows.getString(14)),
                GenerationStatus.fromId(rows.getString(15)), rows.getString(16), Rows.getInstant(rows, 17),
                Rows.getInstant(rows, 18), Rows.getInstant(rows, 19), Rows.getLong(rows, 20), rows.getInt(22), images);
    }

    /** Runs a generation query, then loads the images of all its rows with one more query. */
    private static List<Generation> withImages(Connection c, PreparedStatement select) throws SQLException {
        Map<Long, Generation> byId = new LinkedHashMap<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Generation g = generation(rows, List.of());
                byId.put(g.id(), g);
            }
        }
        if (byId.isEmpty()) {
            return List.of();
        }
        Map<Long, List<StoredImage>> images = new LinkedHashMap<>();
        String marks = byId.keySet().stream().map(id -> "?").collect(Collectors.joining(", "));
        try (PreparedStatement select2 = c.prepareStatement("SELECT " + IMAGE_COLUMNS + " FROM images "
                + "WHERE generation_id IN (" + marks + ") ORDER BY generation_id, image_index")) {
            int i = 1;
            for (long id : byId.keySet()) {
                select2.setLong(i++, id);
            }
            try (ResultSet rows = select2.executeQuery()) {
                while (rows.next()) {
                    StoredImage image = image(rows, 1);
                    images.computeIfAbsent(image.generationId(), k -> new ArrayList<>()).add(image);
                }
            }
        }
        List<Generation> result = new ArrayList<>(byId.size());
        for (Generation g : byId.values()) {
            List<StoredImage> own = images.getOrDefault(g.id(), Collections.emptyList());
            result.add(own.isEmpty() ? g : generation(g, own));
        }
        return result;
    }

    /** Maps {@link #IMAGE_COLUMNS} starting at column {@code first}. */
    private static StoredImage image(ResultSet rows, int first) throws SQLException {
        return new StoredImage(rows.getLong(first), rows.getInt(first + 1), rows.getLong(first + 2),
                rows.getString(first + 3), rows.getString(first + 4), rows.getLong(first + 5),
                rows.getBoolean(first + 6));
    }

    /** {@code g} with {@code images}. */
    private static Generation generation(Generation g, List<StoredImage> images) {
        return new Generation(g.id(), g.userId(), g.platform(), g.kind(), g.parentId(), g.model(), g.parameters(),
                g.initImageSha256(), g.replyTarget(), g.status(), g.error(), g.queuedAt(), g.startedAt(),
                g.finishedAt(), g.engineMillis(), g.attempts(), images);
    }

    /** The image files some row still references: what prune keeps. */
    static Set<String> referencedFiles(Connection c) throws SQLException {
        Set<String> paths = new HashSet<>();
        try (Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery("SELECT path FROM images UNION "
                        + "SELECT init_image_path FROM generations WHERE init_image_path IS NOT NULL")) {
            while (rows.next()) {
                paths.add(rows.getString(1));
            }
        }
        return paths;
    }
}
