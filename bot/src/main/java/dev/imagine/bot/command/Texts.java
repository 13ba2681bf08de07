package dev.imagine.bot.command;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/** Small text helpers shared by the parser and the messages. */
final class Texts {
    /** The ellipsis that marks a cut. */
    static final String ELLIPSIS = "\u2026";

    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private Texts() {
    }

    /** Every run of whitespace (Unicode's, including no-break spaces and line breaks) as one space, trimmed. */
    static String normalizeSpace(String text) {
        return SPACES.matcher(text).replaceAll(" ").strip();
    }

    /**
     * The text cut to at most {@code max} UTF-16 units (what Telegram and Discord count, or more), ending in an
     * ellipsis when cut; the cut prefers a word boundary in the last fifth and never splits a surrogate pair.
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        if (max <= 0) {
            return "";
        }
        int end = max - ELLIPSIS.length();
        if (end <= 0) {
            return ELLIPSIS.substring(0, max);
        }
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int space = text.lastIndexOf(' ', end);
        if (space > 0 && space >= end - Math.max(1, end / 5)) {
            end = space;
        }
        return text.substring(0, end).stripTrailing() + ELLIPSIS;
    }

    /** A message as a sentence: capital first letter, final full stop unless it ends in punctuation. */
    static String sentence(String message) {
        String text = message == null || message.isBlank() ? "Something went wrong" : message.strip();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        char last = text.charAt(text.length() - 1);
        return last == '.' || last == '!' || last == '?' || last == ')' ? text : text + ".";
    }

    /** A number without needless zeros: {@code 7}, {@code 7.5}, {@code 0.35}. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A short human duration: {@code 0.4 s}, {@code 12.3 s}, {@code 2 min 5 s}, {@code 1 h 3 min}. */
    static String duration(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** A file size for people: {@code 900 bytes}, {@code 12 KB}, {@code 10 MB}, {@code 10.5 MB} (1 KB = 1024 bytes). */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return plural(bytes, "byte");
        }
        if (bytes < 1024 * 1024) {
            return number(Math.round(bytes * 10.0 / 1024) / 10.0) + " KB";
        }
        return number(Math.round(bytes * 10.0 / (1024 * 1024)) / 10.0) + " MB";
    }

    /** "1 image", "3 images". */
    static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /**
     * The candidate closest to {@code typed}: a candidate it is the start of, else the one with the fewest edits
     * (Levenshtein distance), earlier candidates winning ties; {@code null} when even the closest needs more edits
     * than half the longer word.
     */
    static String closest(String typed, Collection<String> candidates) {
        String word = typed.length() > 40 ? typed.substring(0, 40) : typed;
        if (word.length() >= 2) {
            for (String candidate : candidates) {
                if (candidate.startsWith(word)) {
                    return candidate;
                }
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(word, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, Math.max(word.length(), best.length()) / 2) ? best : null;
    }

    /** Insertions, deletions and substitutions that turn one word into the other. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
