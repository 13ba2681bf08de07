package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's restart guarantee with real processes: jobs are submitted to a child JVM running the real service
 * (storage, engine on a tiny model, dispatcher), the child is killed with SIGKILL while it works, and a second child
 * over the same data resumes. Every accepted job completes exactly once and its result reaches its stored chat.
 */
class ServiceRestartTest {
    private static final int JOBS = 12;

    @TempDir
    Path dir;

    private Process start(String mode, String argument) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RestartDriver.class.getName(), dir.resolve("data").toString(), dir.resolve("model").toString(), mode,
                argument).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void everyAcceptedJobCompletesOnceAndIsDeliveredAfterAKill() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        Map<Long, String> accepted = new LinkedHashMap<>();
        Map<Long, Integer> delivered = new HashMap<>();
        Map<Long, String> deliveredTo = new HashMap<>();

        Process first = start("submit", Integer.toString(JOBS));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8))) {
            int doneInFirstRun = 0;
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts[0].equals("accepted")) {
                    accepted.put(Long.parseLong(parts[1]), parts[2]);
                } else if (parts[0].equals("event") && parts[2].equals("done")) {
                    record(parts, delivered, deliveredTo);
                    doneInFirstRun++;
                }
                if (accepted.size() == JOBS && doneInFirstRun >= 3) {
                    break;
                }
            }
            // SIGKILL mid-run: some jobs done, one running, the rest queued.
            assertThat(first.toHandle().destroyForcibly()).isTrue();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(accepted).hasSize(JOBS);
        int finishedBeforeKill = delivered.size();

        List<Long> remaining = accepted.keySet().stream().filter(id -> !delivered.containsKey(id))
                .collect(Collectors.toList());
        Process second = start("resume", remaining.stream().map(String::valueOf).collect(Collectors.joining(",")));
        List<String> secondLines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(second.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                secondLines.add(line);
                String[] parts = line.split(" ");
                if (parts[0].equals("event") && parts[2].equals("done")) {
                    record(parts, delivered, deliveredTo);
                }
            }
        }
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(String.join("\n", secondLines)).isZero();
        assertThat(secondLines).contains("stopped");

        try (Storage storage = Storage.open(dir.resolve("data"))) {
            for (Map.Entry<Long, String> job : accepted.entrySet()) {
                Generation g = storage.generations().find(job.getKey()).orElseThrow();
                assertThat(g.status()).as("job %d", job.getKey()).isEqualTo(GenerationStatus.DONE);
                assertThat(g.images()).as("job %d has exactly its one image", job.getKey()).hasSize(1);
                assertThat(g.attempts()).as("job %d ran at most twice", job.getKey()).isBetween(1, 2);
                assertThat(g.replyTarget().channelId()).isEqualTo(job.getValue());
                assertThat(delivered.get(job.getKey())).as("job %d delivered", job.getKey()).isBetween(1, 2);
                assertThat(deliveredTo.get(job.getKey())).isEqualTo(job.getValue());
            }
            assertThat(storage.generations().unfinished()).isEmpty();
        }
        long deliveredTwice = delivered.values().stream().filter(n -> n > 1).count();
        System.out.printf("restart: %d accepted, %d finished before SIGKILL, %d finished after the restart, "
                + "%d delivered twice (killed between delivering and recording it)%n", JOBS, finishedBeforeKill,
                JOBS - finishedBeforeKill, deliveredTwice);
        assertThat(deliveredTwice).isLessThanOrEqualTo(1);
    }

    private static void record(String[] parts, Map<Long, Integer> delivered, Map<Long, String> deliveredTo) {
        long id = Long.parseLong(parts[1]);
        delivered.merge(id, 1, Integer::sum);
        deliveredTo.put(id, parts[3]);
    }
}
