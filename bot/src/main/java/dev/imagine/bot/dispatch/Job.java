package dev.imagine.bot.dispatch;

import java.util.Objects;

/**
 * An accepted job.
 *
 * @param id the generation id in storage
 * @param requester who asked
 * @param target where events go
 * @param spec what to run
 * @param attempt 1 for the first run, 2 for the one retry after a crash
 */
public record Job(long id, Requester requester, ChatTarget target, JobSpec spec, int attempt) {

    /** Validates. */
    public Job {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(spec, "spec");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1");
        }
    }

    /** This job with another reply target. */
    public Job withTarget(ChatTarget newTarget) {
        return new Job(id, requester, newTarget, spec, attempt);
    }
}
