package dev.imagine.bot.dispatch;

import java.util.Objects;
import java.util.Set;

/**
 * Who asked for a job.
 *
 * @param platform {@code discord}, {@code telegram}, {@code cli}, ...
 * @param userId the platform's id of the user
 * @param displayName a name to show; may be empty
 * @param roles the user's roles where the platform has them (Discord), for per-role limits
 */
public record Requester(String platform, String userId, String displayName, Set<String> roles) {

    /** Validates and copies. */
    public Requester {
        requireText(platform, "platform");
        requireText(userId, "user id");
        displayName = displayName == null ? "" : displayName;
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    /** A requester without roles. */
    public Requester(String platform, String userId, String displayName) {
        this(platform, userId, displayName, Set.of());
    }

    /** {@code platform:userId}, the key limits and fairness are counted by. */
    public String key() {
        return platform + ":" + userId;
    }

    static void requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
