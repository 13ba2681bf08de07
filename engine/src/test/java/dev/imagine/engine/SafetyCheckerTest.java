package dev.imagine.engine;

import static dev.imagine.engine.ImageEngineTest.pixelHash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.image.ClipImageProcessor;
import dev.imagine.engine.testmodel.TinyModelSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety checker step: the tiny checker's verdict follows its statistic (the mean of the normalised CLIP input
 * above a threshold), every kind of job is checked, pixels never change, and {@code off} or a folder without a
 * checker change nothing.
 */
class SafetyCheckerTest {
    private static final TinyModelSpec PLAIN = TinyModelSpec.tiny();
    private static final TinyModelSpec CHECKED = PLAIN.toBuilder().safetyThreshold(0.0).build();
    private static final TinyModelSpec FLAGS_ALL = PLAIN.toBuilder().safetyThreshold(-1000.0).build();

    private static GenerationRequest.Builder request(long seed) {
        return GenerationRequest.builder("a harbour").size(64, 64).steps(4).seed(seed).sampler(SamplerKind.DDIM);
    }

    private static ImageEngine open(TinyModelSpec spec, SafetyCheckerSource source) {
        return ImageEngine.open(TestModels.folder(spec), new EngineOptions(ExecutionDevice.cpu(), 1, 1, null,
                EngineOptions.DEFAULT_MAX_SIDE).withSafetyChecker(source));
    }

    /** The statistic the tiny checker computes, from the model folder's own feature extractor configuration. */
    private static boolean statistic(Path model, BufferedImage image) throws Exception {
        ClipImageProcessor processor = ClipImageProcessor.fromConfig(new ObjectMapper()
                .readTree(model.resolve("feature_extractor/preprocessor_config.json").toFile()));
        float[] clip = processor.process(image);
        double total = 0;
        for (float v : clip) {
            total += v;
        }
        return total / clip.length > 0;
    }

    @Test
    void theVerdictFollowsTheStatisticAndBothVerdictsOccur() throws Exception {
        List<Boolean> verdicts = new ArrayList<>();
        try (ImageEngine engine = TestModels.open(CHECKED)) {
            assertThat(engine.model().safetyChecker()).isEqualTo("fp32");
            assertThat(engine.model().hasSafetyChecker()).isTrue();
            GenerationResult result = engine.generate(request(1).count(8).build());
            for (GeneratedImage image : result.images()) {
                assertThat(image.nsfw()).as("image %d", image.index())
                        .isEqualTo(statistic(TestModels.folder(CHECKED), image.image()));
                verdicts.add(image.nsfw());
            }
            assertThat(result.timings().safetyChecker()).isPositive();
        }
        assertThat(verdicts).contains(true, false);
    }

    @Test
    void pixelsAreTheSameWithAndWithoutTheChecker() {
        try (ImageEngine plain = TestModels.open(PLAIN); ImageEngine checked = TestModels.open(FLAGS_ALL)) {
            GenerationResult without = plain.generate(request(3).count(2).build());
            GenerationResult with = checked.generate(request(3).count(2).build());
            for (int i = 0; i < 2; i++) {
                assertThat(with.images().get(i).nsfw()).isTrue();
                assertThat(without.images().get(i).nsfw()).isFalse();
                // The export blacks out flagged pictures in out_images; the engine never uses that output.
                assertThat(pixelHash(with.images().get(i).image())).isEqualTo(pixelHash(without.images().get(i).image()));
            }
            assertThat(plain.model().safetyChecker()).isEqualTo(ModelInfo.NO_SAFETY_CHECKER);
            assertThat(without.timings().safetyChecker()).isZero();
        }
    }

    @Test
    void everyKindOfJobIsChecked() {
        BufferedImage init = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        try (ImageEngine engine = TestModels.open(FLAGS_ALL)) {
            List<GenerationRequest> jobs = List.of(
                    request(5).count(3).build(),
                    request(5).initImage(init).strength(0.5).build(),
                    request(5).subseed(9L).subseedStrength(0.3).build(),
                    request(5).upscale(1.5).build());
            for (GenerationRequest job : jobs) {
                GenerationResult result = engine.generate(job);
                assertThat(result.images()).allSatisfy(image -> assertThat(image.nsfw()).isTrue());
                assertThat(result.timings().safetyChecker()).isPositive();
            }
        }
    }

    @Test
    void offRunsNoChecker() {
        try (ImageEngine engine = open(FLAGS_ALL, SafetyCheckerSource.off())) {
            assertThat(engine.model().safetyChecker()).isEqualTo(ModelInfo.NO_SAFETY_CHECKER);
            assertThat(engine.generate(request(1).build()).images().get(0).nsfw()).isFalse();
        }
    }

    @Test
    void aFloat16CheckerLoadsAndRuns() {
        TinyModelSpec fp16 = FLAGS_ALL.toBuilder().precision(TinyModelSpec.Precision.FP16).build();
        try (ImageEngine engine = TestModels.open(fp16)) {
            assertThat(engine.model().safetyChecker()).isEqualTo("fp16");
            assertThat(engine.generate(request(1).build()).images().get(0).nsfw()).isTrue();
        }
    }

    @Test
    void aCheckerFolderCanBeGivenForAModelWithoutOne() {
        Path checker = TestModels.folder(FLAGS_ALL);
        try (ImageEngine layout = open(PLAIN, SafetyCheckerSource.folder(checker));
                ImageEngine itself = open(PLAIN, SafetyCheckerSource.folder(checker.resolve("safety_checker")))) {
            assertThat(layout.generate(request(1).build()).images().get(0).nsfw()).isTrue();
            assertThat(itself.generate(request(1).build()).images().get(0).nsfw()).isTrue();
        }
    }

    @Test
    void aGivenFolderWithoutACheckerIsRefusedWithTheLayout(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty);
        assertThatThrownBy(() -> open(PLAIN, SafetyCheckerSource.folder(empty)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("holds neither safety_checker/model.onnx nor model.onnx");
    }
}
