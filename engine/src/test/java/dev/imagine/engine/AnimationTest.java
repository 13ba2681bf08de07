package dev.imagine.engine;

import static dev.imagine.engine.ImageEngineTest.pixelHash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.image.PngCodec;
import dev.imagine.engine.testmodel.TinyModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Prompt and seed travel on the tiny model: the frames are the generations the definition names. */
class AnimationTest {
    private static final String A = "a harbour at dawn";
    private static final String B = "a forest in the snow";
    private static ImageEngine engine;

    @BeforeAll
    static void open() {
        engine = TestModels.open(TinyModelSpec.tiny());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest settings(SamplerKind sampler) {
        return GenerationRequest.builder("").size(64, 64).steps(4).sampler(sampler).negativePrompt("blurry").build();
    }

    private static AnimationRequest travel(SamplerKind sampler, int frames, Keyframe... keyframes) {
        return new AnimationRequest(List.of(keyframes), frames, Ease.LINEAR, false, 8, settings(sampler));
    }

    private static String single(SamplerKind sampler, String prompt, long seed) {
        return pixelHash(engine.generate(settings(sampler).toBuilder().prompt(prompt).seed(seed).build())
                .images().get(0).image());
    }

    @ParameterizedTest
    @EnumSource(value = SamplerKind.class, names = {"DDIM", "EULER"})
    void theFirstFrameIsAAndTheLastIsBExactly(SamplerKind sampler) {
        AnimationResult result = engine.animate(travel(sampler, 3, new Keyframe(A, 11L), new Keyframe(B, 22L)),
                AnimationListener.NONE, new CancellationToken());

        assertThat(result.frames()).hasSize(3);
        assertThat(pixelHash(result.frames().get(0).image())).isEqualTo(single(sampler, A, 11));
        assertThat(pixelHash(result.frames().get(2).image())).isEqualTo(single(sampler, B, 22));
        assertThat(pixelHash(result.frames().get(1).image())).isNotEqualTo(single(sampler, A, 11))
                .isNotEqualTo(single(sampler, B, 22));
    }

    @Test
    void aMiddleFrameIsTheGenerationWithLerpedConditioningAndTheVariationSeedAtT() throws Exception {
        AnimationResult result = engine.animate(travel(SamplerKind.DDIM, 4, new Keyframe(A, 11L), new Keyframe(B, 22L)),
                AnimationListener.NONE, new CancellationToken());

        DiffusionPipeline pipeline = ((OnnxImageEngine) engine).pipeline();
        GenerationRequest resolved = pipeline.resolve(settings(SamplerKind.DDIM).toBuilder().seed(11L).build());
        PromptConditioning.Side condA = pipeline.conditioning(resolved, A).cond();
        PromptConditioning.Side condB = pipeline.conditioning(resolved, B).cond();
        float t = (float) (1 / 3.0);
        float[] a = condA.statesAt(0);
        float[] b = condB.statesAt(0);
        float[] states = new float[a.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = (1f - t) * a[i] + t * b[i];
        }
        PromptConditioning.Side lerped = new PromptConditioning.Side(condA.tokens(), List.of(states), null,
                condA.usage(), null);
        var expected = pipeline.generateRows(resolved, pipeline.conditioning(resolved, A).uncond(),
                List.of(new DiffusionPipeline.Row(11, 22L, t, lerped)), ProgressListener.NONE, new CancellationToken());

        assertThat(pixelHash(result.frames().get(1).image())).isEqualTo(pixelHash(expected.get(0).image()));
        assertThat(PngCodec.readPngText(result.frames().get(1).png()).get("parameters"))
                .startsWith(A + "\nNegative prompt: blurry\n")
                .contains("Seed: 11", "Variation seed: 22", "Variation seed strength: 0.3333333333333333",
                        "Animation frame: 2/4", "Travel to: " + B, "Travel fraction: 0.333333");
    }

    @Test
    void seedOnlyTravelKeepsThePromptAndEndsAtTheSecondSeed() {
        AnimationResult result = engine.animate(travel(SamplerKind.DDIM, 3, new Keyframe(A, 5L), new Keyframe(A, 6L)),
                AnimationListener.NONE, new CancellationToken());

        assertThat(pixelHash(result.frames().get(0).image())).isEqualTo(single(SamplerKind.DDIM, A, 5));
        assertThat(pixelHash(result.frames().get(2).image())).isEqualTo(single(SamplerKind.DDIM, A, 6));
    }

    @Test
    void promptOnlyTravelKeepsTheSeedAKeyframeLeftWithout() {
        AnimationResult result = engine.animate(travel(SamplerKind.DDIM, 3, new Keyframe(A, 5L), new Keyframe(B, null)),
                AnimationListener.NONE, new CancellationToken());

        assertThat(result.request().keyframes()).containsExactly(new Keyframe(A, 5L), new Keyframe(B, 5L));
        assertThat(pixelHash(result.frames().get(2).image())).isEqualTo(single(SamplerKind.DDIM, B, 5));
        assertThat(result.frames()).extracting(GeneratedImage::seed).containsOnly(5L);
    }

    @Test
    void framesRunInBatchesOfEightAndTheResolvedRequestRerunsThemExactly() {
        List<AnimationProgress> seen = new ArrayList<>();
        AnimationRequest request = new AnimationRequest(List.of(new Keyframe(A, null), new Keyframe(B, 3L)), 10,
                Ease.SMOOTH, false, 8, GenerationRequest.builder("").size(64, 64).steps(2)
                        .sampler(SamplerKind.EULER).build());

        AnimationResult result = engine.animate(request, seen::add, new CancellationToken());

        assertThat(result.batches()).isEqualTo(2);
        assertThat(seen).extracting(p -> p.firstFrame() + "-" + p.lastFrame() + "/" + p.totalFrames() + " "
                + p.step() + "/" + p.totalSteps())
                .containsExactly("1-8/10 1/2", "1-8/10 2/2", "9-10/10 1/2", "9-10/10 2/2");
        assertThat(seen.get(3).percent()).isEqualTo(100);
        assertThat(result.request().keyframes().get(0).seed()).isNotNull();
        AnimationResult again = engine.animate(result.request(), AnimationListener.NONE, new CancellationToken());
        for (int i = 0; i < 10; i++) {
            assertThat(again.frames().get(i).png()).as("frame %d", i).isEqualTo(result.frames().get(i).png());
        }
    }

    @Test
    void onSdxlThePooledEmbeddingTravelsTooAndTheEndsAreExact() {
        try (ImageEngine sdxl = TestModels.open(TinyModelSpec.sdxl())) {
            GenerationRequest settings = GenerationRequest.builder("").size(512, 512).steps(2)
                    .sampler(SamplerKind.EULER).build();
            AnimationResult result = sdxl.animate(new AnimationRequest(List.of(new Keyframe(A, 11L),
                    new Keyframe(B, 22L)), 3, Ease.LINEAR, false, 8, settings), AnimationListener.NONE,
                    new CancellationToken());

            assertThat(pixelHash(result.frames().get(0).image())).isEqualTo(pixelHash(sdxl.generate(
                    settings.toBuilder().prompt(A).seed(11L).build()).images().get(0).image()));
            assertThat(pixelHash(result.frames().get(2).image())).isEqualTo(pixelHash(sdxl.generate(
                    settings.toBuilder().prompt(B).seed(22L).build()).images().get(0).image()));
        }
    }

    @Test
    void keyframesAreReadWithThePromptSyntaxAndLongerPromptsRunInTheirOwnBatch() {
        String edited = "a [harbour:forest:0.5] at (dawn:1.3)";
        String longer = "a very detailed painting of a quiet harbour town ".repeat(12) + "with a purple elephant";
        GenerationRequest a1111 = settings(SamplerKind.DDIM).toBuilder().promptSyntax(PromptSyntax.A1111).build();
        AnimationRequest request = new AnimationRequest(List.of(new Keyframe(edited, 11L), new Keyframe(B, 22L),
                new Keyframe(longer, 33L)), 3, Ease.LINEAR, false, 8, a1111);

        AnimationResult result = engine.animate(request, AnimationListener.NONE, new CancellationToken());

        assertThat(result.frames()).hasSize(5);
        assertThat(result.batches()).as("77-token frames, then 154-token frames").isEqualTo(2);
        assertThat(pixelHash(result.frames().get(0).image())).isEqualTo(pixelHash(engine.generate(a1111.toBuilder()
                .prompt(edited).seed(11L).build()).images().get(0).image()));
        assertThat(pixelHash(result.frames().get(4).image())).isEqualTo(pixelHash(engine.generate(a1111.toBuilder()
                .prompt(longer).seed(33L).build()).images().get(0).image()));
    }

    @Test
    void aCancelledAnimationStopsWithTheReason() {
        CancellationToken token = new CancellationToken();
        token.cancel("stopped by the user");
        assertThatThrownBy(() -> engine.animate(travel(SamplerKind.DDIM, 3, new Keyframe(A, 1L),
                new Keyframe(B, 2L)), AnimationListener.NONE, token))
                .isInstanceOf(EngineException.class).hasMessageContaining("stopped by the user");
    }
}
