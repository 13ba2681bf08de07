package dev.imagine.bot.fake;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock and a monotonic ticker that stand still until a test moves them (both by the same amount); shared by the
 * bot's tests.
 */
public final class FakeClock extends Clock implements Ticker {
    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
    private volatile Instant now = START;

    /** Moves the clock forward. */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Nanoseconds since the fake's start: moves only with {@link #advance}. */
    @Override
    public long read() {
        return Duration.between(START, now).toNanos();
    }
}
