package dev.imagine.bot.cli;

import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM that holds a data folder's database open, as {@code imagine run} or {@code generate} does: records one
 * command-line generation with the prompt in {@code args[1]}, prints {@code ready ID}, and closes the storage when its
 * standard input closes.
 */
final class HoldingProcess {

    private HoldingProcess() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Storage storage = Storage.open(Path.of(args[0]))) {
            long user = Recorder.localUser(storage);
            long id = storage.generations().record(new NewGeneration(user, GenerationKind.TXT2IMG, null,
                    new ModelRef("tiny", "f00dcafe", "/models/tiny"), GenerationParameters.of("prompt", args[1]), null),
                    null);
            out.println("ready " + id);
            while (System.in.read() >= 0) {
                // hold the database until the parent closes our input
            }
        }
    }

    /** Starts the child on the test's class path. */
    static Process start(Path data, String prompt, Path stderr) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                HoldingProcess.class.getName(), data.toString(), prompt)
                .redirectError(stderr.toFile())
                .start();
    }
}
