package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.testmodel.TinyModelSpec;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Generation on the tiny SDXL folder: negative conditioning, micro-conditioning, samplers, img2img, batches. */
class SdxlGenerationTest {
    private static ImageEngine engine;

    @BeforeAll
    static void open() {
        engine = TestModels.open(TinyModelSpec.sdxl());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest.Builder small(String prompt) {
        return GenerationRequest.builder(prompt).size(512, 512).steps(3).seed(42L);
    }

    private static PromptEncoder prompts(ImageEngine anEngine) {
        return ((OnnxImageEngine) anEngine).promptEncoder();
    }

    private static boolean allZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    @Test
    void anEmptyNegativePromptIsZerosOnlyWhenTheModelForcesZeros() throws InferenceException {
        EncodedPrompts empty = prompts(engine).encode("a lighthouse", "", true);
        assertThat(allZero(empty.uncond().states())).isTrue();
        assertThat(allZero(empty.uncond().pooled())).isTrue();
        assertThat(empty.uncond().states()).hasSameSizeAs(empty.cond().states());
        assertThat(empty.uncond().pooled()).hasSameSizeAs(empty.cond().pooled());
        assertThat(allZero(empty.cond().states())).isFalse();

        EncodedPrompts negative = prompts(engine).encode("a lighthouse", "blurry", true);
        EncodedPrompts blurry = prompts(engine).encode("blurry", "", false);
        assertThat(negative.uncond().states()).containsExactly(blurry.cond().states());
        assertThat(negative.uncond().pooled()).containsExactly(blurry.cond().pooled());
        assertThat(negative.cond().states()).containsExactly(empty.cond().states());

        assertThat(prompts(engine).encode("a lighthouse", "", false).uncond()).isNull();

        try (ImageEngine encodes = TestModels.open(TinyModelSpec.sdxl().toBuilder().forceZerosForEmptyPrompt(false)
                .build())) {
            EncodedPrompts encoded = prompts(encodes).encode("a lighthouse", "", true);
            EncodedPrompts nothing = prompts(encodes).encode("", "", false);
            assertThat(allZero(encoded.uncond().states())).isFalse();
            assertThat(encoded.uncond().states()).containsExactly(nothing.cond().states());
            assertThat(encoded.uncond().pooled()).containsExactly(nothing.cond().pooled());
        }
    }

    @Test
    void aModelIndexWithoutTheKeyForcesZerosAsDiffusersDefaults() throws InferenceException {
        try (ImageEngine absent = TestModels.open(TinyModelSpec.sdxl().toBuilder().forceZerosForEmptyPrompt(null)
                .build())) {
            assertThat(allZero(prompts(absent).encode("a lighthouse", "", true).uncond().states())).isTrue();
        }
    }

    @Test
    void timeIdsAreOriginalSizeCropAndTargetSizeAsHeightWidthPairs() {
        GenerationRequest plain = small("a cat").build();
        assertThat(DiffusionPipeline.timeIds(plain, 768, 512)).containsExactly(512, 768, 0, 0, 512, 768);
        GenerationRequest original = small("a cat").originalSize(2048, 1536).build();
        assertThat(DiffusionPipeline.timeIds(original, 768, 512)).containsExactly(1536, 2048, 0, 0, 512, 768);
        GenerationRequest cropped = small("a cat").originalSize(2048, 1536).crop(64, 32).build();
        assertThat(DiffusionPipeline.timeIds(cropped, 768, 512)).containsExactly(1536, 2048, 32, 64, 512, 768);
    }

    @Test
    void originalSizeAndCropChangeThePictureAndAreKeptForReruns() {
        BufferedImage plain = engine.generate(small("a cat").build()).images().get(0).image();
        GenerationResult sized = engine.generate(small("a cat").originalSize(2048, 2048).build());
        GenerationResult cropped = engine.generate(small("a cat").crop(0, 256).build());
        assertThat(ImageEngineTest.meanAbsoluteDifference(plain, sized.images().get(0).image())).isGreaterThan(0.5);
        assertThat(ImageEngineTest.meanAbsoluteDifference(plain, cropped.images().get(0).image())).isGreaterThan(0.5);
        assertThat(sized.request().originalWidth()).isEqualTo(2048);
        assertThat(cropped.request().cropY()).isEqualTo(256);
        assertThat(plain.getWidth()).isEqualTo(512);

        BufferedImage again = engine.generate(sized.request()).images().get(0).image();
        assertThat(ImageEngineTest.pixelHash(again)).isEqualTo(ImageEngineTest.pixelHash(sized.images().get(0).image()));
        assertThat(sized.images().get(0).parameters()).contains("Original size: 2048x2048");
        assertThat(cropped.images().get(0).parameters()).contains("Crop left: 0, Crop top: 256");
    }

    @ParameterizedTest
    @EnumSource(SamplerKind.class)
    void everySamplerRunsTextAndImageToImage(SamplerKind sampler) {
        GenerationResult text = engine.generate(small("a red fox").sampler(sampler).build());
        BufferedImage image = text.images().get(0).image();
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(ImageEngineTest.distinctColours(image)).isGreaterThan(10);

        GenerationResult fromImage = engine.generate(small("a red fox").sampler(sampler).steps(4).width(null)
                .height(null).initImage(ImageEngineTest.gradient(600, 520)).strength(0.5).build());
        assertThat(fromImage.request().width()).isEqualTo(600);
        assertThat(fromImage.request().height()).isEqualTo(520);
        assertThat(fromImage.timings().steps()).isGreaterThan(0);
        assertThat(ImageEngineTest.distinctColours(fromImage.images().get(0).image())).isGreaterThan(10);
    }

    @Test
    void aSmallInitImageIsScaledUpToSdxlsMinimum() {
        GenerationResult result = engine.generate(GenerationRequest.builder("a fox").steps(2).seed(1L)
                .initImage(ImageEngineTest.gradient(256, 128)).strength(0.6).build());
        assertThat(result.request().height()).isEqualTo(512);
        assertThat(result.request().width()).isEqualTo(1024);
    }

    @Test
    void aBatchGivesTheSameImagesAsSingleRunsWithVariationsAndHires() {
        GenerationRequest batch = small("a lighthouse").negativePrompt("fog").count(2).subseed(9L)
                .subseedStrength(0.4).upscale(1.5).steps(3).build();
        GenerationResult both = engine.generate(batch);
        assertThat(both.images()).hasSize(2);
        assertThat(both.images().get(0).image().getWidth()).isEqualTo(768);
        GenerationResult second = engine.generate(batch.toBuilder().count(1).seed(43L).subseed(10L).build());
        assertThat(ImageEngineTest.pixelHash(both.images().get(1).image()))
                .isEqualTo(ImageEngineTest.pixelHash(second.images().get(0).image()));
    }

    @Test
    void fp16AndFp32ExportsGiveNearlyTheSamePicture() {
        BufferedImage full = engine.generate(small("a castle").build()).images().get(0).image();
        try (ImageEngine half = TestModels.open(TinyModelSpec.sdxl().toBuilder()
                .precision(TinyModelSpec.Precision.FP16).build())) {
            assertThat(half.model().precision()).isEqualTo("fp16");
            BufferedImage image = half.generate(small("a castle").build()).images().get(0).image();
            assertThat(ImageEngineTest.meanAbsoluteDifference(full, image)).isLessThan(2.0);
        }
    }

    @Test
    void aUnetWithExternalWeightsGivesTheSamePicture() {
        BufferedImage inline = engine.generate(small("a castle").steps(2).build()).images().get(0).image();
        TinyModelSpec spec = TinyModelSpec.sdxl().toBuilder()
                .externalWeights(TinyModelSpec.ExternalWeights.ONNX_DATA).build();
        assertThat(TestModels.folder(spec).resolve("unet/model.onnx_data")).isRegularFile();
        try (ImageEngine external = TestModels.open(spec)) {
            BufferedImage image = external.generate(small("a castle").steps(2).build()).images().get(0).image();
            assertThat(ImageEngineTest.pixelHash(image)).isEqualTo(ImageEngineTest.pixelHash(inline));
        }
    }

    @Test
    void olderExportsWithInt32IdsAndInt64TimestepGiveTheSamePicture() {
        TinyModelSpec older = TinyModelSpec.sdxl().toBuilder().idsType(TinyModelSpec.IdsType.INT32)
                .timestep(TinyModelSpec.Timestep.INT64_BATCH).build();
        try (ImageEngine engineOld = TestModels.open(older)) {
            for (SamplerKind sampler : List.of(SamplerKind.DDIM, SamplerKind.EULER_ANCESTRAL)) {
                BufferedImage current = engine.generate(small("a castle").sampler(sampler).build()).images().get(0)
                        .image();
                BufferedImage image = engineOld.generate(small("a castle").sampler(sampler).build()).images().get(0)
                        .image();
                // Integer timesteps (DDIM) give identical pictures; Euler's fractional ones are truncated as numpy does.
                assertThat(ImageEngineTest.meanAbsoluteDifference(current, image)).isLessThan(3.0);
            }
        }
    }
}
