package dev.imagine.bot.models;

import java.time.Duration;

/**
 * How often and how long to wait before trying a request again: {@code firstDelay}, then doubling up to
 * {@code maxDelay}; a server's {@code Retry-After} lengthens a wait up to five minutes.
 *
 * @param maxAttempts tries in a row that make no progress before giving up; at least 1
 */
record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, Sleeper sleeper) {
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    RetryPolicy {
        if (maxAttempts < 1 || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("retries need at least one attempt and 0 <= first delay <= max delay");
        }
    }

    static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30), Sleeper.SYSTEM);
    }

    /** The wait after {@code failures} failed tries in a row (1 for the first failure). */
    Duration delay(int failures, TransientException cause) {
        Duration wait = firstDelay;
        for (int i = 1; i < failures && wait.compareTo(maxDelay) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(maxDelay) > 0) {
            wait = maxDelay;
        }
        Duration asked = cause.retryAfter().orElse(Duration.ZERO);
        if (asked.compareTo(MAX_RETRY_AFTER) > 0) {
            asked = MAX_RETRY_AFTER;
        }
        return asked.compareTo(wait) > 0 ? asked : wait;
    }
}
