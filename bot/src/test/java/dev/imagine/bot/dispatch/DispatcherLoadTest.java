package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 simulated users flood the real dispatcher and H2 storage with a fast fake engine; prints throughput, queue wait
 * percentiles and how evenly the wait is spread over users. Not in the default run:
 * {@code mvn -pl bot -am test -Dimagine.excludedGroups= -Dgroups=load -Dtest=DispatcherLoadTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("load")
class DispatcherLoadTest {
    private static final int USERS = 200;
    private static final int JOBS_PER_USER = 5;

    @TempDir
    Path dir;

    @Test
    void twoHundredUsers() throws Exception {
        ModelInfo model = new ModelInfo("fake", dir, "Fake", ModelFamily.SD1, "epsilon", 768, "int32", "", false, 0,
                false, SamplerKind.EULER, 3, 7.5, 512, 512, "0000", "test");
        int total = USERS * JOBS_PER_USER;
        Map<Long, Long> acceptedAt = new ConcurrentHashMap<>();
        Map<Long, Long> startedAt = new ConcurrentHashMap<>();
        Map<Long, String> owner = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(total);
        Set<Long> failed = ConcurrentHashMap.newKeySet();
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            Dispatcher dispatcher = new Dispatcher(new FakeEngine(), new StorageJournal(storage, model),
                    new DispatchLimits(new RateLimit(100, 100, Duration.ofMinutes(1)), Map.of(), Map.of(), Set.of(),
                            JOBS_PER_USER, total, Duration.ofMinutes(10)), Messages.JOB_NOTICES, Ticker.systemTicker(),
                    new SimpleMeterRegistry());
            dispatcher.registerSink("load", (job, event) -> {
                if (event instanceof JobEvent.Started) {
                    startedAt.put(job.id(), System.nanoTime());
                } else if (event.isFinal()) {
                    if (!(event instanceof JobEvent.Done)) {
                        failed.add(job.id());
                    }
                    dispatcher.confirmDelivered(job.id());
                    finished.countDown();
                }
            });
            dispatcher.start();
            long start = System.nanoTime();
            ExecutorService users = Executors.newFixedThreadPool(16);
            for (int u = 0; u < USERS; u++) {
                String user = "user" + u;
                users.execute(() -> {
                    for (int j = 0; j < JOBS_PER_USER; j++) {
                        SubmitResult result = dispatcher.submit(new Requester("load", user, user),
                                new ChatTarget("load", null, "chat-" + user, null),
                                JobSpec.of(GenerationRequest.builder("job " + j).steps(2).seed((long) j).build(), null));
                        assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
                        long id = ((SubmitResult.Accepted) result).id();
                        acceptedAt.put(id, System.nanoTime());
                        owner.put(id, user);
                    }
                });
            }
            users.shutdown();
            assertThat(users.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
            assertThat(finished.await(10, TimeUnit.MINUTES)).isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            dispatcher.shutdown(Duration.ofSeconds(10));

            List<Double> waits = new ArrayList<>();
            Map<String, List<Double>> byUser = new ConcurrentHashMap<>();
            for (long id : acceptedAt.keySet()) {
                double waitMs = Math.max(0, startedAt.get(id) - acceptedAt.get(id)) / 1e6;
                waits.add(waitMs);
                byUser.computeIfAbsent(owner.get(id), k -> new ArrayList<>()).add(waitMs);
            }
            Collections.sort(waits);
            List<Double> userMeans = new ArrayList<>();
            byUser.values().forEach(list -> userMeans.add(list.stream().mapToDouble(Double::doubleValue).average()
                    .orElse(0)));
            Collections.sort(userMeans);
            double mean = userMeans.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            System.out.printf("load: %d users x %d jobs through the dispatcher and H2 in %.1f s: %.0f jobs/s; queue wait "
                            + "p50 %.0f ms, p99 %.0f ms; per-user mean wait from %.0f to %.0f ms (mean %.0f ms, spread "
                            + "%.0f%% of the mean); %d failed%n", USERS, JOBS_PER_USER, seconds, total / seconds,
                    percentile(waits, 0.50), percentile(waits, 0.99), userMeans.get(0),
                    userMeans.get(userMeans.size() - 1), mean,
                    100 * (userMeans.get(userMeans.size() - 1) - userMeans.get(0)) / mean, failed.size());
            assertThat(failed).isEmpty();
            assertThat(storage.counts().generations()).isEqualTo(total);
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
