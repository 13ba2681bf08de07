package dev.imagine.bot.dispatch;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket counted in images: up to {@code burst} at once, refilled by {@code refill} images every
 * {@code period}.
 */
public record RateLimit(int burst, int refill, Duration period) {

    /** Checks the numbers. */
    public RateLimit {
        if (burst < 1 || refill < 1) {
            throw new IllegalArgumentException("rate limit burst and refill must be at least 1");
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit period must be positive");
        }
    }

    /** Burst 4, then 10 images per 10 minutes. */
    public static RateLimit defaults() {
        return new RateLimit(4, 10, Duration.ofMinutes(10));
    }
}
