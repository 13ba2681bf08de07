package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 7: Ctrl-C or SIGTERM of {@code imagine generate} left its row "running" forever. Child JVMs run the
 * real command on the tiny demo model; the test signals them once the generation is recorded (its "generation N"
 * line), then reads the row.
 */
class CliInterruptTest {
    @TempDir
    Path dir;

    private Process generate() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ImagineCommand.class.getName(), "generate", "--data", dir.resolve("data").toString(), "--model",
                dir.resolve("model").toString(), "--prompt", "a fox", "--steps", "150", "--count", "4", "--width",
                "512", "--height", "512", "--out", dir.resolve("fox.png").toString()).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Reads the child's stderr up to its "generation N" line and returns N. */
    private static long recorded(Process process) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = err.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("generation ")) {
                long id = Long.parseLong(line.substring("generation ".length()).trim());
                Thread drain = new Thread(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the child ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return id;
            }
        }
        throw new AssertionError("no generation line in:\n" + seen);
    }

    private Generation row(long id) {
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            return storage.generations().find(id).orElseThrow();
        }
    }

    @Test
    void sigtermMarksTheGenerationInterruptedAndAKilledOneIsMarkedByTheNextCommand() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));

        Process stopped = generate();
        long first = recorded(stopped);
        stopped.destroy(); // SIGTERM
        assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped.exitValue()).isEqualTo(143);
        Generation interrupted = row(first);
        assertThat(interrupted.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(interrupted.error()).isEqualTo(Recorder.INTERRUPTED);

        Process killed = generate();
        long second = recorded(killed);
        killed.destroyForcibly(); // SIGKILL: no hook runs
        assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(row(second).status()).isIn(GenerationStatus.QUEUED, GenerationStatus.RUNNING);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ImagineCommand.run(new String[] {"generate", "--data", dir.resolve("data").toString(), "--model",
                dir.resolve("model").toString(), "--prompt", "a boat", "--steps", "2", "--width", "64", "--height",
                "64", "--out", dir.resolve("boat.png").toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(status).as(err.toString()).isZero();
        assertThat(row(second).status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(row(second).error()).isEqualTo(Recorder.INTERRUPTED);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err"))).isEmpty();
        }
    }
}
