package dev.imagine.engine.text;

import java.util.Arrays;
import java.util.Objects;

/**
 * A prompt encoded for the CLIP text encoder.
 *
 * @param ids exactly the tokenizer's maximum length (77 for Stable Diffusion): start token, at most
 *     length - 2 prompt tokens, end token, then pad tokens; the record keeps its own copy
 * @param promptTokenCount how many prompt tokens the text had before it was cut to fit
 * @param droppedText the words that lost tokens to the cut, decoded and lower-cased as CLIP saw them, for
 *     telling the user what was ignored; a word cut in the middle is reported whole; empty when nothing
 *     was cut
 */
public record TokenizedPrompt(int[] ids, int promptTokenCount, String droppedText) {

    /** Validates and copies {@code ids}. */
    public TokenizedPrompt {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(droppedText, "droppedText");
        if (ids.length < 2) {
            throw new IllegalArgumentException("a tokenized prompt needs room for the start and end tokens, got "
                    + ids.length + " ids");
        }
        if (promptTokenCount < 0) {
            throw new IllegalArgumentException("promptTokenCount must not be negative, got " + promptTokenCount);
        }
        if (promptTokenCount <= ids.length - 2 && !droppedText.isEmpty()) {
            throw new IllegalArgumentException("droppedText must be empty when all " + promptTokenCount
                    + " prompt tokens fit");
        }
        ids = ids.clone();
    }

    /** A copy of the ids. */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** Whether the prompt had more tokens than fit between the start and end tokens. */
    public boolean truncated() {
        return promptTokenCount > ids.length - 2;
    }

    /** How many prompt tokens made it into {@link #ids()}. */
    public int keptTokenCount() {
        return Math.min(promptTokenCount, ids.length - 2);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenizedPrompt that && promptTokenCount == that.promptTokenCount
                && Arrays.equals(ids, that.ids) && droppedText.equals(that.droppedText);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + promptTokenCount) + droppedText.hashCode();
    }

    @Override
    public String toString() {
        return "TokenizedPrompt[ids=" + Arrays.toString(ids) + ", promptTokenCount=" + promptTokenCount
                + ", droppedText=" + droppedText + "]";
    }
}
