package dev.imagine.bot.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.config.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Per-user token buckets (Bucket4j), counted in images, kept in a Caffeine cache that forgets users idle for longer
 * than a full refill (their bucket would be full again anyway). Both read the injected monotonic ticker, which is
 * what Caffeine's {@link Ticker} and a non-wall-clock {@link TimeMeter} expect.
 */
final class RateLimiter {
    private final DispatchLimits limits;
    private final TimeMeter meter;
    private final Cache<String, Bucket> buckets;

    RateLimiter(DispatchLimits limits, Ticker ticker) {
        this.limits = limits;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterAccess(Duration.ofHours(24))
                .maximumSize(100_000)
                .build();
    }

    /**
     * Takes {@code images} tokens from the requester's bucket.
     *
     * @return zero when allowed, otherwise how long until enough tokens are back
     */
    Duration tryAcquire(Requester requester, int images) {
        RateLimit rate = limits.rateFor(requester);
        if (images > rate.burst()) {
            return Duration.ofDays(365);
        }
        Bucket bucket = buckets.get(requester.key() + "|" + rate, key -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate.burst()).refillGreedy(rate.refill(), rate.refillPeriod()).build())
                .withCustomTimePrecision(meter)
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(images);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    /** Returns tokens taken for a job that was then not accepted. */
    void giveBack(Requester requester, int images) {
        RateLimit rate = limits.rateFor(requester);
        Bucket bucket = buckets.getIfPresent(requester.key() + "|" + rate);
        if (bucket != null) {
            bucket.addTokens(images);
        }
    }
}
