package dev.imagine.storage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker process for {@link ClaimContentionTest}: opens the cluster's storage, says {@code ready}, waits for
 * {@code go} on standard input, then claims and completes jobs from {@code threads} threads until the queue is
 * empty. Every claim is written to {@code claims_seen}, whose primary key refuses a job claimed twice. Prints
 * {@code claimed N} and exits 0, or prints the failure and exits 1.
 */
public final class ClaimLoop {
    private ClaimLoop() {
    }

    /** Arguments: the server URL (with its schema), the worker name, the number of threads. */
    public static void main(String[] args) throws Exception {
        DatabaseServer server = new DatabaseServer(args[0], null, null);
        try (Storage storage = Storage.open(StorageOptions.of(Path.of("unused")).withServer(server))) {
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                System.exit(2);
            }
            int claimed = run(storage, server, args[1], Integer.parseInt(args[2]));
            System.out.println("claimed " + claimed);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("failed " + t);
            System.exit(1);
        }
    }

    /** Claims and completes until the queue is empty; returns how many jobs this process ran. */
    static int run(Storage storage, DatabaseServer server, String worker, int threads) throws Exception {
        AtomicInteger claimed = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = worker + "-" + t;
            running.add(new Thread(() -> {
                try (var log = StorageBackend.connect(server)) {
                    while (true) {
                        var claim = storage.queue().claim(name, Duration.ofMinutes(10));
                        if (claim.isEmpty()) {
                            return;
                        }
                        long id = claim.get().generation().id();
                        try (var insert = log.prepareStatement(
                                "INSERT INTO claims_seen (generation_id, worker) VALUES (?, ?)")) {
                            insert.setLong(1, id);
                            insert.setString(2, name);
                            insert.executeUpdate();
                        }
                        storage.queue().complete(id, name, TestData.resolved("job " + id, id, 1),
                                List.of(new NewImage(0, id, TestData.png(id), false)), 1);
                        claimed.incrementAndGet();
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, name));
        }
        running.forEach(Thread::start);
        for (Thread thread : running) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            Exception e = new IllegalStateException(failures.size() + " claimer(s) failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        return claimed.get();
    }

}
