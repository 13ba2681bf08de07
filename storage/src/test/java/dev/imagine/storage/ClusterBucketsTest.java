package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token buckets that the frontends of a cluster share on PostgreSQL (skipped with one line where no server
 * answers): two storages on one schema stand for two nodes; time is the storages' clock, moved instead of slept.
 */
class ClusterBucketsTest {
    /** 4 at once, 10 back every 10 minutes: one a minute. */
    private static final BucketConfiguration FOUR_THEN_ONE_A_MINUTE = BucketConfiguration.builder()
            .addLimit(Bandwidth.builder().capacity(4).refillGreedy(10, Duration.ofMinutes(10)).build())
            .build();

    @TempDir
    Path dir;

    private final TestData.MutableClock clock = new TestData.MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private StorageBackend.Place place;
    private Storage first;
    private Storage second;

    @BeforeEach
    void open() {
        place = StorageBackend.POSTGRESQL.place(dir);
        first = place.open(clock);
        second = place.open(clock);
    }

    @AfterEach
    void close() throws Exception {
        for (Storage storage : new Storage[] {first, second}) {
            if (storage != null) {
                storage.close();
            }
        }
        if (place != null) {
            place.close();
        }
    }

    private static boolean take(Storage node, String key, int tokens) {
        return node.sharedBuckets().orElseThrow().tryConsume(key, FOUR_THEN_ONE_A_MINUTE, tokens).isConsumed();
    }

    @Test
    void twoNodesSpendOneBucket() {
        assertThat(take(first, "telegram:1", 3)).isTrue();
        assertThat(take(second, "telegram:1", 1)).isTrue();

        ConsumptionProbe refused = second.sharedBuckets().orElseThrow().tryConsume("telegram:1",
                FOUR_THEN_ONE_A_MINUTE, 1);
        assertThat(refused.isConsumed()).isFalse();
        assertThat(Duration.ofNanos(refused.getNanosToWaitForRefill())).isEqualTo(Duration.ofMinutes(1));
        assertThat(take(first, "telegram:1", 1)).isFalse();
        assertThat(take(first, "telegram:2", 4)).as("another key has its own bucket").isTrue();
    }

    @Test
    void concurrentTakesOnTwoNodesNeverSpendATokenTwice() throws Exception {
        BucketConfiguration twenty = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(20).refillGreedy(1, Duration.ofDays(1)).build())
                .build();
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                ClusterBuckets node = (t % 2 == 0 ? first : second).sharedBuckets().orElseThrow();
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        if (node.tryConsume("telegram:1", twenty, 1).isConsumed()) {
                            taken.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertThat(taken).as("80 tries at a bucket of 20 whose clock stands still").hasValue(20);
    }

    @Test
    void tokensComeBackAsTheStoragesClockMoves() {
        assertThat(take(first, "telegram:1", 4)).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(take(second, "telegram:1", 1)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(take(second, "telegram:1", 1)).isTrue();
        assertThat(take(first, "telegram:1", 1)).isFalse();
        clock.advance(Duration.ofMinutes(30));
        assertThat(take(first, "telegram:1", 4)).as("refilled up to the capacity, not above").isTrue();
        assertThat(take(first, "telegram:1", 1)).isFalse();
    }

    @Test
    void tokensGivenBackServeTheOtherNode() {
        assertThat(take(first, "telegram:1", 4)).isTrue();
        first.sharedBuckets().orElseThrow().addTokens("telegram:1", FOUR_THEN_ONE_A_MINUTE, 2);
        assertThat(take(second, "telegram:1", 2)).isTrue();
        assertThat(take(second, "telegram:1", 1)).isFalse();
    }

    @Test
    void bucketsFullAgainAreForgotten() throws Exception {
        assertThat(take(first, "telegram:1", 4)).isTrue();
        assertThat(take(first, "telegram:2", 1)).isTrue();
        assertThat(rows()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(first.sharedBuckets().orElseThrow().removeFull()).as("user 2's bucket is full again").isEqualTo(1);
        clock.advance(ClusterBuckets.CLEANUP_EVERY);
        assertThat(take(second, "telegram:3", 1)).isTrue();
        assertThat(rows()).as("user 1's bucket full again and removed by a later call; user 3's new").isEqualTo(1);
        assertThat(take(second, "telegram:1", 4)).as("a forgotten bucket starts full").isTrue();
    }

    @Test
    void aClosedStorageSaysSoInASentence() {
        ClusterBuckets buckets = first.sharedBuckets().orElseThrow();
        first.close();
        assertThatThrownBy(() -> buckets.tryConsume("telegram:1", FOUR_THEN_ONE_A_MINUTE, 1))
                .isInstanceOf(StorageException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void theH2FileHasNoSharedBuckets() {
        try (Storage h2 = Storage.open(dir.resolve("h2"))) {
            assertThat(h2.sharedBuckets()).isEmpty();
        }
    }

    private long rows() throws Exception {
        try (Connection c = place.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM rate_buckets")) {
            r.next();
            return r.getLong(1);
        }
    }
}
