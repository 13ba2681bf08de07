package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.models.Environment;
import dev.imagine.bot.models.FakeHub;
import dev.imagine.bot.models.HumanSizes;
import dev.imagine.bot.models.LogCapture;
import dev.imagine.engine.DemoModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine models ...} end to end against a fake hub, with the environment passed in. */
class ModelsCommandTest {
    private static final String TOKEN = "hf_CliTokenNeverPrinted789";

    @TempDir
    static Path shared;
    private static Path source;
    private static long sourceBytes;

    @TempDir
    Path dir;
    private Path models;
    private FakeHub hub;
    private final Map<String, String> environment = new HashMap<>();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() throws IOException {
        source = shared.resolve("tiny");
        DemoModel.writeTiny(source);
        try (Stream<Path> files = Files.walk(source)) {
            sourceBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.addRepo("owner/tiny", source);
        models = dir.resolve("models");
        environment.put("HF_ENDPOINT", hub.endpoint().toString());
        environment.put("IMAGINE_MODELS_DIR", models.toString());
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                Environment.of(environment));
    }

    @Test
    void pullHonoursHfEndpointPrintsTheFolderAndASecondPullFetchesNothing() {
        assertThat(run("models", "pull", "owner/tiny", "--no-progress")).as(err.toString()).isZero();

        assertThat(out.toString().trim()).isEqualTo(models.resolve("tiny").toString());
        assertThat(err.toString())
                .contains("pulling owner/tiny from " + hub.endpoint() + " into " + models.resolve("tiny"))
                .contains("10 of 10 files to fetch, " + HumanSizes.format(sourceBytes))
                .contains("fetching unet/model.onnx (")
                .contains("done: 10 files")
                .contains("try: imagine generate --model tiny ");
        assertThat(models.resolve("tiny/unet/model.onnx")).exists();
        assertThat(hub.fileRequests()).isNotEmpty();
        hub.clearRequests();

        assertThat(run("models", "pull", "owner/tiny")).isZero();

        assertThat(hub.fileRequests()).isEmpty();
        assertThat(err.toString()).contains("all 10 files are already here")
                .contains("already complete: 10 files checked, nothing downloaded");
    }

    @Test
    void aPulledModelIsListedVerifiedAndUsableByName() throws IOException {
        assertThat(run("models", "pull", "owner/tiny@main", "--name", "mine")).isZero();

        // The size on disk is the model's files plus the pull record (.imagine-pull.json) beside them.
        String size = HumanSizes.format(sourceBytes + Files.size(models.resolve("mine/.imagine-pull.json")));
        assertThat(run("models", "list")).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "NAME  FAMILY                PRECISION  SIZE" + " ".repeat(size.length() - 2) + "SOURCE",
                "mine  Stable Diffusion 1.x  fp32       " + size + "  owner/tiny");

        assertThat(run("models", "verify", "mine")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("engine: OnnxStableDiffusionPipeline, Stable Diffusion 1.x (width 32), fp32")
                .contains("mine is fine: 10 files match the pull record of owner/tiny");

        assertThat(run("generate", "--data", dir.resolve("data").toString(), "--model", "mine", "--prompt", "a red fox",
                "--seed", "1", "--steps", "1",
                "--width", "64", "--height", "64", "--out", dir.resolve("fox.png").toString())).as(err.toString()).isZero();
        assertThat(dir.resolve("fox.png")).exists();

        Path vocab = models.resolve("mine/tokenizer/vocab.json");
        byte[] bytes = Files.readAllBytes(vocab);
        bytes[3] ^= 1;
        Files.write(vocab, bytes);
        assertThat(run("models", "verify", "mine")).isEqualTo(2);
        // The flipped byte breaks vocab.json's JSON, so the engine's own check fails too.
        assertThat(out.toString()).contains("problem: tokenizer/vocab.json is corrupt or changed")
                .contains("problem: the engine cannot open it");
        assertThat(err.toString()).contains("error: mine has 2 problems; pulling it again (imagine models pull owner/tiny");
    }

    @Test
    void aGatedModelExplainsTheLicenceAndWorksWithATokenFileThatIsNeverPrinted() throws IOException {
        hub.gate("owner/tiny", TOKEN);

        assertThat(run("models", "pull", "owner/tiny")).isEqualTo(2);
        assertThat(err.toString()).contains("error: owner/tiny is gated or private (HTTP 401): open "
                + hub.endpoint() + "/owner/tiny, sign in and accept the model's licence")
                .contains("set HF_TOKEN");

        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        try (LogCapture logs = new LogCapture()) {
            assertThat(run("models", "pull", "owner/tiny", "--token-file", tokenFile.toString())).as(err.toString())
                    .isZero();
            assertThat(logs.text() + out + err).doesNotContain(TOKEN);
        }

        environment.put("HF_TOKEN", "hf_wrong");
        assertThat(run("models", "pull", "owner/tiny", "--name", "again")).isEqualTo(2);
        assertThat(err.toString()).contains("error: the hub refused the token").doesNotContain("hf_wrong");
    }

    @Test
    void usageAndArgumentErrors() {
        assertThat(run("models")).isZero();
        assertThat(out.toString()).contains("pull").contains("list").contains("verify");

        assertThat(run("models", "pull", "owner/tiny", "--variant", "fp8")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown variant 'fp8'; use fp32 or fp16");

        assertThat(run("models", "pull", "not a repo")).isEqualTo(2);
        assertThat(err.toString()).contains("error: 'not a repo' is not a hub repository name");

        assertThat(run("models", "list")).isZero();
        assertThat(err.toString()).contains("no models in " + models + " yet");

        assertThat(run("models", "verify", "ghost")).isEqualTo(2);
        assertThat(err.toString()).contains("error: no model 'ghost'");

        assertThat(run("generate", "--data", dir.resolve("data").toString(), "--model", "ghost", "--prompt", "x"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("error: no model 'ghost': it is not a folder here nor a model in " + models);
    }

    @Test
    void aBadEndpointIsAUserError() {
        assertThat(run("models", "pull", "owner/tiny", "--endpoint", "not a url")).isEqualTo(2);
        assertThat(err.toString()).contains("error: hub endpoint 'not a url' is not a URL");

        environment.put("HF_ENDPOINT", "ftp://mirror.example");
        assertThat(run("models", "pull", "owner/tiny")).isEqualTo(2);
        assertThat(err.toString()).contains("error: hub endpoint 'ftp://mirror.example' is not an http(s) URL");
    }
}
