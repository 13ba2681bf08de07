package dev.imagine.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user on one platform, written {@code telegram:<user id>} or {@code discord:<user id>} in the configuration
 * (numeric ids, because names change and can be copied).
 *
 * @param platform the platform
 * @param id the platform's numeric user id, positive
 */
public record PlatformUser(Platform platform, long id) {

    /** What a user reference looks like, for messages. */
    static final String FORM = "telegram:<user id> or discord:<user id>, such as telegram:123456789";

    private static final Pattern PATTERN = Pattern.compile("(telegram|discord):([0-9]{1,19})");

    /** Checks the id. */
    public PlatformUser {
        if (platform == null) {
            throw new IllegalArgumentException("a user needs a platform: " + FORM);
        }
        if (id <= 0) {
            throw new IllegalArgumentException("user id " + id + " is not allowed; use a positive number");
        }
    }

    /**
     * Parses {@code telegram:123} or {@code discord:456} (platform in any case).
     *
     * @throws IllegalArgumentException naming the form when the text is not a user reference
     */
    public static PlatformUser parse(String text) {
        Matcher matcher = PATTERN.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            try {
                long id = Long.parseLong(matcher.group(2));
                if (id > 0) {
                    return new PlatformUser(Platform.valueOf(matcher.group(1).toUpperCase(Locale.ROOT)), id);
                }
            } catch (NumberFormatException e) {
                // too large for a user id: reported below
            }
        }
        throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), "use " + FORM));
    }

    /** {@code platform:id}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return platform.key() + ":" + id;
    }
}
