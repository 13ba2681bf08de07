package dev.imagine.bot.dispatch;

import java.time.Duration;

/** The answer to a submission: accepted with its id, or rejected with a sentence for the user. */
public sealed interface SubmitResult {

    /** Recorded durably and queued. */
    record Accepted(long id, int position) implements SubmitResult {
    }

    /**
     * Not accepted; nothing was recorded.
     *
     * @param retryAfter when trying again can succeed; zero when it will not help soon
     */
    record Rejected(Reason reason, String message, Duration retryAfter) implements SubmitResult {
    }

    /** Why a job was rejected. */
    enum Reason {
        RATE_LIMITED, TOO_MANY_ACTIVE, QUEUE_FULL, SHUTTING_DOWN, BLOCKED
    }
}
