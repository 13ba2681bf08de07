package dev.imagine.bot.dispatch;

import java.time.Duration;

/**
 * The sentences the dispatcher hands to users and stores with a job when it ends one itself (not the engine). The
 * command core's {@code Messages} writes them, so every user-facing text lives there; the dispatcher only decides when.
 */
public interface JobNotices {

    /** A job interrupted by two restarts in a row is not tried a third time. */
    String interruptedTwice();

    /** The job failed with an error that is ours, not the user's (the details go to the log only). */
    String failedUnexpectedly();

    /** The job ran past the per-job {@code limit} and was stopped at its next step. */
    String overTimeLimit(Duration limit);

    /** The process stops; the running job goes back to the queue and runs after the restart. */
    String restarting();
}
