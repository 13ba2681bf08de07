package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which known key an unknown one probably meant. */
class KeySuggestionsTest {

    private static final List<String> ENGINE = List.of("model", "device", "threads", "max-side", "input-image", "cuda");

    @Test
    void otherSpellingsOfTheSameKey() {
        assertThat(KeySuggestions.closest("maxSide", ENGINE)).contains("max-side");
        assertThat(KeySuggestions.closest("max_side", ENGINE)).contains("max-side");
        assertThat(KeySuggestions.closest("Input Image", ENGINE)).contains("input-image");
    }

    @Test
    void typosAndSwappedLetters() {
        assertThat(KeySuggestions.closest("modle", ENGINE)).contains("model");
        assertThat(KeySuggestions.closest("devise", ENGINE)).contains("device");
        assertThat(KeySuggestions.closest("thread", ENGINE)).contains("threads");
    }

    @Test
    void thePrefixOfALongerKey() {
        assertThat(KeySuggestions.closest("input", ENGINE)).contains("input-image");
    }

    @Test
    void nothingWhenNothingIsClose() {
        assertThat(KeySuggestions.closest("colour", ENGINE)).isEmpty();
        assertThat(KeySuggestions.closest("gpu", ENGINE)).isEmpty();
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        // Optimal string alignment: "brust" -> "burst" swaps "ru"; "kitten" -> "sitting" is 3 edits.
        assertThat(KeySuggestions.editDistance("brust", "burst")).isEqualTo(1);
        assertThat(KeySuggestions.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(KeySuggestions.editDistance("", "abc")).isEqualTo(3);
    }
}
