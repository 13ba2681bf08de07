package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.TinyModelSpec;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Family detection on generated SD1, SD2, SD2 v-prediction, Turbo and LCM style folders, and their defaults. */
class ModelFamilyTest {

    static final TinyModelSpec SD1 = TinyModelSpec.tiny().toBuilder().hiddenSize(768).build();
    static final TinyModelSpec SD2 = TinyModelSpec.tiny().toBuilder().hiddenSize(1024)
            .padToken(TinyModelSpec.PadToken.EXCLAMATION).schedulerClass("PNDMScheduler").build();
    static final TinyModelSpec SD2_V = SD2.toBuilder().schedulerClass("EulerDiscreteScheduler")
            .predictionType("v_prediction").build();
    static final TinyModelSpec TURBO = SD2.toBuilder().schedulerClass("EulerDiscreteScheduler")
            .timestepSpacing("trailing").stepsOffset(0).build();
    static final TinyModelSpec LCM = SD1.toBuilder().schedulerClass("LCMScheduler").timestepCondDim(256)
            .schedulerOverride("original_inference_steps", 50).schedulerOverride("timestep_scaling", 10.0).build();

    @Test
    void stableDiffusion1() {
        try (ImageEngine engine = TestModels.open(SD1)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.SD1);
            assertThat(info.hiddenSize()).isEqualTo(768);
            assertThat(info.predictionType()).isEqualTo("epsilon");
            assertThat(info.defaultSampler()).isEqualTo(SamplerKind.PNDM);
            assertThat(info.defaultSteps()).isEqualTo(25);
            assertThat(info.defaultGuidance()).isEqualTo(7.5);
            assertThat(info.defaultWidth()).isEqualTo(512);
            assertThat(info.precision()).isEqualTo("fp32");
        }
    }

    @Test
    void stableDiffusion2Base() {
        try (ImageEngine engine = TestModels.open(SD2)) {
            assertThat(engine.model().family()).isEqualTo(ModelFamily.SD2);
            assertThat(engine.model().hiddenSize()).isEqualTo(1024);
            assertThat(engine.model().defaultHeight()).isEqualTo(512);
        }
    }

    @Test
    void stableDiffusion2WithVPredictionDefaultsTo768AndGenerates() {
        try (ImageEngine engine = TestModels.open(SD2_V)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.SD2_V);
            assertThat(info.predictionType()).isEqualTo("v_prediction");
            assertThat(info.defaultWidth()).isEqualTo(768);
            assertThat(info.defaultHeight()).isEqualTo(768);
            assertThat(info.defaultSampler()).isEqualTo(SamplerKind.EULER);
            for (SamplerKind sampler : new SamplerKind[] {SamplerKind.DDIM, SamplerKind.EULER}) {
                BufferedImage image = engine.generate(GenerationRequest.builder("a hill").size(64, 64).steps(4)
                        .seed(3L).sampler(sampler).build()).images().get(0).image();
                assertThat(ImageEngineTest.distinctColours(image)).isGreaterThan(10);
            }
        }
    }

    @Test
    void turboDefaultsToOneUnguidedStepWhichWorks() {
        try (ImageEngine engine = TestModels.open(TURBO)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.TURBO);
            assertThat(info.defaultSteps()).isEqualTo(1);
            assertThat(info.defaultGuidance()).isEqualTo(0.0);
            for (SamplerKind sampler : new SamplerKind[] {SamplerKind.EULER, SamplerKind.EULER_ANCESTRAL,
                    SamplerKind.DDIM}) {
                GenerationResult result = engine.generate(GenerationRequest.builder("a cat").size(64, 64).seed(9L)
                        .sampler(sampler).build());
                assertThat(result.request().steps()).isEqualTo(1);
                assertThat(result.timings().unetCalls()).isEqualTo(1);
                assertThat(ImageEngineTest.distinctColours(result.images().get(0).image())).as(sampler.id())
                        .isGreaterThan(10);
            }
        }
    }

    @Test
    void lcmIsDetectedFromItsGuidanceInput() {
        try (ImageEngine engine = TestModels.open(LCM)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.LCM);
            assertThat(info.defaultSampler()).isEqualTo(SamplerKind.LCM);
            assertThat(info.defaultSteps()).isEqualTo(4);
            assertThat(info.defaultGuidance()).isEqualTo(8.5);
            assertThat(info.unetInputs()).contains("timestep_cond float32 [?, 256]");
        }
    }

    @Test
    void lcmGuidanceGoesInThroughTheEmbeddingNotASecondBatchHalf() {
        try (ImageEngine engine = TestModels.open(LCM)) {
            GenerationRequest.Builder request = GenerationRequest.builder("a cat").size(64, 64).seed(9L).steps(3)
                    .sampler(SamplerKind.EULER);
            GenerationResult low = engine.generate(request.guidance(2.0).build());
            GenerationResult high = engine.generate(request.guidance(8.5).build());
            assertThat(low.timings().unetCalls()).isEqualTo(3);
            assertThat(ImageEngineTest.pixelHash(low.images().get(0).image()))
                    .isNotEqualTo(ImageEngineTest.pixelHash(high.images().get(0).image()));
        }
    }

    @Test
    void lcmAndTurboRunInFewStepsIncludingOne() {
        try (ImageEngine lcm = TestModels.open(LCM); ImageEngine turbo = TestModels.open(TURBO)) {
            for (int steps : new int[] {1, 2, 4}) {
                GenerationResult fast = lcm.generate(GenerationRequest.builder("a cat").size(64, 64).seed(4L)
                        .steps(steps).build());
                assertThat(fast.request().sampler()).isEqualTo(SamplerKind.LCM);
                assertThat(fast.timings().unetCalls()).isEqualTo(steps);
                assertThat(ImageEngineTest.distinctColours(fast.images().get(0).image())).as("LCM %d steps", steps)
                        .isGreaterThan(10);
            }
            for (SamplerKind sampler : SamplerKind.values()) {
                GenerationResult one = turbo.generate(GenerationRequest.builder("a cat").size(64, 64).seed(4L)
                        .steps(1).sampler(sampler).build());
                assertThat(ImageEngineTest.distinctColours(one.images().get(0).image())).as("Turbo 1 step %s",
                        sampler.id()).isGreaterThan(10);
            }
        }
    }
}
