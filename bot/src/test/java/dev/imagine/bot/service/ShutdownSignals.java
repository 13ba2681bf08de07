package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.imagine.engine.DemoModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One signal scenario of issue 12 with child JVMs ({@link SignalDriver}): a real job on the tiny demo model, a signal
 * when the job reaches a phase (synchronised on the child's phase line, not on time), then a second child over the
 * same data that finishes what the first left. Checks: no native crash (no {@code hs_err_pid*.log}, exit code not 134),
 * the job done, and its result sent exactly once over both runs (at least once after SIGKILL).
 */
final class ShutdownSignals {
    enum Phase {
        ENCODER("encoder"), UNET("unet"), VAE("vae"), UPLOAD("upload");

        final String line;

        Phase(String line) {
            this.line = line;
        }
    }

    enum Signal {
        TERM, INT, TERM_TWICE, TERM_THEN_KILL
    }

    private ShutdownSignals() {
    }

    private static Process start(Path dir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SignalDriver.class.getName(), dir.resolve("data").toString(), dir.resolve("model").toString(), "0"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void kill(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** How long a signalled child may take to stop before it is killed and the scenario fails. */
    private static final long STOP_WITHIN_SECONDS = 120;

    /**
     * Whether this process ignores SIGINT ({@code SigIgn} in {@code /proc/self/status}): a non-interactive shell
     * starts background commands so, and a child inherits it; a JVM that ignores SIGINT at start never installs its
     * handler, so the signal could not stop it.
     */
    static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                return (mask & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /** Runs one scenario in {@code dir} (a fresh folder). */
    static void run(Path dir, Phase phase, Signal signal) throws Exception {
        assumeFalse(signal == Signal.INT && sigintIgnored(), "this JVM was started with SIGINT ignored (a command "
                + "put in the background by a non-interactive shell), so its child JVMs would ignore SIGINT too; "
                + "run the signals lane in the foreground");
        if (!Files.isDirectory(dir.resolve("model"))) {
            DemoModel.writeTiny(dir.resolve("model"));
        }
        Process first = start(dir, "submit");
        List<String> firstLines = new ArrayList<>();
        long id = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = out.readLine()) != null) {
                firstLines.add(line);
                if (line.startsWith("accepted ")) {
                    id = Long.parseLong(line.substring("accepted ".length()));
                }
                if (!signalled && (line.startsWith("marked ") || line.startsWith("ended ") || line.equals("refused"))) {
                    first.destroyForcibly();
                    fail("the job ended before it reached phase %s, so no signal was sent: %s", phase, firstLines);
                }
                if (!signalled && line.startsWith("phase " + phase.line + " ")) {
                    signalled = true;
                    // A child that does not stop after its signal is killed, so the scenario fails instead of hanging.
                    CompletableFuture.delayedExecutor(STOP_WITHIN_SECONDS, TimeUnit.SECONDS)
                            .execute(first::destroyForcibly);
                    switch (signal) {
                        case TERM -> kill(first, "TERM");
                        case INT -> kill(first, "INT");
                        case TERM_TWICE -> {
                            kill(first, "TERM");
                            kill(first, "TERM");
                        }
                        case TERM_THEN_KILL -> {
                            kill(first, "TERM");
                            kill(first, "KILL");
                        }
                    }
                }
            }
            assertThat(signalled).as("the job reached phase %s: %s", phase, firstLines).isTrue();
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int expectedExit = switch (signal) {
            case INT -> 130;
            case TERM_THEN_KILL -> -1;
            default -> 143;
        };
        if (expectedExit > 0) {
            assertThat(first.exitValue()).as("exit code (137: it did not stop within %d s of %s and was killed), "
                    + "lines %s", STOP_WITHIN_SECONDS, signal, firstLines).isEqualTo(expectedExit);
            assertThat(firstLines).contains("stopped");
        } else {
            assertThat(first.exitValue()).isIn(137, 143);
        }
        assertThat(id).isPositive();

        Process second = start(dir, "resume", Long.toString(id));
        List<String> secondLines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(second.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                secondLines.add(line);
            }
        }
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("second run, lines %s", secondLines).isZero();

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err"))).isEmpty();
        }
        String sent = "sent " + id;
        long sends = Stream.concat(firstLines.stream(), secondLines.stream()).filter(sent::equals).count();
        if (signal == Signal.TERM_THEN_KILL) {
            assertThat(sends).as("first %s, second %s", firstLines, secondLines).isBetween(1L, 2L);
        } else {
            assertThat(sends).as("first %s, second %s", firstLines, secondLines).isEqualTo(1);
        }
        String ended = "ended " + id;
        assertThat(Stream.concat(firstLines.stream(), secondLines.stream())).noneMatch(line -> line.startsWith(ended));
    }
}
