package dev.imagine.engine;

import java.util.Objects;

/**
 * How much of a prompt the text encoder read.
 *
 * @param chunks 75-token chunks encoded (1 for a plain prompt)
 * @param tokens prompt tokens used, start, end and padding not counted (the most of any text of a schedule)
 * @param cutWords the words not used, as CLIP reads them (lower case); empty when nothing was cut
 * @param cutBecause why they were cut, e.g. "past CLIP's 75 tokens"; empty when nothing was cut
 */
public record PromptUsage(int chunks, int tokens, String cutWords, String cutBecause) {

    /** Checks the counts and requires the texts. */
    public PromptUsage {
        Objects.requireNonNull(cutWords, "cutWords");
        Objects.requireNonNull(cutBecause, "cutBecause");
        if (chunks < 1 || tokens < 0) {
            throw new IllegalArgumentException("a prompt has at least one chunk and no negative token count, got "
                    + chunks + " and " + tokens);
        }
    }

    /** Whether words were left out. */
    public boolean cut() {
        return !cutWords.isEmpty();
    }

    /** For example "2 chunks, 104 tokens" or "1 chunk, 12 tokens". */
    public String describe() {
        return chunks + (chunks == 1 ? " chunk, " : " chunks, ") + tokens + (tokens == 1 ? " token" : " tokens");
    }
}
