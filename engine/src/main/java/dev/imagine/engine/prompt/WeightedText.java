package dev.imagine.engine.prompt;

import java.util.Objects;

/**
 * A run of prompt text with its emphasis multiplier, or a chunk break.
 *
 * @param text the text, escapes resolved ({@code \(} became {@code (})
 * @param weight the multiplier of every token of the run; {@value #BREAK_WEIGHT} marks a {@code BREAK}
 */
public record WeightedText(String text, double weight) {
    /** The weight AUTOMATIC1111 gives its {@code BREAK} marker. */
    public static final double BREAK_WEIGHT = -1;
    /** The word that starts a new chunk. */
    public static final String BREAK = "BREAK";

    /** Requires the text. */
    public WeightedText {
        Objects.requireNonNull(text, "text");
    }

    /**
     * Whether this run starts a new chunk. As in AUTOMATIC1111, a {@code BREAK} inside brackets has had its weight
     * multiplied and so is no longer a break: it is read as the word "BREAK".
     */
    public boolean isBreak() {
        return weight == BREAK_WEIGHT && text.equals(BREAK);
    }
}
