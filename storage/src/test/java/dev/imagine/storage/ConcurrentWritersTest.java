package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads recording and finishing generations at once lose no row and no image. */
class ConcurrentWritersTest {
    /** The database this run uses; {@link ConcurrentWritersOnPostgresTest} runs it on PostgreSQL. */
    StorageBackend backend() {
        return StorageBackend.H2;
    }

    private static final int THREADS = 4;
    private static final int PER_THREAD = 25;

    @TempDir
    Path dir;

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        Queue<Long> ids = new ConcurrentLinkedQueue<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (StorageBackend.Place place = backend().place(dir)) {
            run(place, ids, failures);
        }
    }

    private static void run(StorageBackend.Place place, Queue<Long> ids, Queue<Throwable> failures)
            throws Exception {
        try (Storage storage = place.open()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    try {
                        long user = storage.users().ensure("discord", "user-" + thread, "writer " + thread).id();
                        start.await();
                        for (int i = 0; i < PER_THREAD; i++) {
                            String prompt = "thread " + thread + " job " + i;
                            long id = storage.generations().record(TestData.txt2img(user, prompt), null);
                            storage.generations().markRunning(id);
                            // every fifth image is the same file in every thread: the store keeps one copy
                            long seed = i % 5 == 0 ? 0 : 1000L * thread + i;
                            storage.generations().markDone(id, TestData.resolved(prompt, seed, 1),
                                    List.of(new NewImage(0, seed, TestData.png(seed), false)), i);
                            ids.add(id);
                            storage.generations().history(user, null, 5);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "writer-" + t));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
        }

        try (Storage storage = place.open()) {
            int expected = THREADS * PER_THREAD;
            Set<Long> distinct = new HashSet<>(ids);
            assertThat(distinct).hasSize(expected);
            assertThat(storage.counts().generations()).isEqualTo(expected);
            assertThat(storage.counts().images()).isEqualTo(expected);
            for (long id : distinct) {
                Generation g = storage.generations().find(id).orElseThrow();
                assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
                StoredImage image = g.images().get(0);
                assertThat(storage.generations().imageBytes(image)).isEqualTo(TestData.png(image.seed()));
            }
            for (int t = 0; t < THREADS; t++) {
                long user = storage.users().find("discord", "user-" + t).orElseThrow().id();
                assertThat(storage.generations().history(user, null, 100)).hasSize(PER_THREAD)
                        .allMatch(g -> ((String) g.parameters().get("prompt")).startsWith("thread "));
            }
        }
    }
}
