package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values by name: set, unset, merged, compared and round-tripped through their plain form and a request. */
class RequestValuesTest {
    @Test
    void valuesAreKeptInComponentOrderWhateverOrderTheyAreSetIn() {
        RequestValues values = RequestValues.NONE.with("steps", 20).with("prompt", "a fox").with("seed", 5L);
        assertThat(values.asMap()).containsExactly(Map.entry("prompt", "a fox"), Map.entry("seed", 5L),
                Map.entry("steps", 20));
        assertThat(values.has("seed")).isTrue();
        assertThat(values.has("guidance")).isFalse();
        assertThat(values.get("steps", Integer.class)).isEqualTo(20);
        assertThat(values.get("guidance", Double.class)).isNull();
        assertThat(values.with("seed", null).asMap()).doesNotContainKey("seed");
        assertThat(RequestValues.NONE.isEmpty()).isTrue();
        assertThat(values.isEmpty()).isFalse();
        assertThat(values.with("prompt", null).with("seed", null).with("steps", null).isEmpty()).isTrue();
    }

    @Test
    void settingLeavesTheOriginalAsItWas() {
        RequestValues before = RequestValues.NONE.with("steps", 20);
        RequestValues after = before.with("steps", 30);
        assertThat(before.get("steps", Integer.class)).isEqualTo(20);
        assertThat(after.get("steps", Integer.class)).isEqualTo(30);
    }

    @Test
    void onlyKeepsTheNamedValuesAndOrElseFillsTheGapsFromTheFallback() {
        RequestValues mine = RequestValues.NONE.with("steps", 20).with("seed", 5L);
        RequestValues saved = RequestValues.NONE.with("steps", 40).with("guidance", 3.0);
        assertThat(mine.only(List.of("seed", "guidance")).asMap()).containsExactly(Map.entry("seed", 5L));
        assertThat(mine.orElse(saved).asMap()).containsExactly(Map.entry("seed", 5L), Map.entry("steps", 20),
                Map.entry("guidance", 3.0));
    }

    @Test
    void equalValuesAreEqualAndHashAlike() {
        RequestValues a = RequestValues.NONE.with("steps", 20).with("seed", 5L);
        RequestValues b = RequestValues.NONE.with("seed", 5L).with("steps", 20);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(b.with("seed", 6L));
        assertThat(a.toString()).isEqualTo("RequestValues{seed=5, steps=20}");
    }

    @Test
    void aRequestRoundTripsThroughItsValuesAndTheirPlainForm() {
        GenerationRequest request = GenerationRequest.builder("a fox").negativePrompt("dog").seed(7L)
                .sampler(SamplerKind.DPMPP_2M_KARRAS).steps(12).guidance(4.5).size(640, 384).count(2)
                .subseed(9L).subseedStrength(0.3).upscale(2.0).hiresStrength(0.4).promptSyntax(PromptSyntax.PLAIN)
                .build();
        RequestValues values = RequestValues.of(request);
        assertThat(values.toRequest(null)).isEqualTo(request);
        Map<String, Object> plain = values.toPlain();
        assertThat(plain.get("sampler")).isEqualTo(SamplerKind.DPMPP_2M_KARRAS.id());
        assertThat(RequestValues.fromPlain(plain)).isEqualTo(values);
        assertThat(request.toBuilder().build()).isEqualTo(request);
    }

    @Test
    void unknownNamesAndWrongTypesAreRefusedWithTheName() {
        assertThatThrownBy(() -> RequestValues.NONE.with("cfg", 7.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no generation parameter is called 'cfg'");
        assertThatThrownBy(() -> RequestValues.NONE.with("steps", "20"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps takes a Integer, not a String");
        assertThatThrownBy(() -> RequestValues.NONE.has("cfg")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestValues.fromPlain(Map.of("cfg", 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no generation parameter is called 'cfg'");
        assertThatThrownBy(() -> RequestValues.fromPlain(Map.of("steps", 2.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps takes a Integer, not '2.5'");
    }
}
