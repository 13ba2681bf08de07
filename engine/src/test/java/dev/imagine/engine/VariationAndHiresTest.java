package dev.imagine.engine;

import static dev.imagine.engine.ImageEngineTest.meanAbsoluteDifference;
import static dev.imagine.engine.ImageEngineTest.pixelHash;
import static dev.imagine.engine.ImageEngineTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.engine.image.PngCodec;
import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.testmodel.TinyModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Variation seeds (A1111's subseed) and the hires upscale pass. */
class VariationAndHiresTest {
    private static ImageEngine engine;

    @BeforeAll
    static void open() {
        engine = TestModels.open(TinyModelSpec.tiny());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest.Builder ddim() {
        return GenerationRequest.builder("a harbour").size(64, 64).steps(6).seed(1L).sampler(SamplerKind.DDIM);
    }

    @Test
    void fullVariationStrengthIsTheSubseedsOwnImage() {
        String varied = pixelHash(engine.generate(ddim().subseed(2L).subseedStrength(1.0).build()).images().get(0).image());
        String seedTwo = pixelHash(engine.generate(ddim().seed(2L).build()).images().get(0).image());
        assertThat(varied).isEqualTo(seedTwo);
    }

    @Test
    void smallVariationStaysCloseAndIsReproducible() {
        GenerationResult base = engine.generate(ddim().build());
        GenerationResult little = engine.generate(ddim().subseed(77L).subseedStrength(0.1).build());
        GenerationResult again = engine.generate(ddim().subseed(77L).subseedStrength(0.1).build());
        GenerationResult other = engine.generate(ddim().seed(77L).build());
        assertThat(sha256(again.images().get(0).png())).isEqualTo(sha256(little.images().get(0).png()));
        double near = meanAbsoluteDifference(base.images().get(0).image(), little.images().get(0).image());
        double far = meanAbsoluteDifference(base.images().get(0).image(), other.images().get(0).image());
        assertThat(near).isGreaterThan(0).isLessThan(far / 2);
        assertThat(PngCodec.readPngText(little.images().get(0).png()).get("parameters"))
                .contains("Variation seed: 77, Variation seed strength: 0.1");
    }

    @Test
    void zeroVariationStrengthIsNoVariationAndARandomSubseedIsRecorded() {
        GenerationResult none = engine.generate(ddim().subseed(5L).subseedStrength(0.0).build());
        assertThat(none.request().subseed()).isNull();
        assertThat(pixelHash(none.images().get(0).image()))
                .isEqualTo(pixelHash(engine.generate(ddim().build()).images().get(0).image()));

        GenerationResult random = engine.generate(ddim().subseedStrength(0.3).build());
        assertThat(random.request().subseed()).isNotNull();
        assertThat(sha256(engine.generate(random.request()).images().get(0).png()))
                .isEqualTo(sha256(random.images().get(0).png()));
    }

    @Test
    void slerpFollowsAutomatic1111() {
        int c = 4;
        int h = 8;
        int w = 8;
        float[] low = new TorchGenerator(1).randn(c * h * w);
        float[] high = new TorchGenerator(2).randn(c * h * w);
        assertThat(VariationNoise.slerp(0f, low, high, c, h, w)).containsExactly(low, within(1e-6f));
        assertThat(VariationNoise.slerp(1f, low, high, c, h, w)).containsExactly(high, within(1e-6f));
        // Halfway, each (channel, column) vector along the height keeps about the norm of its ends (a slerp, not a lerp).
        float[] half = VariationNoise.slerp(0.5f, low, high, c, h, w);
        double lerpNorm = 0;
        double slerpNorm = 0;
        double endNorm = 0;
        for (int i = 0; i < low.length; i++) {
            double mid = 0.5 * (low[i] + high[i]);
            lerpNorm += mid * mid;
            slerpNorm += half[i] * half[i];
            endNorm += 0.5 * (low[i] * low[i] + high[i] * high[i]);
        }
        assertThat(slerpNorm).isCloseTo(endNorm, within(endNorm * 0.2));
        assertThat(slerpNorm).isGreaterThan(lerpNorm * 1.3);
        // Identical noises take A1111's lerp branch: low * s + high * (1 - s) is the noise itself.
        assertThat(VariationNoise.slerp(0.3f, low, low.clone(), c, h, w)).containsExactly(low, within(1e-5f));
    }

    @Test
    void hiresUpscaleDoublesTheSizeCountsBothPassesAndIsReproducible() {
        List<Progress> seen = new ArrayList<>();
        GenerationRequest request = ddim().size(72, 64).steps(10).upscale(2.0).build();
        GenerationResult result = engine.generate(request, seen::add, new CancellationToken());
        assertThat(result.images().get(0).image().getWidth()).isEqualTo(144);
        assertThat(result.images().get(0).image().getHeight()).isEqualTo(128);
        assertThat(result.request().hiresStrength()).isEqualTo(0.35);
        // 10 base steps, then int(10 * 0.35) = 3 hires steps.
        assertThat(seen).hasSize(13);
        assertThat(seen.get(12).totalSteps()).isEqualTo(13);
        assertThat(sha256(engine.generate(result.request()).images().get(0).png()))
                .isEqualTo(sha256(result.images().get(0).png()));
        assertThat(PngCodec.readPngText(result.images().get(0).png()).get("parameters"))
                .contains("Size: 72x64").contains("Hires upscale: 2.0, Hires upscaler: Lanczos, Hires denoising strength: 0.35");
    }

    @Test
    void hiresKeepsTheCompositionOfTheBaseImage() {
        GenerationResult base = engine.generate(ddim().size(64, 64).steps(10).build());
        GenerationResult hires = engine.generate(ddim().size(64, 64).steps(10).upscale(2.0).hiresStrength(0.2).build());
        java.awt.image.BufferedImage shrunk = dev.imagine.engine.image.ImageResizer.resizeLanczos(
                hires.images().get(0).image(), 64, 64);
        GenerationResult unrelated = engine.generate(ddim().seed(999L).size(64, 64).steps(10).build());
        double same = meanAbsoluteDifference(base.images().get(0).image(), shrunk);
        double different = meanAbsoluteDifference(unrelated.images().get(0).image(), shrunk);
        assertThat(same).isLessThan(different / 2);
    }

    @Test
    void sizesOverTheConfiguredMaximumAreRefused() {
        try (ImageEngine small = ImageEngine.open(TestModels.folder(TinyModelSpec.tiny()),
                new EngineOptions(ExecutionDevice.cpu(), 1, 1, null, 256))) {
            assertThatThrownBy(() -> small.generate(ddim().size(192, 128).upscale(2.0).build()))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessage("upscaling 192x128 by 2.0 gives 384x256, over this server's maximum of 256 pixels per "
                            + "side; use a smaller upscale or size");
            assertThatThrownBy(() -> small.generate(ddim().size(512, 64).build()))
                    .hasMessage("512x64 is over this server's maximum of 256 pixels per side");
            assertThat(small.generate(ddim().size(128, 128).upscale(2.0).build()).images().get(0).image().getWidth())
                    .isEqualTo(256);
        }
    }
}
