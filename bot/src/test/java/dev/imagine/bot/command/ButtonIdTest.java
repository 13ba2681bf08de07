package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Button ids: the documented form, round trips, strict parsing and the platforms' length limits. */
class ButtonIdTest {

    @Test
    void encodesTheDocumentedForm() {
        assertThat(ButtonId.of(ButtonAction.REROLL, 12345).encode()).isEqualTo("im:rr:12345");
        assertThat(ButtonId.of(ButtonAction.RERUN, 12345).encode()).isEqualTo("im:ru:12345");
        assertThat(ButtonId.of(ButtonAction.VARY, 12345, 2).encode()).isEqualTo("im:va:12345:2");
        assertThat(ButtonId.of(ButtonAction.UPSCALE, 12345, 2).encode()).isEqualTo("im:up:12345:2");
        assertThat(ButtonId.of(ButtonAction.DELETE, 12345).encode()).isEqualTo("im:dl:12345");
        assertThat(ButtonId.of(ButtonAction.CANCEL, 12345).encode()).isEqualTo("im:cx:12345");
        assertThat(ButtonId.of(ButtonAction.PNG, 12345, 0).encode()).isEqualTo("im:png:12345:0");
    }

    @ParameterizedTest
    @EnumSource(ButtonAction.class)
    void everyActionRoundTripsAndFitsTelegramsSixtyFourBytesWithTheLargestId(ButtonAction action) {
        ButtonId id = action.perImage() ? ButtonId.of(action, Long.MAX_VALUE, 7) : ButtonId.of(action, Long.MAX_VALUE);

        String encoded = id.encode();

        assertThat(ButtonId.parse(encoded)).contains(id);
        assertThat(encoded.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
        assertThat(encoded.length()).isLessThanOrEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "rr:12", "im:rr:", "im:rr:abc", "im:rr:0", "im:rr:012", "im:rr:12:1", "im:va:12",
        "im:va:12:8", "im:va:12:-1", "im:xx:12", "IM:RR:12", " im:rr:12", "im:rr:12 ", "im:rr:99999999999999999999",
        "im:rr:12:", "other-bot:reroll:12", "im:png:12:10"})
    void malformedOrForeignIdsAreNotOurs(String id) {
        assertThat(ButtonId.parse(id)).isEmpty();
    }

    @Test
    void nullAndOverlongIdsAreNotOurs() {
        assertThat(ButtonId.parse(null)).isEmpty();
        assertThat(ButtonId.parse("im:rr:" + "1".repeat(70))).isEmpty();
    }

    @Test
    void labelsCountPicturesFromOne() {
        assertThat(ButtonId.of(ButtonAction.VARY, 5, 0).label()).isEqualTo("Vary 1");
        assertThat(ButtonId.of(ButtonAction.REROLL, 5).label()).isEqualTo("Re-roll");
    }

    @Test
    void theButtonSetsCarryTheGeneration() {
        assertThat(ButtonId.forResult(9)).extracting(ButtonId::encode)
                .containsExactly("im:rr:9", "im:ru:9", "im:dl:9");
        assertThat(ButtonId.forImage(9, 3)).extracting(ButtonId::encode)
                .containsExactly("im:va:9:3", "im:up:9:3", "im:png:9:3");
        assertThat(ButtonId.forQueued(9)).extracting(ButtonId::encode).containsExactly("im:cx:9");
    }

    @Test
    void invalidButtonsCannotBeBuilt() {
        assertThatThrownBy(() -> ButtonId.of(ButtonAction.VARY, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ButtonId.of(ButtonAction.REROLL, 5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ButtonId.of(ButtonAction.REROLL, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ButtonId.of(ButtonAction.PNG, 5, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
