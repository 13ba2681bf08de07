package dev.imagine.config;

import java.time.Duration;

/**
 * A token bucket counted in images: a user may ask for {@code burst} images at once, and {@code refill} images come
 * back over every {@code refillPeriod}.
 *
 * @param burst the bucket's size, {@value #MIN_BURST} to {@value #MAX_BURST} images (key {@code burst})
 * @param refill images added back per period, {@value #MIN_REFILL} to {@value #MAX_REFILL} (key {@code refill})
 * @param refillPeriod the period, 1 second to 7 days (key {@code refill-period})
 */
public record RateLimit(int burst, int refill, Duration refillPeriod) {

    /** Smallest {@code burst}. */
    public static final int MIN_BURST = 1;
    /** Largest {@code burst}. */
    public static final int MAX_BURST = 1000;
    /** Smallest {@code refill}. */
    public static final int MIN_REFILL = 1;
    /** Largest {@code refill}. */
    public static final int MAX_REFILL = 100_000;
    /** Shortest {@code refill-period}. */
    public static final Duration MIN_REFILL_PERIOD = Duration.ofSeconds(1);
    /** Longest {@code refill-period}. */
    public static final Duration MAX_REFILL_PERIOD = Duration.ofDays(7);

    /** Burst 4, refill 10 per 10 minutes. */
    public static final RateLimit DEFAULT = new RateLimit(4, 10, Duration.ofMinutes(10));

    /** Checks ranges; messages name the key. */
    public RateLimit {
        Rules.between("burst", burst, MIN_BURST, MAX_BURST);
        Rules.between("refill", refill, MIN_REFILL, MAX_REFILL);
        Rules.between("refill-period", refillPeriod, MIN_REFILL_PERIOD, MAX_REFILL_PERIOD);
    }

    /** Images per second in the long run: {@code refill / refillPeriod}. */
    public double imagesPerSecond() {
        return refill / (refillPeriod.toNanos() / 1e9);
    }

    /** Whether this limit lets a user do more than {@code other}: a faster refill, or the same refill and a bigger burst. */
    boolean isMoreGenerousThan(RateLimit other) {
        int byRate = Long.compare((long) refill * other.refillPeriod.toMillis(), (long) other.refill * refillPeriod.toMillis());
        return byRate > 0 || (byRate == 0 && burst > other.burst);
    }
}
