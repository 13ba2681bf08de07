package dev.imagine.bot.dispatch;

import dev.imagine.config.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Per-user token buckets counted in images, each user's under the limit that applies to them (their own, their
 * most generous role's, or the default), kept in a {@link BucketStore}: this process's, or the cluster's.
 */
final class RateLimiter {
    private final DispatchLimits limits;
    private final BucketStore buckets;

    RateLimiter(DispatchLimits limits, BucketStore buckets) {
        this.limits = limits;
        this.buckets = buckets;
    }

    /**
     * Takes {@code images} tokens from the requester's bucket.
     *
     * @return zero when allowed, otherwise how long until enough tokens are back
     * @throws RuntimeException when the bucket store cannot be reached
     */
    Duration tryAcquire(Requester requester, int images) {
        RateLimit rate = limits.rateFor(requester);
        if (images > rate.burst()) {
            return Duration.ofDays(365);
        }
        ConsumptionProbe probe = buckets.tryConsume(key(requester, rate), configuration(rate), images);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    /** Returns tokens taken for a job that was then not accepted. */
    void giveBack(Requester requester, int images) {
        RateLimit rate = limits.rateFor(requester);
        buckets.giveBack(key(requester, rate), configuration(rate), images);
    }

    /** One user under one limit: a changed limit (configuration, roles) starts a new bucket. */
    static String key(Requester requester, RateLimit rate) {
        return requester.key() + "|" + rate.burst() + "/" + rate.refill() + "/" + rate.refillPeriod();
    }

    static BucketConfiguration configuration(RateLimit rate) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(rate.burst()).refillGreedy(rate.refill(), rate.refillPeriod())
                        .build())
                .build();
    }
}
