package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.imagine.bot.retry.Backoff;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.ImageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls against a fake hub on 127.0.0.1: layout, resume, corruption, gating, redirects, space, retries. */
class ModelPullerTest {
    private static final String REPO = "imagine-test/tiny-sd";
    private static final String TOKEN = "hf_TestTokenThatMustNeverBeLogged123";
    private static final String ENCODER = "text_encoder/model.onnx";

    @TempDir
    static Path shared;
    private static Path source;
    /** Every file the pull should fetch, with its bytes: the tiny model folder as DemoModel writes it. */
    private static Map<String, byte[]> expected;

    @TempDir
    Path dir;
    private FakeHub hub;
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeAll
    static void writeModel() throws IOException {
        source = shared.resolve("tiny");
        DemoModel.writeTinyWithSafetyChecker(source, 0.0);
        expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                expected.put(source.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
    }

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.addRepo(REPO, source);
        hub.putFile(REPO, "unet/diffusion_pytorch_model.safetensors", new byte[3000]);
        hub.putFile(REPO, "README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubSettings settings(String token) {
        return HubSettings.resolve(Environment.of(token == null
                ? Map.of(HubSettings.ENDPOINT_VARIABLE, hub.endpoint().toString())
                : Map.of(HubSettings.ENDPOINT_VARIABLE, hub.endpoint().toString(), HubSettings.TOKEN_VARIABLE, token)),
                null, null);
    }

    private ModelPuller.Builder puller(String token) {
        return ModelPuller.builder(settings(token)).sleeper(sleeps::add).diskSpace(folder -> Long.MAX_VALUE)
                .backoff(Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30)).withRandom(() -> 0.0))
                .stallTimeout(Duration.ofMillis(300));
    }

    private PullResult pull(ModelPuller.Builder builder) throws InterruptedException {
        return builder.build().pull(RepoRef.parse(REPO), dir.resolve("tiny-sd"), null, PullListener.NONE);
    }

    private Path target() {
        return dir.resolve("tiny-sd");
    }

    private void assertSameAsSource() throws IOException {
        for (Map.Entry<String, byte[]> file : expected.entrySet()) {
            assertThat(target().resolve(file.getKey())).as(file.getKey()).hasBinaryContent(file.getValue());
        }
    }

    private List<String> fileRequestsFor(String path) {
        return hub.fileRequests().stream().filter(r -> r.path().endsWith("/" + path))
                .map(r -> r.server() + " " + r.range()).toList();
    }

    @Test
    void pullsOnlyWhatTheOnnxPipelineNeedsAndTheEngineOpensIt() throws Exception {
        List<PullPlan> plans = new ArrayList<>();
        PullResult result = puller(null).build().pull(RepoRef.parse(REPO), target(), null, new PullListener() {
            @Override
            public void planned(PullPlan plan) {
                plans.add(plan);
            }
        });

        assertSameAsSource();
        try (Stream<Path> files = Files.walk(target())) {
            assertThat(files.filter(Files::isRegularFile).map(f -> target().relativize(f).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrderElementsOf(concat(expected.keySet(), Manifest.FILE_NAME, ModelPuller.LOCK_FILE));
        }
        assertThat(result.downloaded()).isEqualTo(expected.size());
        assertThat(plans).singleElement().satisfies(plan -> {
            assertThat(plan.commit()).isEqualTo(FakeHub.COMMIT);
            assertThat(plan.bytesToFetch()).isEqualTo(expected.values().stream().mapToLong(b -> b.length).sum());
            assertThat(plan.notes()).anyMatch(n -> n.contains("1 PyTorch/safetensors weight file"))
                    .noneMatch(n -> n.contains("safety_checker/"));
        });
        // Files are fetched from the commit the listing named; ONNX files come from the CDN after a redirect.
        assertThat(hub.fileRequests()).allMatch(r -> r.server().equals("cdn") || r.path().contains(FakeHub.COMMIT));
        assertThat(fileRequestsFor("unet/model.onnx")).containsExactly("hub null", "cdn null");
        assertThat(fileRequestsFor("tokenizer/vocab.json")).containsExactly("hub null");
        try (ImageEngine engine = ImageEngine.open(target(), EngineOptions.defaults().withDevice(ExecutionDevice.cpu()))) {
            assertThat(engine.model().hiddenSize()).isEqualTo(32);
            assertThat(engine.model().safetyChecker()).isEqualTo("fp32");
        }
    }

    @Test
    void withoutTheSafetyCheckerItsFoldersAreNotFetched() throws Exception {
        List<PullPlan> plans = new ArrayList<>();
        puller(null).build().pull(RepoRef.parse(REPO), target(), null, false, new PullListener() {
            @Override
            public void planned(PullPlan plan) {
                plans.add(plan);
            }
        });

        assertThat(target().resolve("safety_checker")).doesNotExist();
        assertThat(target().resolve("feature_extractor")).doesNotExist();
        assertThat(fileRequestsFor("safety_checker/model.onnx")).isEmpty();
        assertThat(plans).singleElement().satisfies(plan -> assertThat(plan.notes())
                .anyMatch(n -> n.startsWith("left out safety_checker/") && n.endsWith("--no-safety-checker"))
                .anyMatch(n -> n.startsWith("left out feature_extractor/") && n.endsWith("--no-safety-checker")));
        try (ImageEngine engine = ImageEngine.open(target(), EngineOptions.defaults().withDevice(ExecutionDevice.cpu()))) {
            assertThat(engine.model().hasSafetyChecker()).isFalse();
        }
    }

    @Test
    void aSecondPullDownloadsNothing() throws Exception {
        pull(puller(null));
        hub.clearRequests();

        PullResult second = pull(puller(null));

        assertThat(hub.fileRequests()).isEmpty();
        assertThat(hub.requests()).hasSize(1);
        assertThat(second.downloaded()).isZero();
        assertThat(second.alreadyPresent()).isEqualTo(expected.size());
        assertThat(second.bytesDownloaded()).isZero();
    }

    @Test
    void aLocalFileThatChangedIsHashedAndFetchedAgainAlone() throws Exception {
        pull(puller(null));
        Path vocab = target().resolve("tokenizer/vocab.json");
        byte[] damaged = Files.readAllBytes(vocab);
        damaged[10] ^= 1;
        Files.write(vocab, damaged);
        Files.setLastModifiedTime(vocab, FileTime.fromMillis(Files.getLastModifiedTime(vocab).toMillis() + 5000));
        hub.clearRequests();

        PullResult again = pull(puller(null));

        assertThat(again.downloaded()).isEqualTo(1);
        assertThat(hub.fileRequests()).extracting(FakeHub.Request::path).singleElement().asString()
                .endsWith("/tokenizer/vocab.json");
        assertSameAsSource();
    }

    @Test
    void aFileMatchingItsRecordedSizeAndTimeIsTrustedWithoutHashingButVerifyHashesIt() throws Exception {
        pull(puller(null));
        Path vocab = target().resolve("tokenizer/vocab.json");
        FileTime recorded = Files.getLastModifiedTime(vocab);
        byte[] changed = Files.readAllBytes(vocab);
        changed[10] ^= 1;
        Files.write(vocab, changed);
        Files.setLastModifiedTime(vocab, recorded);
        hub.clearRequests();

        assertThat(pull(puller(null)).downloaded()).isZero();
        assertThat(hub.fileRequests()).isEmpty();

        VerifyReport report = new ModelStore(dir).verify("tiny-sd", path -> { });
        assertThat(report.problems()).anyMatch(p -> p.startsWith("tokenizer/vocab.json is corrupt or changed"));
    }

    @Test
    void onlyOnePullWritesAFolderAtATime() throws Exception {
        Files.createDirectories(target());
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                target().resolve(ModelPuller.LOCK_FILE), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
            assertThatThrownBy(() -> pull(puller(null)))
                    .hasMessage("another pull is writing to " + target() + "; wait for it to finish");
        }
        assertThat(hub.fileRequests()).isEmpty();
    }

    @Test
    void anInterruptedFileResumesFromTheByteItReachedOnTheNextRun() throws Exception {
        hub.cutAfter(ENCODER, 50_000, 1);
        Throwable failure = catchThrowable(() -> pull(puller(null).maxAttempts(1)));
        assertThat(failure).isInstanceOf(ModelException.class)
                .hasMessageContaining("downloading " + ENCODER)
                .hasMessageContaining("run the same command again");
        Path part = target().resolve(ENCODER + ".part");
        assertThat(part).hasSize(50_000);
        assertThat(target().resolve(ENCODER)).doesNotExist();
        hub.clearRequests();

        pull(puller(null));

        // The first request goes to the hub, which redirects to the CDN; both carry the Range of the byte reached.
        assertThat(fileRequestsFor(ENCODER)).containsExactly("hub bytes=50000-", "cdn bytes=50000-");
        assertThat(FakeHub.sha256(Files.readAllBytes(target().resolve(ENCODER))))
                .isEqualTo(FakeHub.sha256(expected.get(ENCODER)));
        assertThat(part).doesNotExist();
        assertSameAsSource();
    }

    @Test
    void retriesWithinOneRunResumeAfterEachCut() throws Exception {
        hub.cutAfter(ENCODER, 30_000, 2);

        pull(puller(null));

        assertThat(fileRequestsFor(ENCODER).stream().filter(r -> r.startsWith("cdn")))
                .containsExactly("cdn null", "cdn bytes=30000-", "cdn bytes=60000-");
        // Each try made progress, so the wait never grows past the first step.
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertSameAsSource();
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoff() throws Exception {
        hub.failWith("unet/model.onnx", 503, 3);
        List<String> notes = new ArrayList<>();

        puller(null).build().pull(RepoRef.parse(REPO), target(), null, new PullListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        });

        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(notes).hasSize(3).last().asString().startsWith("downloading unet/model.onnx (0 B of ")
                .endsWith("the server answered HTTP 503; trying again in 4 s (attempt 4 of 6)");
        assertSameAsSource();
    }

    @Test
    void retriesRunOutWithAMessage() {
        hub.failWith("unet/model.onnx", 500, 10);

        assertThatThrownBy(() -> pull(puller(null).maxAttempts(3)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unet/model.onnx")
                .hasMessageContaining("failed 3 times in a row")
                .hasMessageContaining("HTTP 500");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aCorruptFileIsDetectedAndFetchedAgain() throws Exception {
        hub.corrupt("unet/model.onnx", 1);
        hub.corrupt("tokenizer/vocab.json", 1);

        try (LogCapture logs = new LogCapture()) {
            pull(puller(null));
            assertThat(logs.text()).contains("unet/model.onnx arrived corrupt (SHA-256")
                    .contains("tokenizer/vocab.json arrived corrupt (git blob id");
        }
        assertThat(fileRequestsFor("unet/model.onnx")).containsExactly("hub null", "cdn null", "hub null", "cdn null");
        assertSameAsSource();
    }

    @Test
    void aFileThatKeepsArrivingCorruptFailsAfterBoundedAttempts() {
        hub.corrupt("unet/model.onnx", 10);

        assertThatThrownBy(() -> pull(puller(null).maxCorruptFetches(3)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unet/model.onnx of " + REPO + " arrived corrupt 3 times");
        assertThat(fileRequestsFor("unet/model.onnx").stream().filter(r -> r.startsWith("cdn"))).hasSize(3);
        assertThat(target().resolve("unet/model.onnx")).doesNotExist();
        assertThat(target().resolve("unet/model.onnx.part")).doesNotExist();
    }

    @Test
    void aServerThatIgnoresRangeMakesTheFileStartOver() throws Exception {
        hub.cutAfter(ENCODER, 40_000, 1);
        assertThatThrownBy(() -> pull(puller(null).maxAttempts(1))).isInstanceOf(ModelException.class);
        hub.ignoreRange(ENCODER, 1);

        pull(puller(null));

        assertSameAsSource();
    }

    @Test
    void rangeNotSatisfiableStartsTheFileOver() throws Exception {
        hub.cutAfter(ENCODER, 40_000, 1);
        assertThatThrownBy(() -> pull(puller(null).maxAttempts(1))).isInstanceOf(ModelException.class);
        hub.refuseRange(ENCODER, 1);
        hub.clearRequests();

        pull(puller(null));

        assertThat(fileRequestsFor(ENCODER).stream().filter(r -> r.startsWith("cdn")))
                .containsExactly("cdn bytes=40000-", "cdn null");
        assertSameAsSource();
    }

    @Test
    void aConnectionThatGoesSilentIsDroppedAndResumed() throws Exception {
        hub.stallAfter(ENCODER, 10_000);

        pull(puller(null));

        assertThat(fileRequestsFor(ENCODER).stream().filter(r -> r.startsWith("cdn")))
                .containsExactly("cdn null", "cdn bytes=10000-");
        assertSameAsSource();
    }

    @Test
    void aGatedRepositoryWithoutTokenExplainsHowToGetAccess() {
        hub.gate(REPO, TOKEN);

        assertThatThrownBy(() -> pull(puller(null)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(hub.endpoint() + "/" + REPO)
                .hasMessageContaining("accept the model's licence")
                .hasMessageContaining("set HF_TOKEN");
        assertThat(hub.fileRequests()).isEmpty();
    }

    @Test
    void aRefusedTokenSaysSoWithoutShowingIt() {
        hub.gate(REPO, TOKEN);
        String wrong = "hf_WrongTokenAlsoSecret456";

        Throwable failure = catchThrowable(() -> pull(puller(wrong)));

        assertThat(failure).isInstanceOf(ModelException.class)
                .hasMessageContaining("refused the token")
                .hasMessageContaining(hub.endpoint() + "/" + REPO);
        assertThat(failure.toString()).doesNotContain(wrong);
    }

    @Test
    void aGatedRepositoryWithTokenWorksAndTheTokenStaysOnTheHub() throws Exception {
        hub.gate(REPO, TOKEN);
        hub.cutAfter(ENCODER, 20_000, 1);
        HubSettings settings = settings(TOKEN);
        PullResult result;
        try (LogCapture logs = new LogCapture()) {
            result = pull(puller(TOKEN));
            assertThat(logs.text()).contains(ENCODER).doesNotContain(TOKEN).doesNotContain("TestToken");
        }

        assertSameAsSource();
        List<FakeHub.Request> requests = hub.requests();
        assertThat(requests.stream().filter(r -> r.server().equals("hub")))
                .isNotEmpty().allMatch(r -> ("Bearer " + TOKEN).equals(r.authorization()));
        // The redirect to the CDN (another host) drops the Authorization header but keeps the Range header.
        assertThat(requests.stream().filter(r -> r.server().equals("cdn")))
                .isNotEmpty().allMatch(r -> r.authorization() == null);
        assertThat(fileRequestsFor(ENCODER)).contains("cdn bytes=20000-");
        assertThat(settings.toString() + result + settings.token().orElseThrow()).doesNotContain(TOKEN);
    }

    @Test
    void freeSpaceIsCheckedBeforeAnyDownload() {
        long total = expected.values().stream().mapToLong(b -> b.length).sum();

        assertThatThrownBy(() -> pull(puller(null).diskSpace(folder -> 1000)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("needs " + HumanSizes.format(total) + " more in " + target())
                .hasMessageContaining("only 1000 B is free");
        assertThat(hub.fileRequests()).isEmpty();
    }

    @Test
    void aRepositoryWithoutOnnxFilesPointsToTheOnnxRevision() throws IOException {
        Path pytorch = dir.resolve("pytorch");
        Files.createDirectories(pytorch.resolve("unet"));
        Files.writeString(pytorch.resolve("model_index.json"), "{}");
        Files.write(pytorch.resolve("unet/diffusion_pytorch_model.safetensors"), new byte[100]);
        hub.addRepo("someone/pytorch-only", pytorch);

        assertThatThrownBy(() -> ModelPuller.builder(settings(null)).build()
                .pull(RepoRef.parse("someone/pytorch-only"), dir.resolve("x"), null, PullListener.NONE))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no ONNX files")
                .hasMessageContaining("imagine models pull someone/pytorch-only@onnx")
                .hasMessageContaining("optimum-cli export onnx");
    }

    @Test
    void unknownRepositoriesAndRevisionsAreNamed() {
        ModelPuller puller = puller(null).build();
        assertThatThrownBy(() -> puller.pull(RepoRef.parse("nobody/nothing"), dir.resolve("a"), null, PullListener.NONE))
                .hasMessageContaining("there is no repository nobody/nothing")
                .hasMessageContaining("if it is private, set HF_TOKEN");
        assertThatThrownBy(() -> puller.pull(RepoRef.parse(REPO + "@nope"), dir.resolve("b"), null, PullListener.NONE))
                .hasMessageContaining(REPO + " has no revision 'nope'");
    }

    @Test
    void askingForAPrecisionTheRepositoryLacksWarns() throws Exception {
        PullResult result = puller(null).build().pull(RepoRef.parse(REPO), target(), Precision.FP16, PullListener.NONE);

        assertThat(result.warnings()).singleElement().asString()
                .contains("asked for fp16 but the repository's UNet takes fp32 inputs");
    }

    private static List<String> concat(java.util.Collection<String> names, String... more) {
        List<String> all = new ArrayList<>(names);
        all.addAll(List.of(more));
        return all;
    }
}
