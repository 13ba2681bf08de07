package dev.imagine.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations the way the configuration spells them: {@code 90s}, {@code 10m}, {@code 1h30m}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(\\s*[0-9]{1,12}\\s*(ms|s|m|h|d))+\\s*");
    private static final Pattern PART = Pattern.compile("([0-9]{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses one or more whole numbers, each followed by a unit: {@code ms}, {@code s}, {@code m} (minutes),
     * {@code h} or {@code d} (days), such as {@code 90s}, {@code 10m}, {@code 1h30m}. A number without a unit is
     * refused, since seconds and minutes are easy to mix up.
     *
     * @throws IllegalArgumentException when the text is not such a duration
     */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.toLowerCase(Locale.ROOT);
        if (!WHOLE.matcher(value).matches()) {
            throw new IllegalArgumentException(Rules.show(text) + " is not a duration; use a number and a unit (ms, s, m, h"
                    + " or d), such as 90s, 10m or 1h30m");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(value);
        try {
            while (part.find()) {
                long amount = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(Rules.show(text) + " is too long a duration");
        }
        return total;
    }

    /** Writes a duration in the form {@link #parse} reads, largest units first: {@code 1h30m}, {@code 90s} as {@code 1m30s}. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toDays(), "d");
        append(text, duration.toHoursPart(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        append(text, duration.toMillisPart(), "ms");
        if (text.length() == 0) {
            text.append(duration.toNanos()).append("ns");
        }
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }
}
