package dev.imagine.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark, not a test: the queue's overhead per job on PostgreSQL with a near-free engine, at 1, 2 and 4 workers.
 * A job's overhead is the worker's claim and completion (one 64 KiB image stored, the frontends notified) plus the
 * frontend's delivery (the row and image read back, delivery marked). Prints p50 and p99 in milliseconds, of the
 * whole and of each of the three parts. Each worker count runs once as a warm-up first, in {@code -Dwarmup} rounds
 * (default 2), so that the JIT compiler has settled: otherwise it takes a core for seconds during the measurement.
 *
 * <pre>
 * mvn -B -ntp -q -pl storage -am test-compile
 * mvn -B -ntp -q -pl storage dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp storage/target/test-classes:storage/target/classes:$(cat /tmp/cp.txt) \
 *     [-Dwarmup=2] dev.imagine.storage.QueueOverheadBench [jobs-per-run]
 * </pre>
 *
 * Uses {@code IMAGINE_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) in a schema of its
 * own, dropped at the end.
 */
public final class QueueOverheadBench {
    private QueueOverheadBench() {
    }

    /** Runs the benchmark; the optional argument is the number of jobs per run (default 400). */
    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        if (!StorageBackend.postgresAnswers()) {
            System.out.println("no PostgreSQL answers at " + StorageBackend.URL);
            return;
        }
        System.out.printf("queue overhead per job (claim + store + notify + deliver), %d jobs per run, %d cores%n",
                jobs, Runtime.getRuntime().availableProcessors());
        int rounds = Integer.getInteger("warmup", 2);
        for (int round = 0; round < rounds; round++) {
            for (int workers : new int[] {1, 2, 4}) {
                run(workers, jobs); // warm-up
            }
        }
        for (int workers : new int[] {1, 2, 4}) {
            Map<String, long[]> parts = run(workers, jobs);
            long[] nanos = parts.get("total");
            System.out.printf("%d worker(s): p50 %.2f ms  p99 %.2f ms   (%s)%n", workers, percentile(nanos, 50) / 1e6,
                    percentile(nanos, 99) / 1e6, breakdown(parts));
        }
    }

    /** Each part's p50/p99, so a tail can be traced to the claim, the completion or the delivery. */
    private static String breakdown(Map<String, long[]> parts) {
        StringBuilder text = new StringBuilder();
        for (String part : List.of("claim", "complete", "deliver")) {
            long[] nanos = parts.get(part);
            text.append(text.length() == 0 ? "" : ", ").append(String.format("%s %.2f/%.2f", part,
                    percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6));
        }
        return text.toString();
    }

    private static Map<String, long[]> run(int workers, int jobs) throws Exception {
        try (StorageBackend.Place place = StorageBackend.POSTGRESQL.place(Path.of("unused"));
                Storage storage = place.open()) {
            ClusterQueue queue = storage.queue();
            for (int i = 0; i < jobs; i++) {
                long user = storage.users().ensure("discord", "user-" + (i % 30), null).id();
                queue.enqueue(TestData.txt2img(user, "job " + i), null, jobs, jobs);
            }
            byte[] image = new byte[64 * 1024];
            System.arraycopy(TestData.png(1), 0, image, 0, 8);
            Map<Long, Long> claimNanos = new ConcurrentHashMap<>();
            Map<Long, Long> completeNanos = new ConcurrentHashMap<>();
            Map<Long, Long> deliveryNanos = new ConcurrentHashMap<>();
            AtomicInteger left = new AtomicInteger(jobs);
            QueueListener listener = queue.listen(EnumSet.of(QueueListener.Channel.FINISHED));
            Thread frontend = new Thread(() -> {
                try (listener) {
                    int delivered = 0;
                    while (delivered < jobs) {
                        for (QueueListener.Signal signal : listener.await(Duration.ofSeconds(5))) {
                            if (signal.channel() != QueueListener.Channel.FINISHED) {
                                continue;
                            }
                            long start = System.nanoTime();
                            Generation done = storage.generations().find(signal.id()).orElseThrow();
                            storage.generations().imageBytes(done.images().get(0));
                            storage.generations().markDelivered(done.id());
                            deliveryNanos.put(done.id(), System.nanoTime() - start);
                            delivered++;
                        }
                    }
                }
            }, "frontend");
            frontend.start();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String name = "worker-" + w;
                threads.add(new Thread(() -> {
                    int i = 0;
                    try (QueueListener idle = queue.listen(EnumSet.of(QueueListener.Channel.QUEUED))) {
                        while (left.get() > 0) {
                            long start = System.nanoTime();
                            var claim = queue.claim(name, Duration.ofMinutes(1));
                            if (claim.isEmpty()) {
                                // idle: wait for a signal (or the end of the run) instead of polling
                                idle.await(Duration.ofMillis(200));
                                continue;
                            }
                            long id = claim.get().generation().id();
                            byte[] png = image.clone();
                            png[8] = (byte) id;
                            png[9] = (byte) (id >> 8);
                            png[10] = (byte) i++;
                            long claimed = System.nanoTime() - start;
                            long before = System.nanoTime();
                            queue.complete(id, name, TestData.resolved("job", id, 1),
                                    List.of(new NewImage(0, id, png, false)), 0);
                            claimNanos.put(id, claimed);
                            completeNanos.put(id, System.nanoTime() - before);
                            left.decrementAndGet();
                        }
                    }
                }, name));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            frontend.join();
            return Map.of("total", claimNanos.keySet().stream()
                    .mapToLong(id -> claimNanos.get(id) + completeNanos.get(id) + deliveryNanos.get(id)).toArray(),
                    "claim", values(claimNanos), "complete", values(completeNanos), "deliver", values(deliveryNanos));
        }
    }

    private static long[] values(Map<Long, Long> nanos) {
        return nanos.values().stream().mapToLong(Long::longValue).toArray();
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
