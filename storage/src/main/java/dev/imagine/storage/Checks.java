package dev.imagine.storage;

import java.util.regex.Pattern;

/** Argument checks shared by the records, with messages a person can act on. */
final class Checks {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private Checks() {
    }

    static <T> T required(String what, T value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }

    /** A text of at most {@code max} characters; {@code null} passes. */
    static String text(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long; the limit is " + max);
        }
        return value;
    }

    /** A non-blank single-line text of at most {@code max} characters, such as an id; {@code null} passes. */
    static String id(String what, String value, int max) {
        if (value == null) {
            return null;
        }
        text(what, value, max);
        if (value.isBlank() || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must be a non-blank single line, got '" + value + "'");
        }
        return value;
    }

    /** A lower-case name such as a platform or sampler: a letter, then letters, digits, '-' or '_', 32 at most. */
    static String name(String what, String value) {
        if (value != null && !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a lower-case name such as 'discord' or 'euler-a', got '"
                    + value + "'");
        }
        return value;
    }

    static Integer range(String what, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static Long range(String what, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static Double range(String what, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
