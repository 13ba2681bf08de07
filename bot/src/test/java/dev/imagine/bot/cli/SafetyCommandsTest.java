package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.storage.Generation;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety checker on the command line: a flagged picture is written as it is with a warning naming its file, the
 * flag is stored, {@code history} marks it, {@code rerun} reproduces it, {@code --safety-checker off} runs none, and
 * {@code models info} says whether a checker is there.
 */
class SafetyCommandsTest {
    private static final Pattern GENERATION = Pattern.compile("generation (\\d+)");
    private static final String PROMPT = "a harbour at noon";

    @TempDir
    static Path shared;
    private static Path model;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() throws IOException {
        model = SafetyModel.write(shared.resolve("checked"));
        seeds = SafetyModel.seeds(model, PROMPT, 64, 2);
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private int inData(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.add("--data");
        all.add(dir.resolve("data").toString());
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private int generate(long seed, Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--prompt", PROMPT, "--seed",
                Long.toString(seed), "--steps", "2", "--width", "64", "--height", "64", "--device", "cpu", "--out",
                file.toString()));
        args.addAll(List.of(more));
        return inData("generate", args.toArray(String[]::new));
    }

    private long printedId() {
        Matcher m = GENERATION.matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aFlaggedPictureIsWrittenWithAWarningNamingItAndTheFlagIsStoredListedAndRerun() throws IOException {
        Path flaggedFile = dir.resolve("flagged.png");
        assertThat(generate(seeds.flagged(), flaggedFile)).as(err.toString()).isZero();
        long flagged = printedId();
        assertThat(out.toString().strip()).isEqualTo(flaggedFile.toString());
        assertThat(err.toString()).contains("warning: the safety checker flagged " + flaggedFile);
        assertThat(Files.size(flaggedFile)).isPositive();

        Path cleanFile = dir.resolve("clean.png");
        assertThat(generate(seeds.clean(), cleanFile)).as(err.toString()).isZero();
        long clean = printedId();
        assertThat(err.toString()).doesNotContain("warning");

        assertThat(inData("history")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith(clean + "  ").doesNotContain("flagged");
        assertThat(lines.get(1)).startsWith(flagged + "  ").contains("  flagged 1 of 1  " + PROMPT);

        Path again = dir.resolve("again.png");
        assertThat(inData("rerun " + flagged, "--out", again.toString())).as(err.toString()).isZero();
        long rerun = printedId();
        assertThat(err.toString()).contains("warning: the safety checker flagged " + again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(flaggedFile));
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            Generation original = storage.generations().find(flagged).orElseThrow();
            Generation repeated = storage.generations().find(rerun).orElseThrow();
            assertThat(original.images().get(0).nsfw()).isTrue();
            assertThat(repeated.images().get(0).nsfw()).isTrue();
            assertThat(storage.generations().find(clean).orElseThrow().images().get(0).nsfw()).isFalse();
        }
    }

    @Test
    void checkerOffWritesTheSameBytesWithoutAWarningOrAFlag() throws IOException {
        Path checked = dir.resolve("checked.png");
        assertThat(generate(seeds.flagged(), checked)).isZero();
        Path unchecked = dir.resolve("unchecked.png");
        assertThat(generate(seeds.flagged(), unchecked, "--safety-checker", "off")).as(err.toString()).isZero();
        long id = printedId();

        assertThat(err.toString()).doesNotContain("warning");
        assertThat(Files.readAllBytes(unchecked)).isEqualTo(Files.readAllBytes(checked));
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            assertThat(storage.generations().find(id).orElseThrow().images().get(0).nsfw()).isFalse();
        }
    }

    @Test
    void modelsInfoShowsTheCheckerAndItsPrecision() {
        assertThat(run("models", "info", model.toString(), "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("safety        checker present (fp32)");
        assertThat(run("models", "info", model.toString(), "--device", "cpu", "--safety-checker", "off")).isZero();
        assertThat(out.toString()).contains("safety        no checker runs (--safety-checker off)");
    }
}
