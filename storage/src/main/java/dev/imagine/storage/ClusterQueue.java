package dev.imagine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The queue of generations shared by every node of a cluster on PostgreSQL: frontends {@link #enqueue} requests,
 * workers {@link #claim} them under a lease they keep with {@link #heartbeat}, and a lease that nobody renews expires
 * so another worker takes the job, counted as an attempt.
 *
 * <p><b>Fairness and limits, cluster-wide.</b> A claim takes the oldest queued job of the user served least recently
 * (never served first, ties by arrival), locking it with {@code FOR UPDATE SKIP LOCKED} so that concurrent claimers
 * skip each other's rows instead of waiting or taking the same one. {@link #enqueue} checks the per-user cap and the
 * queue's capacity in the insert's own transaction, under a transaction-scoped advisory lock, so two frontends cannot
 * both take the last place.
 *
 * <p><b>Time.</b> Leases are stamped with the storage's clock, so a test moves time instead of sleeping; the nodes of
 * a cluster should keep their clocks in sync (NTP), and a lease timeout well above the skew.
 *
 * <p>Thread-safe; owned by its {@link Storage}. Every method commits before it returns.
 */
public final class ClusterQueue {
    /** The channel that wakes idle workers when a job is queued. */
    static final String QUEUED_CHANNEL = "imagine_queued";
    /** The channel that tells workers a running job was asked to stop. */
    static final String CANCEL_CHANNEL = "imagine_cancel";
    /** The channel that tells frontends a job finished. */
    static final String FINISHED_CHANNEL = "imagine_finished";
    /** The channel that carries progress from workers to frontends. */
    static final String PROGRESS_CHANNEL = "imagine_progress";
    /** The advisory lock key that serialises admissions across the cluster ("imagine" in ASCII). */
    private static final long ADMISSION_LOCK = 0x696d6167696e65L;

    private final Database database;
    private final GenerationRepository generations;
    private final Clock clock;
    /** NOTIFY reaches every session of the database, so a cluster in its own schema has channels of its own. */
    private final String channelSuffix;

    ClusterQueue(Database database, GenerationRepository generations, Clock clock) {
        this.database = database;
        this.generations = generations;
        this.clock = clock;
        String schema = database instanceof PostgresDatabase postgres ? postgres.server().schema() : null;
        this.channelSuffix = schema == null ? "" : schema.matches("[a-z_][a-z0-9_]{0,40}") ? "_" + schema
                : "_" + Integer.toHexString(schema.hashCode());
    }

    /** What {@link #enqueue} decided. */
    public sealed interface Admission {
        /** Queued with this generation id. */
        record Queued(long id, int position) implements Admission {
        }

        /** The user already has {@code cap} jobs queued or running. */
        record UserFull(int cap) implements Admission {
        }

        /** The queue holds {@code capacity} jobs already. */
        record QueueFull(int capacity) implements Admission {
        }
    }

    /**
     * Records a request as queued unless its user already has {@code perUserCap} queued or running generations or
     * the cluster's queue holds {@code capacity} queued ones, and wakes one idle worker.
     *
     * @throws IllegalArgumentException as {@link GenerationRepository#record} does
     */
    public Admission enqueue(NewGeneration request, byte[] initImage, int perUserCap, int capacity) {
        GenerationRepository.checkRecord(request, initImage);
        Checks.range("the per-user cap", perUserCap, 1, Integer.MAX_VALUE);
        Checks.range("the queue capacity", capacity, 1, Integer.MAX_VALUE);
        return database.write(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, ADMISSION_LOCK);
                lock.execute();
            }
            long mine;
            long queued;
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FILTER (WHERE user_id = ?), "
                    + "COUNT(*) FILTER (WHERE status = 'queued') FROM generations "
                    + "WHERE status IN ('queued', 'running')")) {
                count.setLong(1, request.userId());
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    mine = rows.getLong(1);
                    queued = rows.getLong(2);
                }
            }
            if (mine >= perUserCap) {
                return new Admission.UserFull(perUserCap);
            }
            if (queued >= capacity) {
                return new Admission.QueueFull(capacity);
            }
            long id = generations.insert(c, request, initImage);
            notify(c, QUEUED_CHANNEL, id);
            return new Admission.Queued(id, (int) queued + 1);
        });
    }

    /** A job a worker holds. */
    public record Claim(Generation generation, Instant leaseExpires) {
    }

    /**
     * Takes the next job by the fairness rule for {@code worker}, leased for {@code lease}: it becomes running, its
     * attempts go up by one and its user counts as just served. Leases that ran out are not settled here: workers and
     * frontends call {@link #expireLeases} now and then (a worker about once a second while it claims jobs).
     *
     * @param worker the node's name, at most 128 characters
     * @return the job, or empty when none is queued (or every queued one is being claimed right now)
     */
    public Optional<Claim> claim(String worker, Duration lease) {
        Checks.id("the worker name", Checks.required("the worker name", worker), 128);
        checkLease(lease);
        Instant now = clock.instant();
        Instant until = now.plus(lease);
        // A claim lost with the server's crash leaves its job queued, and the worker's next heartbeat finds the lease
        // gone and stops.
        return database.writeOneStatement(c -> {
            // First a job whose user no other worker is being given a job of right now (their row is locked), which
            // spreads concurrent claims over users as the fairness rule means; then, when every queued job's user
            // is locked, any job: that claim waits for the other to commit instead of leaving the job waiting.
            Optional<Claim> claim = claim(c, "FOR UPDATE OF g, u SKIP LOCKED", worker, now, until);
            return claim.isPresent() ? claim : claim(c, "FOR UPDATE OF g SKIP LOCKED", worker, now, until);
        });
    }

    /**
     * Picks the next queued job with {@code locking}, makes it running under the lease and counts its user as
     * served, in one statement; the job's row as it is afterwards (no images yet).
     */
    private static Optional<Claim> claim(Connection c, String locking, String worker, Instant now, Instant until)
            throws SQLException {
        try (PreparedStatement claim = c.prepareStatement(PostgresDatabase.NO_DISK_WAIT
                + "WITH next AS (SELECT g.id AS next_id, "
                + "g.user_id AS next_user FROM generations g JOIN users u ON u.id = g.user_id "
                + "WHERE g.status = 'queued' ORDER BY u.served_order, g.queued_at, g.id LIMIT 1 " + locking + "), "
                + "served AS (UPDATE users SET served_order = nextval('served_order_seq') FROM next "
                + "WHERE users.id = next.next_user) "
                + "UPDATE generations SET status = 'running', started_at = ?, attempts = attempts + 1, "
                + "lease_owner = ?, lease_expires_at = ? FROM next WHERE generations.id = next.next_id "
                + "RETURNING " + GenerationReads.COLUMNS)) {
            Rows.setInstant(claim, 1, now);
            claim.setString(2, worker);
            Rows.setInstant(claim, 3, until);
            PostgresDatabase.executeAfterNoDiskWait(claim);
            try (ResultSet rows = claim.getResultSet()) {
                return rows.next() ? Optional.of(new Claim(GenerationReads.generation(rows), until))
                        : Optional.empty();
            }
        }
    }

    /** What a worker learns from its {@link #heartbeat}. */
    public enum Lease {
        /** Still the worker's; renewed. */
        HELD,
        /** Still the worker's, but someone asked to cancel the job: stop at the next step. */
        CANCEL_REQUESTED,
        /** No longer the worker's (it expired and another worker took the job, or the job finished): stop. */
        LOST
    }

    /** Renews {@code worker}'s lease on job {@code id} for {@code lease} from now, and says whether to go on. */
    public Lease heartbeat(long id, String worker, Duration lease) {
        checkLease(lease);
        Instant until = clock.instant().plus(lease);
        // A renewal lost with the server's crash only shortens the lease: another worker may take the job sooner and
        // this one learns it at its next beat. Not waiting for the disk keeps a busy disk from expiring the lease.
        return database.writeOneStatement(c -> {
            try (PreparedStatement update = c.prepareStatement(PostgresDatabase.NO_DISK_WAIT
                    + "UPDATE generations SET lease_expires_at = ? "
                    + "WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING cancel_requested")) {
                Rows.setInstant(update, 1, until);
                update.setLong(2, id);
                update.setString(3, worker);
                PostgresDatabase.executeAfterNoDiskWait(update);
                try (ResultSet rows = update.getResultSet()) {
                    if (!rows.next()) {
                        return Lease.LOST;
                    }
                    return rows.getBoolean(1) ? Lease.CANCEL_REQUESTED : Lease.HELD;
                }
            }
        });
    }

    /**
     * Settles running jobs whose lease ran out (their worker died or lost the network): back to the queue, or failed
     * with {@code gaveUp} once they were started {@code maxAttempts} times. Returns the ids put back or failed.
     */
    public List<Long> expireLeases(int maxAttempts, String gaveUp) {
        Checks.range("the attempts", maxAttempts, 1, 100);
        Checks.required("the message", gaveUp);
        Instant now = clock.instant();
        return database.write(c -> expire(c, now, maxAttempts, gaveUp));
    }

    private List<Long> expire(Connection c, Instant now, int maxAttempts, String gaveUp) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement update = c.prepareStatement("UPDATE generations SET "
                + "status = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END, "
                + "error = CASE WHEN attempts >= ? THEN ? ELSE error END, "
                + "finished_at = CASE WHEN attempts >= ? THEN ? ELSE NULL END, "
                + "started_at = NULL, lease_owner = NULL, lease_expires_at = NULL "
                + "WHERE status = 'running' AND lease_expires_at < ? RETURNING id, status")) {
            update.setInt(1, maxAttempts);
            update.setInt(2, maxAttempts);
            update.setString(3, gaveUp);
            update.setInt(4, maxAttempts);
            Rows.setInstant(update, 5, now);
            Rows.setInstant(update, 6, now);
            boolean requeued = false;
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                    if (rows.getString(2).equals("queued")) {
                        requeued = true;
                    } else {
                        notify(c, FINISHED_CHANNEL, rows.getLong(1));
                    }
                }
            }
            if (requeued) {
                notify(c, QUEUED_CHANNEL, 0);
            }
        }
        return ids;
    }

    /**
     * Finishes a job {@code worker} holds: as {@link GenerationRepository#markDone}, refused with an
     * {@link IllegalStateException} when the lease is no longer the worker's; tells the frontends.
     */
    public void complete(long id, String worker, GenerationParameters resolved, List<NewImage> images,
            long engineMillis) {
        generations.markDone(id, Checks.required("the worker name", worker), FINISHED_CHANNEL + channelSuffix,
                resolved, images, engineMillis);
    }

    /**
     * Ends a job {@code worker} holds without a result: {@link GenerationStatus#FAILED} with a sentence for the user,
     * or {@link GenerationStatus#CANCELLED}; tells the frontends. Returns false (changing nothing) when the lease is
     * no longer the worker's.
     */
    public boolean finish(long id, String worker, GenerationStatus status, String error) {
        Checks.required("the worker name", worker);
        if (status != GenerationStatus.FAILED && status != GenerationStatus.CANCELLED) {
            throw new IllegalArgumentException("a job ends without a result as failed or cancelled, not " + status);
        }
        String stored = error == null ? null : error.length() > GenerationRepository.MAX_ERROR_CHARS
                ? error.substring(0, GenerationRepository.MAX_ERROR_CHARS) : error;
        Instant now = clock.instant();
        return database.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE generations SET status = ?, error = ?, "
                    + "finished_at = ?, lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                update.setString(1, status.id());
                update.setString(2, stored);
                Rows.setInstant(update, 3, now);
                update.setLong(4, id);
                update.setString(5, worker);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            notify(c, FINISHED_CHANNEL, id);
            return true;
        });
    }

    /**
     * Puts a job {@code worker} holds back in the queue (the worker is stopping), keeping its attempt count, and wakes
     * an idle worker. Returns false when the lease is no longer the worker's.
     */
    public boolean release(long id, String worker) {
        Checks.required("the worker name", worker);
        return database.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE generations SET status = 'queued', "
                    + "started_at = NULL, lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE id = ? AND status = 'running' AND lease_owner = ?")) {
                update.setLong(1, id);
                update.setString(2, worker);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            notify(c, QUEUED_CHANNEL, id);
            return true;
        });
    }

    /**
     * Tells the frontends how far a running job is: {@code step} of {@code totalSteps} done (0 when it just started),
     * {@code elapsed} since it started. Not stored; a frontend that is not listening misses it, which costs only a
     * progress line. The caller limits how often (once a second per job).
     */
    public void publishProgress(long id, int step, int totalSteps, Duration elapsed) {
        String payload = id + " " + step + " " + totalSteps + " " + Math.max(0, elapsed.toMillis());
        database.write(c -> {
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, PROGRESS_CHANNEL + channelSuffix);
                notify.setString(2, payload);
                notify.execute();
            }
            return null;
        });
    }

    /** How many nodes with {@code role} beat within {@code within} of now. */
    public int nodesAlive(String role, Duration within) {
        Instant since = clock.instant().minus(within);
        return database.read(c -> {
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT COUNT(*) FROM nodes WHERE node_role = ? AND heartbeat_at >= ?")) {
                count.setString(1, role);
                Rows.setInstant(count, 2, since);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
        });
    }

    /** The user's queued and running jobs: running ones first, then queued ones in the order they were queued. */
    public List<Long> activeJobs(long userId) {
        return database.read(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM generations WHERE user_id = ? AND "
                    + "status IN ('queued', 'running') ORDER BY CASE WHEN status = 'running' THEN 0 ELSE 1 END, "
                    + "queued_at, id")) {
                select.setLong(1, userId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * How many queued jobs the fairness rule takes before job {@code id} (0: a worker takes it next; a running job
     * is 0 too), or empty when it is neither queued nor running. An estimate: users served in between move ahead.
     */
    public Optional<Integer> position(long id) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT g.status, (SELECT COUNT(*) FROM generations o "
                    + "JOIN users ou ON ou.id = o.user_id WHERE o.status = 'queued' AND "
                    + "(ou.served_order, o.queued_at, o.id) < (u.served_order, g.queued_at, g.id)) "
                    + "FROM generations g JOIN users u ON u.id = g.user_id WHERE g.id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<Integer>empty();
                    }
                    String status = rows.getString(1);
                    if (status.equals("running")) {
                        return Optional.of(0);
                    }
                    return status.equals("queued") ? Optional.of(rows.getInt(2)) : Optional.<Integer>empty();
                }
            }
        });
    }

    /** A node of the cluster as {@code imagine cluster status} shows it. */
    public record Node(String name, String role, Instant startedAt, Instant heartbeatAt, List<Long> running,
            long jobsDone) {
    }

    /**
     * Records that node {@code name} with {@code role} is alive now (registering it on its first beat, or when it
     * restarts with {@code restarted}).
     */
    public void beat(String name, String role, boolean restarted) {
        Checks.id("the node name", Checks.required("the node name", name), 128);
        Checks.name("the role", Checks.required("the role", role));
        Instant now = clock.instant();
        // A beat lost with the server's crash only makes the node look idle a beat longer.
        database.writeOneStatement(c -> {
            try (PreparedStatement upsert = c.prepareStatement(PostgresDatabase.NO_DISK_WAIT
                    + "INSERT INTO nodes (name, node_role, started_at, "
                    + "heartbeat_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                    + "node_role = EXCLUDED.node_role, heartbeat_at = EXCLUDED.heartbeat_at, "
                    + "started_at = CASE WHEN ? THEN EXCLUDED.started_at ELSE nodes.started_at END")) {
                upsert.setString(1, name);
                upsert.setString(2, role);
                Rows.setInstant(upsert, 3, now);
                Rows.setInstant(upsert, 4, now);
                upsert.setBoolean(5, restarted);
                PostgresDatabase.executeAfterNoDiskWait(upsert);
            }
            return null;
        });
    }

    /** Every node that ever beat, by name, with the jobs it holds leases on now. */
    public List<Node> nodes() {
        return database.read(c -> {
            List<Node> nodes = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT n.name, n.node_role, n.started_at, n.heartbeat_at, "
                            + "n.jobs_done, (SELECT string_agg(g.id::text, ',' ORDER BY g.id) FROM generations g "
                            + "WHERE g.status = 'running' AND g.lease_owner = n.name) FROM nodes n ORDER BY n.name")) {
                while (rows.next()) {
                    String running = rows.getString(6);
                    List<Long> ids = running == null ? List.of()
                            : Arrays.stream(running.split(",")).map(Long::valueOf).toList();
                    nodes.add(new Node(rows.getString(1), rows.getString(2), Rows.getInstant(rows, 3),
                            Rows.getInstant(rows, 4), ids, rows.getLong(5)));
                }
            }
            return nodes;
        });
    }

    /**
     * Asks to cancel a job anywhere in the cluster: a queued one is cancelled at once, a running one is flagged and
     * its worker told, so it stops at its next step and marks it cancelled. Returns the job's status afterwards, or
     * empty when there is no such job.
     */
    public Optional<GenerationStatus> requestCancel(long id) {
        Instant now = clock.instant();
        return database.write(c -> {
            try (PreparedStatement queued = c.prepareStatement("UPDATE generations SET status = 'cancelled', "
                    + "finished_at = ? WHERE id = ? AND status = 'queued'")) {
                Rows.setInstant(queued, 1, now);
                queued.setLong(2, id);
                if (queued.executeUpdate() == 1) {
                    notify(c, FINISHED_CHANNEL, id);
                    return Optional.of(GenerationStatus.CANCELLED);
                }
            }
            try (PreparedStatement running = c.prepareStatement("UPDATE generations SET cancel_requested = TRUE "
                    + "WHERE id = ? AND status = 'running'")) {
                running.setLong(1, id);
                if (running.executeUpdate() == 1) {
                    notify(c, CANCEL_CHANNEL, id);
                    return Optional.of(GenerationStatus.RUNNING);
                }
            }
            return Optional.ofNullable(GenerationRepository.statusOf(c, id));
        });
    }

    /** Queued jobs across the cluster. */
    public long depth() {
        return database.read(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM generations WHERE status = 'queued'")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /**
     * Starts listening for all of the cluster's signals on its own connection (not one of the pool's); the caller
     * closes it. For an observer; a node listens only on what it acts on ({@link #listen(Set)}).
     */
    public QueueListener listen() {
        return listen(EnumSet.allOf(QueueListener.Channel.class));
    }

    /**
     * Starts listening for the cluster's signals on {@code channels} only, on its own connection (not one of the
     * pool's); the caller closes it. A worker waits for {@code QUEUED} and {@code CANCEL} instead of polling; a
     * frontend learns of {@code FINISHED} jobs and their {@code PROGRESS}. Every signal wakes each session listening
     * on its channel (on the server and in its node), so a node that listened on all of them would be woken by every
     * other node's work.
     */
    public QueueListener listen(Set<QueueListener.Channel> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a listener needs at least one channel");
        }
        if (!(database instanceof PostgresDatabase postgres)) {
            throw new IllegalStateException("signals need PostgreSQL");
        }
        return QueueListener.open(postgres.server(), channelSuffix, channels);
    }

    /**
     * Fails unless {@code worker} holds the lease on job {@code id}, locking its row; returns its status. Runs in the
     * caller's transaction.
     */
    static GenerationStatus requireLease(Connection c, long id, String worker) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT lease_owner, status FROM generations WHERE id = ? FOR UPDATE")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next() || !worker.equals(rows.getString(1))) {
                    throw new IllegalStateException("generation " + id + " is no longer leased to " + worker);
                }
                return GenerationStatus.fromId(rows.getString(2));
            }
        }
    }

    private void notify(Connection c, String channel, long id) throws SQLException {
        try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, channel + channelSuffix);
            notify.setString(2, Long.toString(id));
            notify.execute();
        }
    }

    private static void checkLease(Duration lease) {
        Checks.required("the lease", lease);
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, got " + lease);
        }
    }
}
