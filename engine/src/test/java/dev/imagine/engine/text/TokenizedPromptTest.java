package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenizedPromptTest {

    @Test
    void keepsItsOwnCopyOfTheIds() {
        int[] ids = {1, 10, 2, 0};
        TokenizedPrompt prompt = new TokenizedPrompt(ids, 1, "");

        ids[1] = 99;
        prompt.ids()[1] = 98;

        assertThat(prompt.ids()).containsExactly(1, 10, 2, 0);
    }

    @Test
    void comparesByContent() {
        assertThat(new TokenizedPrompt(new int[] {1, 2}, 0, "")).isEqualTo(new TokenizedPrompt(new int[] {1, 2}, 0, ""))
                .hasSameHashCodeAs(new TokenizedPrompt(new int[] {1, 2}, 0, ""))
                .isNotEqualTo(new TokenizedPrompt(new int[] {1, 3}, 0, ""));
    }

    @Test
    void countsKeptAndDroppedTokens() {
        TokenizedPrompt cut = new TokenizedPrompt(new int[] {1, 10, 11, 2}, 5, "three more");

        assertThat(cut.truncated()).isTrue();
        assertThat(cut.keptTokenCount()).isEqualTo(2);
        assertThat(new TokenizedPrompt(new int[] {1, 10, 2, 0}, 1, "").truncated()).isFalse();
    }

    @Test
    void rejectsImpossibleValues() {
        assertThatThrownBy(() -> new TokenizedPrompt(new int[] {1}, 0, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start and end");
        assertThatThrownBy(() -> new TokenizedPrompt(new int[] {1, 2}, -1, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> new TokenizedPrompt(new int[] {1, 10, 2}, 1, "ghost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("droppedText");
        assertThatThrownBy(() -> new TokenizedPrompt(null, 0, "")).isInstanceOf(NullPointerException.class);
    }
}
