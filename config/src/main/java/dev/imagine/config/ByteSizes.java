package dev.imagine.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes sizes the way the configuration spells them: {@code 10MB}, {@code 6G}, {@code 512M},
 * {@code 1048576}. K, M, G and T are powers of 1024 whether or not a {@code B} or {@code iB} follows, as in Java's
 * {@code -Xmx6g}.
 */
public final class ByteSizes {

    private static final Pattern SIZE =
            Pattern.compile("([0-9]{1,15}(?:\\.[0-9]{1,6})?)\\s*(?:([kmgt])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"T", "G", "M", "K"};

    private ByteSizes() {
    }

    /**
     * Parses a number of bytes with an optional unit: {@code 10MB}, {@code 6G}, {@code 1.5GiB}, {@code 512k},
     * {@code 100B} or plain {@code 1048576}. A fraction of a byte is dropped.
     *
     * @throws IllegalArgumentException when the text is not such a size or exceeds {@link Long#MAX_VALUE} bytes
     */
    public static long parse(String text) {
        Matcher matcher = SIZE.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(Rules.show(text) + " is not a size; use a number with K, M, G or T"
                    + " (powers of 1024), such as 10MB, 512M or 6G");
        }
        String unit = matcher.group(2) == null ? "" : matcher.group(2).toUpperCase(Locale.ROOT);
        BigDecimal bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(multiplier(unit)))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(Rules.show(text) + " is too large a size");
        }
        return bytes.longValueExact();
    }

    /** Writes a size with the largest unit that divides it exactly: {@code 10485760} as {@code 10M}, 1000 as {@code 1000}. */
    public static String format(long bytes) {
        if (bytes != 0) {
            for (String unit : UNITS) {
                long multiplier = multiplier(unit);
                if (bytes % multiplier == 0) {
                    return bytes / multiplier + unit;
                }
            }
        }
        return Long.toString(bytes);
    }

    private static long multiplier(String unit) {
        return switch (unit) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            case "T" -> 1L << 40;
            default -> 1;
        };
    }
}
