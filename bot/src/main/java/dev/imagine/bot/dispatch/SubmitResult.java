package dev.imagine.bot.dispatch;

import dev.imagine.config.RateLimit;
import java.time.Duration;
import java.util.Optional;

/**
 * The answer to a submission: accepted with its id, or rejected with the reason and the numbers behind it (the
 * command core's {@code Messages.rejected} writes the sentence).
 */
public sealed interface SubmitResult {

    /**
     * Recorded durably and queued. {@code waitingForWorker}: in a cluster, no worker is running now, so the job
     * waits until one starts.
     */
    record Accepted(long id, int position, boolean waitingForWorker) implements SubmitResult {
        /** Accepted where a worker runs. */
        public Accepted(long id, int position) {
            this(id, position, false);
        }
    }

    /**
     * Not accepted; nothing was recorded.
     *
     * @param retryAfter when trying again can succeed; zero when it will not help soon
     * @param count the user's jobs queued or running ({@code TOO_MANY_ACTIVE}), or the images asked for
     *     ({@code RATE_LIMITED}); else 0
     * @param limit the cap that was hit: jobs per user, or the queue's capacity ({@code QUEUE_FULL}); else 0
     * @param rate the user's rate limit, for {@code RATE_LIMITED}
     */
    record Rejected(Reason reason, Duration retryAfter, int count, int limit, Optional<RateLimit> rate)
            implements SubmitResult {
        /** Whether more images were asked for than the user's bucket holds at all (waiting will not help). */
        public boolean overBurst() {
            return rate.map(r -> count > r.burst()).orElse(false);
        }
    }

    /** Why a job was rejected. */
    enum Reason {
        RATE_LIMITED, TOO_MANY_ACTIVE, QUEUE_FULL, SHUTTING_DOWN, NOT_RECORDED, BLOCKED
    }
}
