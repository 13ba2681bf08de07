package dev.imagine.bot.models;

import dev.imagine.bot.retry.Backoff;
import java.time.Duration;

/**
 * How often and how long to wait before trying a request again: the shared {@link Backoff} (doubling, capped, with
 * jitter); a server's {@code Retry-After} lengthens a wait up to five minutes.
 *
 * @param maxAttempts tries in a row that make no progress before giving up; at least 1
 */
record RetryPolicy(int maxAttempts, Backoff backoff, Sleeper sleeper) {
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    RetryPolicy {
        if (maxAttempts < 1 || backoff == null || sleeper == null) {
            throw new IllegalArgumentException("retries need at least one attempt, a back-off and a sleeper");
        }
    }

    static RetryPolicy defaults() {
        return new RetryPolicy(6, Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30)), Sleeper.SYSTEM);
    }

    /** The wait after {@code failures} failed tries in a row (1 for the first failure). */
    Duration delay(int failures, TransientException cause) {
        Duration wait = backoff.delay(failures);
        Duration asked = cause.retryAfter().orElse(Duration.ZERO);
        if (asked.compareTo(MAX_RETRY_AFTER) > 0) {
            asked = MAX_RETRY_AFTER;
        }
        return asked.compareTo(wait) > 0 ? asked : wait;
    }
}
