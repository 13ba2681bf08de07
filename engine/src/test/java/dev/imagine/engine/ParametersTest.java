package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The whole {@code parameters} text, field by field in A1111's order, written out here by hand. */
class ParametersTest {
    private static ModelInfo model(String name) {
        return new ModelInfo(name, Path.of("m"), "StableDiffusionPipeline", ModelFamily.SD1, "epsilon", 768, "int32",
                "sample", false, 0, true, SamplerKind.EULER_ANCESTRAL, 20, 7.5, 512, 512, "f00d", "cpu");
    }

    @Test
    void aPlainJobHasTheCoreFieldsAndNoNegativeLine() {
        GenerationRequest job = GenerationRequest.builder("a fox").seed(42L).sampler(SamplerKind.EULER_ANCESTRAL)
                .steps(20).guidance(7.5).size(512, 512).build();
        assertThat(Parameters.describe(job, 42, model("tiny"))).isEqualTo("a fox\n"
                + "Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model: tiny, "
                + "Model fingerprint: f00d, Version: imagine");
    }

    @Test
    void everyOptionalFieldInItsPlaceAndValuesWithCommasQuoted() {
        GenerationRequest job = GenerationRequest.builder("a fox\n").negativePrompt("blurry").seed(7L)
                .sampler(SamplerKind.DDIM).steps(30).guidance(5.0).size(512, 768).subseed(100L).subseedStrength(0.25)
                .originalSize(1024, 1536).crop(0, 64).initImage(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB))
                .strength(0.6).upscale(1.5).hiresStrength(0.35).build();
        assertThat(Parameters.describe(job, 9, model("my, model"))).isEqualTo("a fox\n\n"
                + "Negative prompt: blurry\n"
                + "Steps: 30, Sampler: DDIM, CFG scale: 5.0, Seed: 9, Size: 512x768, Variation seed: 102, "
                + "Variation seed strength: 0.25, Original size: 1024x1536, Crop left: 0, Crop top: 64, "
                + "Model: \"my, model\", Model fingerprint: f00d, Denoising strength: 0.6, Hires upscale: 1.5, "
                + "Hires upscaler: Lanczos, Hires denoising strength: 0.35, Version: imagine");
    }
}
