package dev.imagine.bot.dispatch;

import dev.imagine.config.RateLimit;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The dispatcher's limits.
 *
 * @param rate the default per-user token bucket, counted in images
 * @param userRates per-user overrides, keyed by {@link Requester#key()}
 * @param roleRates per-role overrides; a user with several such roles gets the most generous
 * @param admins users ({@link Requester#key()}) who bypass rate limits and the per-user cap
 * @param perUserActive the most queued plus running jobs per user
 * @param queueCapacity the most queued jobs in all
 * @param timeLimit the longest a job may run before it is cancelled
 */
public record DispatchLimits(RateLimit rate, Map<String, RateLimit> userRates, Map<String, RateLimit> roleRates,
        Set<String> admins, int perUserActive, int queueCapacity, Duration timeLimit) {

    /** Validates and copies. */
    public DispatchLimits {
        Objects.requireNonNull(rate, "rate");
        userRates = Map.copyOf(userRates);
        roleRates = Map.copyOf(roleRates);
        admins = Set.copyOf(admins);
        if (perUserActive < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("per-user cap and queue capacity must be at least 1");
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive");
        }
    }

    /** Burst 4 and 10 images per 10 minutes, 2 active jobs per user, 100 queued, 10 minutes per job. */
    public static DispatchLimits defaults() {
        return new DispatchLimits(RateLimit.DEFAULT, Map.of(), Map.of(), Set.of(), 2, 100, Duration.ofMinutes(10));
    }

    /** The bucket that applies to a requester. */
    RateLimit rateFor(Requester requester) {
        RateLimit own = userRates.get(requester.key());
        if (own != null) {
            return own;
        }
        RateLimit best = null;
        for (String role : requester.roles()) {
            RateLimit candidate = roleRates.get(role);
            if (candidate != null && (best == null || candidate.imagesPerSecond() > best.imagesPerSecond()
                    || (candidate.imagesPerSecond() == best.imagesPerSecond() && candidate.burst() > best.burst()))) {
                best = candidate;
            }
        }
        return best != null ? best : rate;
    }

    boolean isAdmin(Requester requester) {
        return admins.contains(requester.key());
    }
}
