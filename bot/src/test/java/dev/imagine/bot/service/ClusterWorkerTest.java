package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.QueueListener;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker of a cluster in this process, on a real PostgreSQL server (skipped with one line where none answers at
 * {@code IMAGINE_TEST_POSTGRES_URL}) and the fake engine: a cancel from anywhere stops its job at the next step, and
 * progress reaches the frontends at most once a second (by the injected ticker) per job.
 */
class ClusterWorkerTest {
    private static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "imagine_worker_test_" + ProcessHandle.current().pid();
    private static final Duration WAIT = Duration.ofMinutes(1);
    private static boolean answers;

    @TempDir
    Path dir;

    private final FakeClock ticker = new FakeClock();
    private Storage storage;
    private ClusterWorker worker;

    @BeforeAll
    static void findServer() {
        try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3")) {
            answers = c.isValid(3);
        } catch (SQLException e) {
            answers = false;
        }
    }

    @BeforeEach
    void open() throws SQLException {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        storage = Storage.open(StorageOptions.of(dir).withServer(new DatabaseServer(URL, null, null).inSchema(SCHEMA)));
    }

    @AfterEach
    void close() throws SQLException {
        if (worker != null) {
            worker.shutdown(Duration.ofSeconds(5));
        }
        if (storage != null) {
            storage.close();
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    private void startWorker(FakeEngine engine) {
        ClusterSettings settings = new ClusterSettings("w1", Duration.ofSeconds(30), 3, Duration.ofMinutes(10));
        worker = new ClusterWorker(storage, engine, settings,
                new ClusterMetrics(new SimpleMeterRegistry(), storage.queue(), settings.leaseTimeout()),
                Messages.JOB_NOTICES, ticker);
        worker.start();
    }

    private long enqueue(GenerationRequest request) {
        long user = storage.users().ensure("telegram", "ada", "Ada").id();
        ClusterQueue.Admission admission = storage.queue().enqueue(new NewGeneration(user, GenerationKind.TXT2IMG,
                null, StoredJobs.model(FakeEngine.MODEL), StoredJobs.parameters(request), null), null, 5, 10);
        return ((ClusterQueue.Admission.Queued) admission).id();
    }

    private static List<QueueListener.Signal> until(QueueListener listener, QueueListener.Channel channel, long id) {
        List<QueueListener.Signal> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (QueueListener.Signal signal : listener.await(Duration.ofSeconds(1))) {
                seen.add(signal);
                if (signal.channel() == channel && signal.id() == id) {
                    return seen;
                }
            }
        }
        throw new AssertionError("no " + channel + " signal for job " + id + "; saw " + seen);
    }

    @Test
    void aCancelFromAnotherNodeStopsTheRunningJobAtItsNextStep() throws Exception {
        CountDownLatch atStepThree = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        int[] lastStep = {0};
        startWorker(new FakeEngine().onStep((request, step, token) -> {
            lastStep[0] = step;
            if (step == 3) {
                atStepThree.countDown();
                try {
                    // The frontend's cancel arrives while this step runs; the engine checks it before the next one.
                    while (!token.isCancelled()) {
                        cancelled.await(20, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        try (QueueListener frontend = storage.queue().listen()) {
            long id = enqueue(GenerationRequest.builder("a fox").steps(20).seed(1L).build());
            assertThat(atStepThree.await(1, TimeUnit.MINUTES)).isTrue();
            assertThat(storage.queue().requestCancel(id)).contains(GenerationStatus.RUNNING);
            until(frontend, QueueListener.Channel.FINISHED, id);
            Generation g = storage.generations().find(id).orElseThrow();
            assertThat(g.status()).isEqualTo(GenerationStatus.CANCELLED);
            assertThat(g.error()).isEqualTo(Messages.jobCancelled());
            assertThat(lastStep[0]).as("stopped before step 4").isEqualTo(3);
            assertThat(storage.queue().nodes()).singleElement().satisfies(n -> {
                assertThat(n.name()).isEqualTo("w1");
                assertThat(n.role()).isEqualTo("worker");
                assertThat(n.running()).isEmpty();
            });
        }
    }

    @Test
    void progressGoesOutAtMostOnceASecondPerJobAndTheResultIsStored() {
        // Each step takes 300 ms of the injected ticker: 20 steps are 6 s, so at most 6 progress signals after the start.
        startWorker(new FakeEngine().onStep((request, step, token) -> ticker.advance(Duration.ofMillis(300))));
        try (QueueListener frontend = storage.queue().listen()) {
            long id = enqueue(GenerationRequest.builder("a fox").steps(20).seed(1L).build());
            List<QueueListener.Signal> seen = until(frontend, QueueListener.Channel.FINISHED, id);
            List<Integer> steps = seen.stream().filter(s -> s.channel() == QueueListener.Channel.PROGRESS)
                    .map(s -> s.progress().step()).toList();
            assertThat(steps).startsWith(0).hasSizeBetween(2, 7);
            for (int i = 2; i < steps.size(); i++) {
                assertThat(steps.get(i) - steps.get(i - 1)).as("steps between signals: %s", steps)
                        .isGreaterThanOrEqualTo(4);
            }
            Generation g = storage.generations().find(id).orElseThrow();
            assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(g.images()).hasSize(1);
            assertThat(storage.queue().nodes()).singleElement().satisfies(n -> assertThat(n.jobsDone()).isEqualTo(1));
        }
        assertThat(worker.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(storage.queue().nodes()).singleElement().satisfies(n -> assertThat(n.role()).isEqualTo("stopped"));
    }
}
