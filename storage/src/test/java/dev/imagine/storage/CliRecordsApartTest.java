package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 4: {@code imagine run} read command-line generations as chat jobs, "delivered" every finished one
 * on every start and re-ran the ones Ctrl-C left running. A dispatcher's reads now never see them, and a command-line
 * generation whose process is gone is marked interrupted.
 */
class CliRecordsApartTest {
    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private final TestData.MutableClock clock = new TestData.MutableClock(START);
    private Storage storage;
    private GenerationRepository generations;

    @BeforeEach
    void open() {
        storage = StorageBackend.H2.place(dir).open(clock);
        generations = storage.generations();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aDispatcherNeverResumesOrDeliversCommandLineGenerations() {
        long cli = storage.users().ensure(GenerationRepository.COMMAND_LINE, "local", null).id();
        long chat = storage.users().ensure("telegram", "42", "Ada").id();
        long cliDone = generations.record(TestData.txt2img(cli, "a fox on the command line"), null);
        generations.markRunning(cliDone);
        generations.markDone(cliDone, TestData.resolved("a fox", 1, 1), List.of(new NewImage(0, 1, TestData.png(1),
                false)), 10);
        long cliRunning = generations.record(TestData.txt2img(cli, "left running by Ctrl-C"), null);
        generations.markRunning(cliRunning);
        long chatDone = generations.record(TestData.txt2img(chat, "a chat job"), null);
        generations.markRunning(chatDone);
        generations.markDone(chatDone, TestData.resolved("a chat job", 2, 1), List.of(new NewImage(0, 2,
                TestData.png(2), false)), 10);
        long chatQueued = generations.record(TestData.txt2img(chat, "queued in chat"), null);

        assertThat(generations.undelivered(Duration.ofDays(1))).extracting(Generation::id).containsExactly(chatDone);
        assertThat(generations.unfinished()).extracting(Generation::id).containsExactly(chatQueued);
        assertThat(generations.find(cliRunning).orElseThrow().status()).isEqualTo(GenerationStatus.RUNNING);
    }

    @Test
    void onlyCommandLineGenerationsOfEndedProcessesAreMarkedInterrupted() {
        long cli = storage.users().ensure(GenerationRepository.COMMAND_LINE, "local", null).id();
        long chat = storage.users().ensure("telegram", "42", "Ada").id();
        long orphan = generations.record(TestData.txt2img(cli, "killed"), null);
        generations.markRunning(orphan);
        generations.setProcess(orphan, "host:1:gone");
        long live = generations.record(TestData.txt2img(cli, "still running elsewhere"), null);
        generations.markRunning(live);
        generations.setProcess(live, "host:2:alive");
        long chatRunning = generations.record(TestData.txt2img(chat, "a chat job"), null);
        generations.markRunning(chatRunning);
        List<String> asked = new ArrayList<>();

        List<Long> marked = generations.interruptOrphans(process -> {
            asked.add(process);
            return process.endsWith(":gone");
        }, "interrupted: the command was stopped");

        assertThat(marked).containsExactly(orphan);
        assertThat(asked).containsExactlyInAnyOrder("host:1:gone", "host:2:alive");
        Generation interrupted = generations.find(orphan).orElseThrow();
        assertThat(interrupted.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(interrupted.error()).isEqualTo("interrupted: the command was stopped");
        assertThat(generations.find(live).orElseThrow().status()).isEqualTo(GenerationStatus.RUNNING);
        assertThat(generations.find(chatRunning).orElseThrow().status()).isEqualTo(GenerationStatus.RUNNING);
        assertThat(generations.undelivered(Duration.ofDays(1))).isEmpty();
    }
}
