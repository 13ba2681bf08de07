package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ModelFamily;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording every CLI generation, {@code rerun}, {@code history} and {@code db}, end to end on a tiny model; and the
 * safety checker on the command line: a flagged picture is written as it is with a warning naming its file, the flag
 * is stored, {@code history} marks it, {@code rerun} reproduces it, {@code --safety-checker off} runs none, and
 * {@code models info} says whether a checker is there.
 */
class StorageCommandsTest {
    private static final Pattern GENERATION = Pattern.compile("generation (\\d+)");

    @TempDir
    static Path shared;
    private static Path model;
    private static final String SAFETY_PROMPT = "a harbour at noon";
    /** The tiny model with its statistic-driven safety checker, and seeds it flags and does not flag. */
    private static Path checked;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() throws IOException {
        model = shared.resolve("tiny");
        DemoModel.writeTiny(model);
        checked = SafetyModel.write(shared.resolve("checked"));
        seeds = SafetyModel.seeds(checked, SAFETY_PROMPT, 64, 2);
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** Runs a command with {@code --data} pointing into the temporary folder. */
    private int inData(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.add("--data");
        all.add(dir.resolve("data").toString());
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** The generation id that generate and rerun print on stderr. */
    private long printedId() {
        Matcher m = GENERATION.matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Storage openData() {
        return Storage.open(dir.resolve("data"));
    }

    @Test
    void rerunWritesTheSamePngAsTheRandomSeedTxt2imgItRepeats() throws IOException {
        Path first = dir.resolve("first.png");
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a red fox", "--steps", "3",
                "--sampler", "euler-a", "-W", "64", "-H", "96", "--out", first.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).containsPattern("seed \\d+ \\(random\\)");
        long id = printedId();

        Path again = dir.resolve("again.png");
        assertThat(inData("rerun " + id, "--out", again.toString())).as(err.toString()).isZero();
        assertThat(out.toString().trim()).isEqualTo(again.toString());
        assertThat(err.toString()).doesNotContain("warning");
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));

        long rerunId = printedId();
        try (Storage storage = openData()) {
            Generation original = storage.generations().find(id).orElseThrow();
            assertThat(original.platform()).isEqualTo("cli");
            assertThat(original.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(original.parameters().get("sampler")).isEqualTo("euler-a");
            assertThat(original.parameters().get("seed")).as("the random seed is stored").isNotNull();
            assertThat(original.model().path()).isEqualTo(model.toAbsolutePath().toString());
            Generation rerun = storage.generations().find(rerunId).orElseThrow();
            assertThat(rerun.parentId()).isEqualTo(id);
            assertThat(rerun.parameters()).isEqualTo(original.parameters());
            assertThat(storage.generations().imageBytes(rerun.images().get(0))).isEqualTo(Files.readAllBytes(first));
        }
    }

    @Test
    void rerunOfImg2imgUsesTheStoredInitImageAndWritesTheSamePng() throws IOException {
        Path init = dir.resolve("init.png");
        BufferedImage picture = new BufferedImage(72, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 72; x++) {
                picture.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | (x + y));
            }
        }
        ImageIO.write(picture, "png", init.toFile());
        Path first = dir.resolve("first.png");
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a boat", "--seed", "11",
                "--steps", "4", "--init-image", init.toString(), "--strength", "0.6", "--out", first.toString()))
                .as(err.toString()).isZero();
        long id = printedId();
        Files.delete(init);

        Path again = dir.resolve("again.png");
        assertThat(inData("rerun " + id, "--out", again.toString())).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));
        try (Storage storage = openData()) {
            Generation g = storage.generations().find(id).orElseThrow();
            assertThat(g.kind()).isEqualTo(GenerationKind.IMG2IMG);
            assertThat(g.parameters().get("strength")).isEqualTo(0.6);
            assertThat(g.parameters().get("width")).isEqualTo(72L);
        }
    }

    @Test
    void variationSeedAndHiresUpscaleAreStoredAndRerunToTheSameBytes() throws IOException {
        Path first = dir.resolve("varied.png");
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a red fox", "--steps", "4",
                "--seed", "11", "--subseed-strength", "0.3", "--upscale", "1.5", "-W", "64", "-H", "64",
                "--out", first.toString())).as(err.toString()).isZero();
        long id = printedId();
        Path again = dir.resolve("varied-again.png");
        assertThat(inData("rerun " + id, "--out", again.toString())).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));
        try (Storage storage = openData()) {
            Generation original = storage.generations().find(id).orElseThrow();
            assertThat(original.parameters().get("subseed")).as("the random subseed is stored").isNotNull();
            assertThat(original.parameters().get("subseedStrength")).isEqualTo(0.3);
            assertThat(original.parameters().get("upscale")).isEqualTo(1.5);
            assertThat(original.parameters().get("hiresStrength")).isEqualTo(0.35);
        }
        assertThat(javax.imageio.ImageIO.read(first.toFile()).getWidth()).isEqualTo(96);
    }

    @Test
    void anSdxlGenerationWithOriginalSizeAndCropRerunsToTheSameBytes() throws IOException {
        Path sdxl = shared.resolve("sdxl");
        if (!Files.isDirectory(sdxl)) {
            DemoModel.write(sdxl, ModelFamily.SDXL);
        }
        Path first = dir.resolve("sdxl.png");
        assertThat(inData("generate", "--model", sdxl.toString(), "--prompt", "a red fox", "--negative", "fog",
                "--steps", "2", "-W", "512", "-H", "576", "--original-size", "2048x1536", "--crop", "64,32",
                "--out", first.toString())).as(err.toString()).isZero();
        long id = printedId();
        Path again = dir.resolve("sdxl-again.png");
        assertThat(inData("rerun " + id, "--out", again.toString())).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));
        try (Storage storage = openData()) {
            Generation original = storage.generations().find(id).orElseThrow();
            assertThat(original.parameters().get("originalWidth")).isEqualTo(2048L);
            assertThat(original.parameters().get("originalHeight")).isEqualTo(1536L);
            assertThat(original.parameters().get("cropX")).isEqualTo(64L);
            assertThat(original.parameters().get("cropY")).isEqualTo(32L);
        }
        Path plain = dir.resolve("sdxl-plain.png");
        assertThat(inData("generate", "--model", sdxl.toString(), "--prompt", "a red fox", "--negative", "fog",
                "--steps", "2", "-W", "512", "-H", "576", "--seed", "1", "--out", plain.toString())).isZero();
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a red fox", "--crop", "0,0",
                "--out", dir.resolve("sd1.png").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("original size and crop are SDXL settings");
        assertThat(inData("generate", "--model", sdxl.toString(), "--prompt", "a red fox", "--crop", "12")).isEqualTo(2);
        assertThat(err.toString()).contains("'12' is not of the form X,Y");
    }

    @Test
    void rerunWithAnotherSeedMatchesAGenerateWithThatSeed() throws IOException {
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a tree", "--seed", "1", "--steps", "2",
                "-W", "64", "-H", "64", "--out", dir.resolve("one.png").toString())).isZero();
        long id = printedId();
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a tree", "--seed", "2", "--steps", "2",
                "-W", "64", "-H", "64", "--out", dir.resolve("two.png").toString())).isZero();
        assertThat(inData("rerun " + id, "--seed", "2", "--out", dir.resolve("rerun.png").toString())).isZero();
        assertThat(Files.readAllBytes(dir.resolve("rerun.png"))).isEqualTo(Files.readAllBytes(dir.resolve("two.png")))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("one.png")));
    }

    @Test
    void rerunOnAModelWithAnotherFingerprintWarnsThatTheImageMayDiffer() throws IOException {
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "a tree", "--seed", "3", "--steps", "2",
                "-W", "64", "-H", "64", "--out", dir.resolve("a.png").toString())).isZero();
        long id = printedId();
        Path demo = dir.resolve("demo");
        DemoModel.write(demo);
        assertThat(inData("rerun " + id, "--model", demo.toString(), "--out", dir.resolve("b.png").toString()))
                .as(err.toString()).isZero();
        assertThat(err.toString()).contains("warning: generation " + id + " was made with model tiny")
                .contains("so the image may differ");
    }

    @Test
    void historyListsTheNewestFirstWithSeedSamplerSizeAndPrompt() throws IOException {
        assertThat(inData("history")).isEqualTo(2);
        assertThat(err.toString()).contains("error: there is no imagine database in");

        assertThat(inData("generate", "--model", model.toString(), "--prompt", "first prompt", "--seed", "5",
                "--steps", "2", "--sampler", "ddim", "-W", "64", "-H", "96", "--out", dir.toString())).isZero();
        long first = printedId();
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "second\nprompt", "--seed", "6",
                "--steps", "2", "--sampler", "pndm", "-W", "96", "-H", "64", "--out", dir.toString())).isZero();
        long second = printedId();

        assertThat(inData("history")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches(second + "  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  seed 6  pndm  96x64  "
                + "second prompt");
        assertThat(lines.get(1)).matches(first + "  \\S+  seed 5  ddim  64x96  first prompt");
        assertThat(inData("history", "--limit", "1")).isZero();
        assertThat(out.toString().lines()).hasSize(1).allMatch(line -> line.startsWith(second + "  "));
        assertThat(inData("history", "--limit", "0")).isEqualTo(2);
    }

    @Test
    void aGenerationTheEngineRefusesIsRecordedAsFailed() throws IOException {
        Path noEncoder = dir.resolve("no-encoder");
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.toList()) {
                Files.copy(file, noEncoder.resolve(model.relativize(file).toString()));
            }
        }
        try (Stream<Path> files = Files.walk(noEncoder.resolve("vae_encoder"))) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        Path init = dir.resolve("init.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", init.toFile());
        assertThat(inData("generate", "--model", noEncoder.toString(), "--prompt", "x", "--init-image",
                init.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot start from an image");
        long id = printedId();
        try (Storage storage = openData()) {
            Generation g = storage.generations().find(id).orElseThrow();
            assertThat(g.status()).isEqualTo(GenerationStatus.FAILED);
            assertThat(g.error()).contains("cannot start from an image");
        }
        assertThat(inData("history")).isZero();
        assertThat(out.toString()).contains("failed  x");
    }

    @Test
    void dbInfoBackupAndPrune() throws IOException {
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "kept in the backup", "--seed", "8",
                "--steps", "2", "-W", "64", "-H", "64", "--count", "2", "--out", dir.resolve("out").toString()))
                .isZero();
        long id = printedId();

        assertThat(inData("db info")).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("data directory  " + dir.resolve("data").toAbsolutePath())
                .contains("imagine.mv.db (")
                .contains("schema version  13")
                .contains("users           1")
                .contains("generations     1 (queued 0, running 0, done 1, failed 0, cancelled 0)")
                .contains("images          2 rows, 2 files");

        // Issue 12, problem 2: a backup onto the live database file is refused (exit 2, a sentence), history intact.
        Path liveDatabase = dir.resolve("data").resolve(Storage.DATABASE_FILE);
        assertThat(inData("db backup", liveDatabase.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is the live database (or one of its files)").doesNotContain("Exception");
        assertThat(inData("history")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("kept in the backup");

        Path backup = dir.resolve("backup.zip");
        assertThat(inData("db backup", backup.toString())).as(err.toString()).isZero();
        Path restored = dir.resolve("restored");
        Storage.restore(backup, restored);
        try (Storage storage = Storage.open(restored)) {
            assertThat(storage.generations().find(id).orElseThrow().parameters().get("prompt"))
                    .isEqualTo("kept in the backup");
        }

        assertThat(inData("db prune", "--older-than", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not an age such as 30d");
        assertThat(inData("db prune", "--older-than", "30d")).isZero();
        assertThat(out.toString().trim()).isEqualTo("deleted 0 generations, 0 image rows, 0 files (0 B)");
        assertThat(inData("db prune", "--older-than", "0d")).isZero();
        assertThat(out.toString()).startsWith("deleted 1 generations, 2 image rows, 2 files (");
        try (Stream<Path> files = Files.walk(dir.resolve("data/images"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void rerunOfAnUnknownGenerationIsAUserError() {
        assertThat(inData("generate", "--model", model.toString(), "--prompt", "x", "--seed", "1", "--steps", "1",
                "-W", "64", "-H", "64", "--out", dir.toString())).isZero();
        assertThat(inData("rerun 999")).isEqualTo(2);
        assertThat(err.toString()).contains("error: there is no generation 999 in");
    }

    private int generateChecked(long seed, Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", checked.toString(), "--prompt", SAFETY_PROMPT, "--seed",
                Long.toString(seed), "--steps", "2", "--width", "64", "--height", "64", "--device", "cpu", "--out",
                file.toString()));
        args.addAll(List.of(more));
        return inData("generate", args.toArray(String[]::new));
    }

    @Test
    void aFlaggedPictureIsWrittenWithAWarningNamingItAndTheFlagIsStoredListedAndRerun() throws IOException {
        Path flaggedFile = dir.resolve("flagged.png");
        assertThat(generateChecked(seeds.flagged(), flaggedFile)).as(err.toString()).isZero();
        long flagged = printedId();
        assertThat(out.toString().strip()).isEqualTo(flaggedFile.toString());
        assertThat(err.toString()).contains("warning: the safety checker flagged " + flaggedFile);
        assertThat(Files.size(flaggedFile)).isPositive();

        Path cleanFile = dir.resolve("clean.png");
        assertThat(generateChecked(seeds.clean(), cleanFile)).as(err.toString()).isZero();
        long clean = printedId();
        assertThat(err.toString()).doesNotContain("warning");

        assertThat(inData("history")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith(clean + "  ").doesNotContain("flagged");
        assertThat(lines.get(1)).startsWith(flagged + "  ").contains("  flagged 1 of 1  " + SAFETY_PROMPT);

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
    void anAnimationWithAFlaggedFrameWarnsNamingTheVideoAndTheFrameAndStoresTheFlags() throws IOException {
        Path video = dir.resolve("travel.gif");
        Path frames = dir.resolve("frames");
        assertThat(inData("animate", "--model", checked.toString(), "--prompt", SAFETY_PROMPT, "--seed",
                Long.toString(seeds.flagged()), "--to-seed", Long.toString(seeds.flagged()), "--frames", "2",
                "--steps", "2", "--width", "64", "--height", "64", "--device", "cpu", "--out", video.toString(),
                "--frames-dir", frames.toString())).as(err.toString()).isZero();
        long id = printedId();
        assertThat(err.toString())
                .contains("warning: the safety checker flagged 2 of 2 frames of " + video + " as possibly not safe")
                .contains("warning: the safety checker flagged " + frames.resolve("0000.png"))
                .contains("warning: the safety checker flagged " + frames.resolve("0001.png"));
        assertThat(video).isNotEmptyFile();
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            Generation animation = storage.generations().find(id).orElseThrow();
            assertThat(animation.images()).hasSize(3).allSatisfy(image -> assertThat(image.nsfw()).isTrue());
        }

        assertThat(inData("animate", "--model", checked.toString(), "--prompt", SAFETY_PROMPT, "--seed",
                Long.toString(seeds.clean()), "--to-seed", Long.toString(seeds.clean()), "--frames", "2",
                "--steps", "2", "--width", "64", "--height", "64", "--device", "cpu", "--out",
                dir.resolve("clean.gif").toString())).as(err.toString()).isZero();
        assertThat(err.toString()).doesNotContain("warning");
    }

    @Test
    void checkerOffWritesTheSameBytesWithoutAWarningOrAFlag() throws IOException {
        Path withChecker = dir.resolve("checked.png");
        assertThat(generateChecked(seeds.flagged(), withChecker)).isZero();
        Path unchecked = dir.resolve("unchecked.png");
        assertThat(generateChecked(seeds.flagged(), unchecked, "--safety-checker", "off")).as(err.toString()).isZero();
        long id = printedId();

        assertThat(err.toString()).doesNotContain("warning");
        assertThat(Files.readAllBytes(unchecked)).isEqualTo(Files.readAllBytes(withChecker));
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            assertThat(storage.generations().find(id).orElseThrow().images().get(0).nsfw()).isFalse();
        }
    }

    @Test
    void modelsInfoShowsTheCheckerAndItsPrecision() {
        assertThat(run("models", "info", checked.toString(), "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("safety        checker present (fp32)");
        assertThat(run("models", "info", checked.toString(), "--device", "cpu", "--safety-checker", "off")).isZero();
        assertThat(out.toString()).contains("safety        no checker runs (--safety-checker off)");
    }
}
