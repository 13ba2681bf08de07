package dev.imagine.bot.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bot's test engine resolves requests exactly as the real engine does, on the tiny demo model. */
class FakeEngineTest {
    @TempDir
    Path dir;

    @Test
    void resolvesEachRequestToTheSameRequestAsTheRealEngine() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        EngineOptions options = EngineOptions.defaults().withMaxSide(256);
        BufferedImage wide = new BufferedImage(300, 120, BufferedImage.TYPE_INT_RGB);
        List<GenerationRequest> requests = List.of(
                GenerationRequest.builder("the model's 512 x 512 is over the maximum").seed(7L).steps(2).build(),
                GenerationRequest.builder("defaults but the size").seed(7L).size(64, 64).build(),
                GenerationRequest.builder("set").seed(8L).sampler(SamplerKind.DDIM).steps(2).guidance(3.0)
                        .size(64, 128).count(2).promptSyntax(PromptSyntax.PLAIN).build(),
                GenerationRequest.builder("img2img, size from the picture").seed(9L).steps(2).initImage(wide).build(),
                GenerationRequest.builder("img2img, width given").seed(9L).steps(2).initImage(wide).width(128)
                        .strength(0.5).build(),
                GenerationRequest.builder("variation").seed(10L).steps(2).subseed(3L).subseedStrength(0.25).build(),
                GenerationRequest.builder("a variation seed without strength").seed(11L).steps(2).subseed(5L)
                        .build(),
                GenerationRequest.builder("hires").seed(12L).steps(2).size(64, 64).upscale(1.5).build());
        try (ImageEngine real = ImageEngine.open(dir.resolve("model"), options)) {
            FakeEngine fake = new FakeEngine(real.model(), options);
            for (GenerationRequest request : requests) {
                assertThat(outcome(fake, request)).as(request.prompt()).isEqualTo(outcome(real, request));
            }
        }
    }

    /** The resolved request, or the sentence the engine refused it with. */
    private static Object outcome(ImageEngine engine, GenerationRequest request) {
        try {
            return engine.generate(request).request();
        } catch (EngineException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }

    @Test
    void drawsMissingSeedsFromACounterAndRefusesWhatTheRealEngineRefuses() {
        FakeEngine fake = new FakeEngine();
        GenerationRequest resolved = fake.generate(GenerationRequest.builder("a fox").count(2).build()).request();
        assertThat(resolved.seed()).isEqualTo(FakeEngine.FIRST_RANDOM_SEED);
        assertThat(resolved.steps()).isEqualTo(FakeEngine.MODEL.defaultSteps());
        assertThat(resolved.sampler()).isEqualTo(FakeEngine.MODEL.defaultSampler());
        assertThat(fake.generate(GenerationRequest.builder("next").build()).request().seed())
                .isEqualTo(FakeEngine.FIRST_RANDOM_SEED + 2);
        assertThatThrownBy(() -> fake.generate(GenerationRequest.builder("too big").size(2048, 2048).upscale(2.0)
                .build())).isInstanceOf(EngineException.class).hasMessageContaining("over this server's maximum");
    }
}
