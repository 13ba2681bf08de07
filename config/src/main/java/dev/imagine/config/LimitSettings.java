package dev.imagine.config;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each user may ask of the one engine (key {@code limits}).
 *
 * @param rate the default rate limit (key {@code limits.rate})
 * @param maxJobsPerUser the most jobs one user may have queued or running at once, 1 to {@value #MAX_JOBS_PER_USER},
 *     at most {@code queueCapacity} (key {@code limits.max-jobs-per-user}, default 2)
 * @param queueCapacity the most jobs queued or running over all users, 1 to {@value #MAX_QUEUE_CAPACITY} (key
 *     {@code limits.queue-capacity}, default 100)
 * @param jobTimeLimit how long one job may run before it is cancelled, 10 seconds to 24 hours (key
 *     {@code limits.job-time-limit}, default 10 minutes)
 * @param maxFrames the most frames one animation may have in all, 2 to {@value #MAX_MAX_FRAMES}; each frame costs one
 *     image of the user's rate limit (key {@code limits.max-frames}, default {@value #DEFAULT_MAX_FRAMES})
 * @param admins users who bypass the rate limit (key {@code limits.admins})
 * @param users per-user rate limits, which win over role limits (key {@code limits.users})
 * @param roles per-role rate limits by Discord role id (key {@code limits.roles})
 * @param leaseTimeout in a cluster, how long a worker's claim on a job lasts without a heartbeat before another
 *     worker takes the job, 2 seconds to 1 hour (key {@code limits.lease-timeout}, default 60 seconds)
 * @param maxAttempts in a cluster, how many times a job is started before a lost lease fails it, 1 to
 *     {@value #MAX_ATTEMPTS} (key {@code limits.max-attempts}, default 3)
 */
public record LimitSettings(
        RateLimit rate,
        int maxJobsPerUser,
        int queueCapacity,
        Duration jobTimeLimit,
        int maxFrames,
        List<PlatformUser> admins,
        Map<PlatformUser, RateLimit> users,
        Map<Long, RateLimit> roles,
        Duration leaseTimeout,
        int maxAttempts) {

    /** Default {@code max-jobs-per-user}. */
    public static final int DEFAULT_MAX_JOBS_PER_USER = 2;
    /** Largest {@code max-jobs-per-user}. */
    public static final int MAX_JOBS_PER_USER = 100;
    /** Default {@code queue-capacity}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100;
    /** Largest {@code queue-capacity}. */
    public static final int MAX_QUEUE_CAPACITY = 100_000;
    /** Default {@code job-time-limit}. */
    public static final Duration DEFAULT_JOB_TIME_LIMIT = Duration.ofMinutes(10);
    /** Shortest {@code job-time-limit}. */
    public static final Duration MIN_JOB_TIME_LIMIT = Duration.ofSeconds(10);
    /** Longest {@code job-time-limit}. */
    public static final Duration MAX_JOB_TIME_LIMIT = Duration.ofHours(24);

    /** Default {@code lease-timeout}. */
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(60);
    /** Shortest {@code lease-timeout}. */
    public static final Duration MIN_LEASE_TIMEOUT = Duration.ofSeconds(2);
    /** Longest {@code lease-timeout}. */
    public static final Duration MAX_LEASE_TIMEOUT = Duration.ofHours(1);
    /** Default {@code max-attempts}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Largest {@code max-attempts}. */
    public static final int MAX_ATTEMPTS = 100;
    /** Default {@code max-frames}. */
    public static final int DEFAULT_MAX_FRAMES = 48;
    /** Largest {@code max-frames}. */
    public static final int MAX_MAX_FRAMES = 480;

    /** Checks ranges, copies the collections (keeping their order). */
    public LimitSettings {
        Rules.present("limits.rate", rate);
        Rules.between("limits.queue-capacity", queueCapacity, 1, MAX_QUEUE_CAPACITY);
        Rules.between("limits.max-jobs-per-user", maxJobsPerUser, 1, Math.min(MAX_JOBS_PER_USER, queueCapacity));
        Rules.between("limits.job-time-limit", jobTimeLimit, MIN_JOB_TIME_LIMIT, MAX_JOB_TIME_LIMIT);
        Rules.between("limits.max-frames", maxFrames, 2, MAX_MAX_FRAMES);
        Rules.between("limits.lease-timeout", leaseTimeout, MIN_LEASE_TIMEOUT, MAX_LEASE_TIMEOUT);
        Rules.between("limits.max-attempts", maxAttempts, 1, MAX_ATTEMPTS);
        admins = List.copyOf(admins);
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        users.forEach((user, limit) -> Rules.present("limits.users." + user, limit));
        roles.forEach((role, limit) -> {
            Rules.between("limits.roles", role, 1, Long.MAX_VALUE, "use a Discord role id");
            Rules.present("limits.roles." + role, limit);
        });
    }

    /** Limits with the default lease timeout and attempts. */
    public LimitSettings(RateLimit rate, int maxJobsPerUser, int queueCapacity, Duration jobTimeLimit, int maxFrames,
            List<PlatformUser> admins, Map<PlatformUser, RateLimit> users, Map<Long, RateLimit> roles) {
        this(rate, maxJobsPerUser, queueCapacity, jobTimeLimit, maxFrames, admins, users, roles, DEFAULT_LEASE_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS);
    }

    /**
     * The defaults: {@link RateLimit#DEFAULT}, 2 jobs per user, 100 in the queue, 10 minutes per job, 48 frames per
     * animation, no overrides, 60-second leases and 3 attempts.
     */
    public static LimitSettings defaults() {
        return new LimitSettings(RateLimit.DEFAULT, DEFAULT_MAX_JOBS_PER_USER, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_JOB_TIME_LIMIT, DEFAULT_MAX_FRAMES, List.of(), Map.of(), Map.of());
    }

    /** Whether the user bypasses the rate limit. */
    public boolean isAdmin(PlatformUser user) {
        return admins.contains(user);
    }

    /**
     * The rate limit for a user: their own entry in {@code users} if any, else the most generous entry among their
     * roles (fastest refill, then biggest burst), else {@link #rate()}. Admins bypass limits; see {@link #isAdmin}.
     *
     * @param user the user
     * @param roleIds the user's Discord role ids where the request came from; empty elsewhere
     */
    public RateLimit rateFor(PlatformUser user, Collection<Long> roleIds) {
        RateLimit own = users.get(user);
        if (own != null) {
            return own;
        }
        RateLimit best = null;
        for (Long role : roleIds) {
            RateLimit candidate = roles.get(role);
            if (candidate != null && (best == null || candidate.isMoreGenerousThan(best))) {
                best = candidate;
            }
        }
        return best == null ? rate : best;
    }
}
