package dev.imagine.bot.command;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A width-to-height ratio such as 16:9. Any positive ratio can exist; a request refuses ones wider or taller than
 * {@value #MAX_RATIO}:1 with a message.
 *
 * @param width 1 to {@value #MAX_TERM}
 * @param height 1 to {@value #MAX_TERM}
 */
public record AspectRatio(int width, int height) {
    /** Largest term of a ratio. */
    public static final int MAX_TERM = 10_000;
    /** The widest (and, turned round, tallest) ratio a request accepts: 4:1. */
    public static final int MAX_RATIO = 4;

    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,5})\\s*:\\s*(\\d{1,5})\\s*");

    /** Validates. */
    public AspectRatio {
        if (width < 1 || height < 1 || width > MAX_TERM || height > MAX_TERM) {
            throw new IllegalArgumentException("an aspect ratio's terms must be from 1 to " + MAX_TERM + ", got "
                    + width + ":" + height);
        }
    }

    /** Reads {@code W:H}, such as {@code 16:9}; empty when the text is not of that form. */
    public static Optional<AspectRatio> parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w < 1 || h < 1 || w > MAX_TERM || h > MAX_TERM) {
            return Optional.empty();
        }
        return Optional.of(new AspectRatio(w, h));
    }

    /** Width divided by height. */
    public double value() {
        return width / (double) height;
    }

    /** Whether the ratio lies within 1:{@value #MAX_RATIO} and {@value #MAX_RATIO}:1. */
    public boolean isReasonable() {
        return width <= (long) MAX_RATIO * height && height <= (long) MAX_RATIO * width;
    }

    /** {@code W:H}. */
    @Override
    public String toString() {
        return width + ":" + height;
    }
}
