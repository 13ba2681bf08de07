package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An animation's parameters survive their plain (stored) form, every component of the records included. */
class AnimationValuesTest {

    @Test
    void everyParameterRoundTripsThroughThePlainForm() {
        AnimationRequest request = new AnimationRequest(List.of(new Keyframe("a harbour", 11L),
                new Keyframe("a forest", null), new Keyframe("a city (at night:1.2)", 33L)), 7, Ease.SMOOTH, true, 12,
                GenerationRequest.builder("").negativePrompt("blurry").steps(9).guidance(6.5).size(64, 72)
                        .sampler(SamplerKind.EULER).promptSyntax(PromptSyntax.A1111).build());

        Map<String, Object> plain = AnimationValues.toPlain(request);

        assertThat(plain).containsEntry("prompt", "a harbour").containsEntry("seed", 11L)
                .containsEntry("to1", "a forest").doesNotContainKey("toSeed1")
                .containsEntry("to2", "a city (at night:1.2)")
                .containsEntry("toSeed2", 33L).containsEntry("framesPerSegment", 7).containsEntry("ease", "smooth")
                .containsEntry("loop", true).containsEntry("fps", 12).containsEntry("steps", 9);
        assertThat(plain.values()).allMatch(v -> v instanceof String || v instanceof Number || v instanceof Boolean);
        assertThat(AnimationValues.fromPlain(plain)).isEqualTo(request);
    }

    @Test
    void aWrongValueIsNamed() {
        Map<String, Object> plain = new LinkedHashMap<>(AnimationValues.toPlain(new AnimationRequest(
                List.of(new Keyframe("a", 1L), new Keyframe("b", 2L)), 4, Ease.LINEAR, false, 8, null)));
        plain.put("fps", "fast");
        assertThatThrownBy(() -> AnimationValues.fromPlain(plain)).hasMessage("fps must be a whole number, got fast");
    }
}
