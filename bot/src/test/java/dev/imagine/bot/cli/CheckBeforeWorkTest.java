package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 6 (and the bounds of problem 7): a fixable mistake in a path, a port or a size is refused with
 * exit status 2 and a sentence naming it, before the engine opens and before anything is recorded; no exception's
 * class name reaches the user; and the history recorded before is intact afterwards. Each case was reproduced
 * against the code before the fix (which ran the whole job, then failed with a raw exception, or said "does not
 * exist" of a folder).
 */
class CheckBeforeWorkTest {
    private static final String KEPT_PROMPT = "a lighthouse kept from before";

    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path dir;
    private Path data;
    private String historyBefore;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() throws IOException {
        model = shared.resolve("tiny");
        DemoModel.writeTiny(model);
    }

    /** A data folder with one generation recorded, whose history every case compares afterwards. */
    @BeforeEach
    void recordOneGeneration() {
        data = dir.resolve("data");
        try (Storage storage = Storage.open(data)) {
            long user = Recorder.localUser(storage);
            storage.generations().record(new NewGeneration(user,
                    GenerationKind.TXT2IMG, null,
                    new ModelRef("tiny", "f00dcafe", model.toString()),
                    GenerationParameters.of("prompt", KEPT_PROMPT), null), null);
        }
        assertThat(run("history", "--data", data.toString())).isZero();
        historyBefore = out.toString();
        assertThat(historyBefore).contains(KEPT_PROMPT);
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** {@code generate} on the tiny model recording into {@link #data}, with {@code extra} appended. */
    private int generate(String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--prompt", "a fox",
                "--steps", "2", "--width", "64", "--height", "64", "--no-progress", "--data", data.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    /** Exit status 2, the sentence, no class name, and the history exactly as before. */
    private void refused(int status, String... sentence) {
        String message = err.toString();
        assertThat(status).as(message).isEqualTo(2);
        assertThat(message).startsWith("error: ").contains(sentence)
                .doesNotContain("Exception").doesNotContain("java.").doesNotContain("generation ");
        assertThat(run("history", "--data", data.toString())).isZero();
        assertThat(out.toString()).as("history intact").isEqualTo(historyBefore);
    }

    @Test
    void generateOutIntoProcIsRefusedBeforeTheJob() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        refused(generate("--out", "/proc/x.png"), "--out /proc/x.png cannot be written");
    }

    @Test
    void generateOutOntoAnExistingFolderNamedLikeAPngIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("x.png"));
        refused(generate("--out", folder.toString()), "--out " + folder + " is a folder; name a file in it");
    }

    @Test
    void generateOutBelowAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "not a folder");
        refused(generate("--out", file.resolve("x.png").toString()), file + " is a file, not a folder");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
        refused(generate("--out", "/dev/full/x.png"), "/dev/full is a file, not a folder");
    }

    @Test
    void generateOutFolderThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "a file");
        refused(generate("--out", file.toString()), "--out " + file + " is a file, not a folder");
    }

    @Test
    void dataOnProcOrOnAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "not a folder");
        refused(run("generate", "--model", model.toString(), "--prompt", "a fox", "--data", file.toString(),
                "--out", dir.resolve("o.png").toString()), "--data " + file + " is a file, not a folder");
        refused(run("history", "--data", file.toString()), "--data " + file + " is a file, not a folder");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        refused(run("generate", "--model", model.toString(), "--prompt", "a fox", "--data", "/proc/x",
                "--out", dir.resolve("o.png").toString()), "--data /proc/x cannot be created");
    }

    @Test
    void backupToAFolderAnEmptyNameOrAnUnwritablePlaceIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("backups"));
        refused(run("db", "backup", folder.toString(), "--data", data.toString()),
                "the backup file " + folder + " is a folder; name a file in it, e.g. ");
        refused(run("db", "backup", "", "--data", data.toString()), "the backup file is empty; name a path");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        refused(run("db", "backup", "/proc/b.zip", "--data", data.toString()),
                "the backup file /proc/b.zip cannot be written");
    }

    @Test
    void demoModelOntoAFileAnEmptyNameOrProcIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "not a folder");
        refused(run("demo-model", file.toString()), "the model folder " + file + " is a file, not a folder");
        refused(run("demo-model", ""), "the model folder is empty; name a path");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        refused(run("demo-model", "/proc/x"), "the model folder /proc/x cannot be created");
    }

    @Test
    void initImageThatIsAFolderOrADeviceSaysSo() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pictures"));
        refused(generate("--init-image", folder.toString()), "--init-image " + folder + " is a folder; name a file");
        refused(generate("--init-image", dir.resolve("missing.png").toString()),
                "--init-image " + dir.resolve("missing.png") + " does not exist");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        refused(generate("--init-image", "/dev/zero"), "--init-image /dev/zero is not a regular file");
    }

    @Test
    void initImageThatIsAFifoSaysSo() throws Exception {
        Path fifo = dir.resolve("pipe.png");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not installed");
            return;
        }
        Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        refused(generate("--init-image", fifo.toString()), "--init-image " + fifo + " is not a regular file");
    }

    @Test
    void anUpscaleOverTheLargestSideIsRefusedBeforeTheBaseImage() {
        refused(run("generate", "--model", model.toString(), "--prompt", "a fox", "--width", "1024", "--height",
                "1024", "--upscale", "4", "--data", data.toString(), "--out", dir.resolve("o.png").toString()),
                "--upscale 4.0 makes 4096 pixels wide, over the largest side of 2048");
    }

    @Test
    void benchRunsHaveAnUpperBound() {
        // Small enough that the code before the fix finished them all (and the test then failed on the status).
        refused(run("bench", "--model", model.toString(), "--size", "64", "--steps", "1", "--runs", "101"),
                "--runs must be between 1 and 100, got 101");
        refused(run("bench", "--model", model.toString(), "--size", "64", "--steps", "1", "--runs", "1", "--warmup",
                "1001"), "--warmup must be between 0 and 1000, got 1001");
    }

    @Test
    void aSecondRunOnATakenPortNamesTheKeyBeforeTheModelLoads() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path config = Files.writeString(dir.resolve("imagine.yaml"), "engine:\n  model: "
                    + dir.resolve("no-such-model") + "\nstorage:\n  dir: " + dir.resolve("run-data")
                    + "\noperations:\n  port: " + taken.getLocalPort() + "\nweb:\n  port: 0\n");
            refused(run("run", "--config", config.toString()), "port " + taken.getLocalPort(),
                    "set operations.port to a free port (0 picks one) or operations.enabled to false");

            Files.writeString(config, "engine:\n  model: " + dir.resolve("no-such-model") + "\nstorage:\n  dir: "
                    + dir.resolve("run-data") + "\noperations:\n  enabled: false\nweb:\n  port: "
                    + taken.getLocalPort() + "\n");
            refused(run("run", "--config", config.toString()),
                    "set web.port to a free port (0 picks one) or web.enabled to false");
        }
    }
}
