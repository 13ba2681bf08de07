package dev.imagine.storage;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.CustomColumnProvider;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets that every frontend of a cluster shares, one row per key in PostgreSQL's {@code rate_buckets},
 * through Bucket4j's PostgreSQL proxy manager ({@code SELECT ... FOR UPDATE} on the key's row, so two frontends
 * taking from one bucket at once wait for each other instead of both spending the same tokens).
 *
 * <p><b>Time.</b> A bucket's refill is computed from the storage's clock (wall time, as Bucket4j's client-side clock),
 * not the database's nor a process's monotonic ticker: the stored state must mean the same on every node, so the
 * nodes should keep their clocks in sync (NTP), as for the queue's leases. Tests move that clock instead of
 * sleeping. (Left alone, Bucket4j's PostgreSQL manager would read the system's time, never the server's; so would its
 * own expiry column and clean-up, which is why {@code expires_at} and {@link #removeFull} here are this class's.)
 *
 * <p><b>Forgetting.</b> Each row records when its bucket is full again ({@code expires_at}); at most once every
 * {@link #CLEANUP_EVERY} a call deletes the rows past it, which behave exactly like a fresh bucket.
 *
 * <p>Thread-safe; owned by its {@link Storage}, whose pool it borrows connections from.
 */
public final class ClusterBuckets {
    /** How often, by the storage's clock, rows of buckets that are full again are deleted. */
    static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    /** How long one bucket operation may wait on the database (a row another frontend holds, a slow server). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final PostgresDatabase database;
    private final Clock clock;
    private final ProxyManager<String> buckets;
    private final AtomicLong nextCleanupMillis;

    ClusterBuckets(PostgresDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        ExpirationAfterWriteStrategy untilFull = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                Duration.ZERO);
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(database.dataSource())
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_buckets")
                .idColumn("id")
                .stateColumn("state")
                .addCustomColumn(new ExpiresAt(untilFull))
                .clientClock(meter)
                .requestTimeout(REQUEST_TIMEOUT)
                .build();
        this.nextCleanupMillis = new AtomicLong(clock.millis());
    }

    /** Bucket4j's own expiry column stamps the system's time; this one stamps the storage's clock. */
    private static final class ExpiresAt implements CustomColumnProvider<String> {
        private final ExpirationAfterWriteStrategy strategy;

        ExpiresAt(ExpirationAfterWriteStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        public void setCustomField(String key, int paramIndex, PreparedStatement statement, RemoteBucketState state,
                long currentTimeNanos) throws SQLException {
            long ttl = strategy.calculateTimeToLiveMillis(state, currentTimeNanos);
            statement.setLong(paramIndex, ttl < 0 ? Long.MAX_VALUE : currentTimeNanos / 1_000_000 + ttl);
        }

        @Override
        public String getCustomFieldName() {
            return "expires_at";
        }
    }

    /**
     * Takes {@code tokens} from the bucket stored under {@code key}, creating it full with {@code configuration} when
     * there is none. A key's configuration is the one it was created with, so a caller that changes a limit uses a
     * new key.
     *
     * @return whether they were taken, and otherwise how long until enough are back
     * @throws StorageException when the database cannot be reached or fails
     */
    public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration, long tokens) {
        Checks.required("the key", key);
        ConsumptionProbe probe = run(() -> buckets.builder().build(key, () -> configuration)
                .tryConsumeAndReturnRemaining(tokens));
        cleanUpWhenDue();
        return probe;
    }

    /**
     * Puts {@code tokens} back into the bucket under {@code key} (never above its capacity), for tokens taken for a
     * request that was then not accepted after all.
     *
     * @throws StorageException when the database cannot be reached or fails
     */
    public void addTokens(String key, BucketConfiguration configuration, long tokens) {
        Checks.required("the key", key);
        run(() -> {
            buckets.builder().build(key, () -> configuration).addTokens(tokens);
            return null;
        });
    }

    /** Deletes the rows of buckets that are full again; returns how many. */
    int removeFull() {
        long now = clock.millis();
        return database.write(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM rate_buckets WHERE expires_at < ?")) {
                s.setLong(1, now);
                return s.executeUpdate();
            }
        });
    }

    private void cleanUpWhenDue() {
        long now = clock.millis();
        long due = nextCleanupMillis.get();
        if (now >= due && nextCleanupMillis.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            removeFull();
        }
    }

    private interface Call<T> {
        T run();
    }

    private <T> T run(Call<T> call) {
        database.requireOpen();
        boolean interrupted = Thread.interrupted();
        try {
            return call.run();
        } catch (BucketExceptions.BucketExecutionException e) {
            throw e.getCause() instanceof SQLException sql
                    ? PostgresDatabase.translate(database.server(), sql)
                    : new StorageException("the shared rate limits failed: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
