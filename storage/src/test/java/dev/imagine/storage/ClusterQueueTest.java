package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.storage.QueueListener.Channel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue that a cluster shares on PostgreSQL: fairness, limits, leases, cancel and signals. Time is moved. */
class ClusterQueueTest {
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final String GAVE_UP = "this picture failed on 3 workers; try again";

    @TempDir
    Path dir;

    private final TestData.MutableClock clock = new TestData.MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private StorageBackend.Place place;
    private Storage storage;
    private ClusterQueue queue;

    @BeforeEach
    void open() {
        place = StorageBackend.POSTGRESQL.place(dir);
        storage = place.open(clock);
        queue = storage.queue();
    }

    @AfterEach
    void close() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (place != null) {
            place.close();
        }
    }

    private long user(String name) {
        return storage.users().ensure("telegram", name, null).id();
    }

    private long enqueue(long user, String prompt) {
        ClusterQueue.Admission admission = queue.enqueue(TestData.txt2img(user, prompt), null, 10, 100);
        assertThat(admission).isInstanceOf(ClusterQueue.Admission.Queued.class);
        return ((ClusterQueue.Admission.Queued) admission).id();
    }

    private String claimPrompt(String worker) {
        return queue.claim(worker, LEASE)
                .map(c -> (String) c.generation().parameters().get("prompt")).orElse(null);
    }

    @Test
    void claimsServeTheUserServedLeastRecentlyFirst() {
        long ada = user("ada");
        long bob = user("bob");
        long cy = user("cy");
        enqueue(ada, "ada 1");
        enqueue(ada, "ada 2");
        enqueue(ada, "ada 3");
        enqueue(bob, "bob 1");
        enqueue(cy, "cy 1");
        enqueue(bob, "bob 2");

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String prompt = claimPrompt(i % 2 == 0 ? "w1" : "w2");
            if (prompt != null) {
                order.add(prompt);
            }
        }
        assertThat(order).containsExactly("ada 1", "bob 1", "cy 1", "ada 2", "bob 2", "ada 3");
        assertThat(queue.depth()).isZero();
    }

    @Test
    void aClaimSkipsTheUserAnotherWorkerIsBeingGivenAJobOfAndWaitsForItWhenNoOneElseHasOne() throws Exception {
        long ada = user("ada");
        long bob = user("bob");
        enqueue(ada, "ada 1");
        enqueue(ada, "ada 2");
        enqueue(bob, "bob 1");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = place.connect()) {
            // another worker's claim of ada's job, still open: it holds ada's user row
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, ada);
                lock.executeQuery().close();
            }
            assertThat(claimPrompt("w1")).as("ada goes first by the rule, but is being served").isEqualTo("bob 1");

            // now only ada has queued jobs: the claim waits for the other claim instead of finding nothing
            Future<String> waiting = pool.submit(() -> claimPrompt("w2"));
            awaitClaimWaitingForALock();
            assertThat(waiting).isNotDone();
            other.commit();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo("ada 1");
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimPrompt("w1")).isEqualTo("ada 2");
    }

    /**
     * Until the server shows a claim (by its statement) waiting for a row lock; fails after 30 s. Asks on a connection
     * of its own in auto-commit, because the server keeps one snapshot of its activity view per transaction.
     */
    private void awaitClaimWaitingForALock() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = place.connect(); PreparedStatement waiting = c.prepareStatement("SELECT COUNT(*) "
                + "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%served_order_seq%' "
                + "AND pid <> pg_backend_pid()")) {
            while (true) {
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) > 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("a claim waiting for the lock").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void thePerUserCapAndTheCapacityHoldInTheInsertsTransaction() {
        long ada = user("ada");
        long bob = user("bob");
        NewGeneration request = TestData.txt2img(ada, "x");
        assertThat(queue.enqueue(request, null, 2, 3)).isInstanceOf(ClusterQueue.Admission.Queued.class);
        assertThat(queue.enqueue(request, null, 2, 3)).isInstanceOf(ClusterQueue.Admission.Queued.class);
        assertThat(queue.enqueue(request, null, 2, 3)).isEqualTo(new ClusterQueue.Admission.UserFull(2));
        // a running job still counts against its user's cap, but no longer against the queue's capacity
        assertThat(queue.claim("w1", LEASE)).isPresent();
        assertThat(queue.enqueue(request, null, 2, 3)).isEqualTo(new ClusterQueue.Admission.UserFull(2));
        assertThat(queue.enqueue(TestData.txt2img(bob, "y"), null, 2, 2)).isInstanceOfSatisfying(
                ClusterQueue.Admission.Queued.class, queued -> assertThat(queued.position()).isEqualTo(2));
        assertThat(queue.enqueue(TestData.txt2img(bob, "z"), null, 2, 2))
                .isEqualTo(new ClusterQueue.Admission.QueueFull(2));
        assertThat(storage.counts().generations()).isEqualTo(3);
    }

    @Test
    void anExpiredLeaseGoesToAnotherWorkerAsAnAttemptAndFailsAfterTheLast() {
        long ada = user("ada");
        long id = enqueue(ada, "a fox");
        ClusterQueue.Claim first = queue.claim("w1", LEASE).orElseThrow();
        assertThat(first.generation().id()).isEqualTo(id);
        assertThat(first.generation().attempts()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(45));
        assertThat(queue.heartbeat(id, "w1", LEASE)).isEqualTo(ClusterQueue.Lease.HELD);
        clock.advance(Duration.ofSeconds(45));
        assertThat(queue.expireLeases(3, GAVE_UP)).as("the renewed lease still holds").isEmpty();
        assertThat(queue.claim("w2", LEASE)).isEmpty();

        clock.advance(Duration.ofSeconds(16));
        assertThat(queue.claim("w2", LEASE)).as("a lease that ran out but is not yet settled still holds")
                .isEmpty();
        assertThat(queue.expireLeases(3, GAVE_UP)).containsExactly(id);
        ClusterQueue.Claim second = queue.claim("w2", LEASE).orElseThrow();
        assertThat(second.generation().id()).isEqualTo(id);
        assertThat(second.generation().attempts()).isEqualTo(2);
        assertThat(queue.heartbeat(id, "w1", LEASE)).isEqualTo(ClusterQueue.Lease.LOST);
        assertThatThrownBy(() -> queue.complete(id, "w1", TestData.resolved("a fox", 1, 1),
                List.of(new NewImage(0, 1, TestData.png(1), false)), 5))
                .isInstanceOf(IllegalStateException.class).hasMessage("generation " + id + " is no longer leased to w1");

        clock.advance(Duration.ofSeconds(61));
        assertThat(queue.expireLeases(3, GAVE_UP)).containsExactly(id);
        assertThat(queue.claim("w3", LEASE).orElseThrow().generation().attempts()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(61));
        assertThat(queue.expireLeases(3, GAVE_UP)).containsExactly(id);
        Generation failed = storage.generations().find(id).orElseThrow();
        assertThat(failed.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(failed.error()).isEqualTo(GAVE_UP);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(queue.claim("w4", LEASE)).isEmpty();
    }

    @Test
    void theLeaseHolderCompletesAndTheFrontendIsSignalled() {
        long ada = user("ada");
        try (QueueListener listener = queue.listen()) {
            long id = enqueue(ada, "a fox");
            assertThat(listener.await(Duration.ofSeconds(30)))
                    .contains(new QueueListener.Signal(QueueListener.Channel.QUEUED, id));
            queue.claim("w1", LEASE).orElseThrow();
            queue.complete(id, "w1", TestData.resolved("a fox", 1, 1),
                    List.of(new NewImage(0, 1, TestData.png(1), false)), 5);
            assertThat(listener.await(Duration.ofSeconds(30)))
                    .contains(new QueueListener.Signal(QueueListener.Channel.FINISHED, id));
            Generation done = storage.generations().find(id).orElseThrow();
            assertThat(done.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(storage.generations().imageBytes(done.images().get(0))).isEqualTo(TestData.png(1));
            assertThat(storage.generations().undelivered(Duration.ofDays(1))).extracting(Generation::id)
                    .containsExactly(id);
        }
    }

    @Test
    void aWorkerEndsItsJobWithoutAResultAndPublishesProgressOnlyWhileItHoldsTheLease() {
        long ada = user("ada");
        long bob = user("bob");
        long failing = enqueue(ada, "fails");
        long second = enqueue(ada, "queued behind");
        long other = enqueue(bob, "bob's");
        assertThat(queue.activeJobs(ada)).containsExactly(failing, second);
        assertThat(queue.position(other)).as("nobody was served yet: by arrival").contains(2);
        try (QueueListener frontend = queue.listen()) {
            queue.claim("w1", LEASE).orElseThrow();
            assertThat(queue.position(failing)).contains(0);
            assertThat(queue.position(other)).contains(0);
            assertThat(queue.position(second)).contains(1);
            assertThat(queue.activeJobs(ada)).containsExactly(failing, second);
            queue.publishProgress(failing, 3, 20, Duration.ofMillis(1500));
            assertThat(frontend.await(Duration.ofSeconds(30))).contains(new QueueListener.Signal(
                    QueueListener.Channel.PROGRESS, failing, new QueueListener.Progress(3, 20, 1500)));
            assertThat(queue.finish(failing, "w2", GenerationStatus.FAILED, "no")).as("not w2's lease").isFalse();
            assertThat(queue.finish(failing, "w1", GenerationStatus.FAILED, "out of memory")).isTrue();
            assertThat(frontend.await(Duration.ofSeconds(30)))
                    .contains(new QueueListener.Signal(QueueListener.Channel.FINISHED, failing));
        }
        Generation failed = storage.generations().find(failing).orElseThrow();
        assertThat(failed.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(failed.error()).isEqualTo("out of memory");
        assertThat(queue.finish(failing, "w1", GenerationStatus.CANCELLED, null)).as("already finished").isFalse();
        assertThat(queue.position(failing)).isEmpty();
        assertThatThrownBy(() -> queue.finish(second, "w1", GenerationStatus.DONE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(queue.claim("w1", LEASE).orElseThrow().generation().id()).isEqualTo(other);
        assertThat(queue.release(other, "w2")).isFalse();
        assertThat(queue.release(other, "w1")).isTrue();
        Generation released = storage.generations().find(other).orElseThrow();
        assertThat(released.status()).isEqualTo(GenerationStatus.QUEUED);
        assertThat(released.attempts()).as("a stop keeps the attempt counted").isEqualTo(1);
    }

    @Test
    void workersAliveAreThoseThatBeatWithinTheLease() {
        queue.beat("gpu-1", "worker", true);
        queue.beat("front", "frontend", true);
        clock.advance(Duration.ofSeconds(30));
        queue.beat("gpu-2", "worker", true);
        assertThat(queue.nodesAlive("worker", LEASE)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(31));
        assertThat(queue.nodesAlive("worker", LEASE)).isEqualTo(1);
        assertThat(queue.nodesAlive("frontend", LEASE)).isZero();
    }

    @Test
    void eachNodeHearsOnlyTheSignalsItActsOn() {
        long ada = user("ada");
        try (QueueListener worker = queue.listen(EnumSet.of(Channel.QUEUED, Channel.CANCEL));
                QueueListener frontend = queue.listen(EnumSet.of(Channel.FINISHED, Channel.PROGRESS))) {
            long fox = enqueue(ada, "a fox");
            long hen = enqueue(ada, "a hen");
            assertThat(queue.claim("w1", LEASE).orElseThrow().generation().id()).isEqualTo(fox);
            queue.publishProgress(fox, 3, 20, Duration.ofMillis(1500));
            queue.complete(fox, "w1", TestData.resolved("a fox", 1, 1),
                    List.of(new NewImage(0, 1, TestData.png(1), false)), 5);
            assertThat(queue.claim("w1", LEASE).orElseThrow().generation().id()).isEqualTo(hen);
            assertThat(queue.requestCancel(hen)).contains(GenerationStatus.RUNNING);

            // A session receives signals in the order they were committed: the last one sent to a listener comes
            // after every other it was sent.
            assertThat(until(worker, new QueueListener.Signal(Channel.CANCEL, hen))).containsExactly(
                    new QueueListener.Signal(Channel.QUEUED, fox), new QueueListener.Signal(Channel.QUEUED, hen),
                    new QueueListener.Signal(Channel.CANCEL, hen));
            assertThat(until(frontend, new QueueListener.Signal(Channel.FINISHED, fox))).containsExactly(
                    new QueueListener.Signal(Channel.PROGRESS, fox, new QueueListener.Progress(3, 20, 1500)),
                    new QueueListener.Signal(Channel.FINISHED, fox));
        }
        assertThatThrownBy(() -> queue.listen(EnumSet.noneOf(Channel.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a listener needs at least one channel");
    }

    /** The signals a listener receives up to and including {@code last}, waiting at most 30 s. */
    private static List<QueueListener.Signal> until(QueueListener listener, QueueListener.Signal last) {
        List<QueueListener.Signal> heard = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!heard.contains(last) && System.nanoTime() - deadline < 0) {
            heard.addAll(listener.await(Duration.ofSeconds(1)));
        }
        return heard;
    }

    @Test
    void aCancelStopsAQueuedJobAtOnceAndReachesTheWorkerOfARunningOne() {
        long ada = user("ada");
        long queued = enqueue(ada, "never runs");
        assertThat(queue.requestCancel(queued)).contains(GenerationStatus.CANCELLED);
        assertThat(storage.generations().find(queued).orElseThrow().status()).isEqualTo(GenerationStatus.CANCELLED);

        long running = enqueue(ada, "stops");
        queue.claim("w1", LEASE).orElseThrow();
        try (QueueListener worker = queue.listen()) {
            assertThat(queue.requestCancel(running)).contains(GenerationStatus.RUNNING);
            assertThat(worker.await(Duration.ofSeconds(30)))
                    .contains(new QueueListener.Signal(QueueListener.Channel.CANCEL, running));
        }
        assertThat(queue.heartbeat(running, "w1", LEASE)).isEqualTo(ClusterQueue.Lease.CANCEL_REQUESTED);
        storage.generations().markCancelled(running);
        assertThat(queue.heartbeat(running, "w1", LEASE)).isEqualTo(ClusterQueue.Lease.LOST);
        assertThat(queue.requestCancel(running)).contains(GenerationStatus.CANCELLED);
        assertThat(queue.requestCancel(running + 1000)).isEmpty();
    }

    @Test
    void nodesShowTheirRoleLastHeartbeatTheJobTheyRunAndWhatTheyDid() {
        Instant start = clock.instant();
        queue.beat("gpu-1", "worker", true);
        queue.beat("chat-1", "frontend", true);
        long id = enqueue(user("ada"), "a fox");
        queue.claim("gpu-1", LEASE).orElseThrow();
        clock.advance(Duration.ofSeconds(5));
        queue.beat("gpu-1", "worker", false);

        assertThat(queue.nodes()).containsExactly(
                new ClusterQueue.Node("chat-1", "frontend", start, start, List.of(), 0),
                new ClusterQueue.Node("gpu-1", "worker", start, start.plusSeconds(5), List.of(id), 0));

        queue.complete(id, "gpu-1", TestData.resolved("a fox", 1, 1),
                List.of(new NewImage(0, 1, TestData.png(1), false)), 5);
        clock.advance(Duration.ofSeconds(5));
        queue.beat("gpu-1", "worker", true);
        assertThat(queue.nodes()).element(1).isEqualTo(new ClusterQueue.Node("gpu-1", "worker",
                start.plusSeconds(10), start.plusSeconds(10), List.of(), 1));
    }

    @Test
    void theQueueNeedsPostgres() {
        try (Storage h2 = Storage.open(dir.resolve("h2"))) {
            assertThatThrownBy(h2::queue).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs a PostgreSQL server");
        }
    }
}
