package dev.imagine.bot.dispatch;

import dev.imagine.config.RateLimit;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a submission may enter the queue: the per-user cap on queued plus running jobs, the queue's capacity and
 * the user's token bucket (counted in images, in the given {@link BucketStore}); admins skip the per-user cap and the
 * bucket. The dispatcher calls it under its lock with the counts it keeps. When a shared bucket store cannot be
 * reached, the job is refused as not recorded (its database is the journal's too). Thread-safe.
 */
final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final DispatchLimits limits;
    private final RateLimiter rates;

    Admission(DispatchLimits limits, BucketStore buckets) {
        this.limits = limits;
        this.rates = new RateLimiter(limits, buckets);
    }

    /**
     * Checks the limits and, when the job may go in, takes its images from the user's bucket.
     *
     * @param userActive the user's jobs queued or running
     * @param waiting jobs queued or being recorded
     * @return the rejection, or empty when the job is admitted
     */
    Optional<SubmitResult.Rejected> admit(Requester requester, JobSpec spec, int userActive, int waiting) {
        boolean admin = limits.isAdmin(requester);
        if (!admin && userActive >= limits.perUserActive()) {
            return reject(SubmitResult.Reason.TOO_MANY_ACTIVE, Duration.ZERO, userActive, limits.perUserActive(),
                    Optional.empty());
        }
        if (waiting >= limits.queueCapacity()) {
            return reject(SubmitResult.Reason.QUEUE_FULL, Duration.ofMinutes(2), 0, limits.queueCapacity(),
                    Optional.empty());
        }
        if (!admin) {
            Duration wait;
            try {
                wait = rates.tryAcquire(requester, spec.images());
            } catch (RuntimeException e) {
                LOG.error("Could not check {}'s rate limit: {}", requester.key(), e.getMessage(), e);
                return reject(SubmitResult.Reason.NOT_RECORDED, Duration.ofMinutes(1), 0, 0, Optional.empty());
            }
            if (!wait.isZero()) {
                RateLimit rate = limits.rateFor(requester);
                return reject(SubmitResult.Reason.RATE_LIMITED, spec.images() > rate.burst() ? Duration.ZERO : wait,
                        spec.images(), 0, Optional.of(rate));
            }
        }
        return Optional.empty();
    }

    /** Gives back the images an admitted job took, when it could not be recorded after all. */
    void giveBack(Requester requester, JobSpec spec) {
        if (!limits.isAdmin(requester)) {
            try {
                rates.giveBack(requester, spec.images());
            } catch (RuntimeException e) {
                LOG.warn("Could not give back {} images to {}'s rate limit: {}", spec.images(), requester.key(),
                        e.getMessage());
            }
        }
    }

    private static Optional<SubmitResult.Rejected> reject(SubmitResult.Reason reason, Duration retryAfter, int count,
            int limit, Optional<RateLimit> rate) {
        return Optional.of(new SubmitResult.Rejected(reason, retryAfter, count, limit, rate));
    }
}
