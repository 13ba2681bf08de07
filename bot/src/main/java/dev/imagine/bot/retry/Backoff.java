package dev.imagine.bot.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one retry back-off of the bot's network clients (the Hugging Face hub client and the Telegram client):
 * {@code first}, doubling after each failure up to {@code max}, then shortened by a random share of up to
 * {@code jitter} so that clients that failed together do not retry together.
 *
 * @param first the wait after the first failure, before jitter
 * @param max the longest wait, before jitter
 * @param jitter the largest share taken off a wait, 0 (none) to 1
 * @param random numbers in [0, 1): {@link #SYSTEM_RANDOM} in production, a constant in tests
 */
public record Backoff(Duration first, Duration max, double jitter, DoubleSupplier random) {
    /** Uniform numbers in [0, 1) from {@link ThreadLocalRandom}. */
    public static final DoubleSupplier SYSTEM_RANDOM = () -> ThreadLocalRandom.current().nextDouble();
    /** The share taken off at most by default: waits fall between 80% and 100% of the doubled delay. */
    public static final double DEFAULT_JITTER = 0.2;

    /** Checks the numbers. */
    public Backoff {
        if (first == null || max == null || random == null || first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a back-off needs 0 <= first <= max, got " + first + " and " + max);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
        }
    }

    /** {@code first} doubling to {@code max}, with the default jitter from the system's random numbers. */
    public static Backoff of(Duration first, Duration max) {
        return new Backoff(first, max, DEFAULT_JITTER, SYSTEM_RANDOM);
    }

    /** This back-off with jitter drawn from {@code source} (tests pass a constant). */
    public Backoff withRandom(DoubleSupplier source) {
        return new Backoff(first, max, jitter, source);
    }

    /** The wait after {@code failures} failed tries in a row (1 for the first failure). */
    public Duration delay(int failures) {
        Duration wait = first;
        for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        double share = jitter * Math.min(Math.max(random.getAsDouble(), 0), 1);
        return Duration.ofNanos(Math.round(wait.toNanos() * (1 - share)));
    }
}
