package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationResult;
import java.util.List;

/**
 * Where the dispatcher makes its jobs durable. Every method returns only once the change is committed, so a job the
 * user was told is queued survives a crash. Implementations are thread-safe.
 */
public interface JobJournal {

    /** Records a new queued job and returns its id. */
    long recordQueued(Requester requester, ChatTarget target, JobSpec spec);

    /** The job started its {@code attempt}-th run. */
    void markRunning(long id, int attempt);

    /** The job finished; stores its images and the resolved parameters. */
    void markDone(long id, GenerationResult result);

    /**
     * The job finished: {@link #markDone(long, GenerationResult)} for pictures; an animation's frames and video
     * file are stored by journals that keep files (this default stores its frames as pictures).
     */
    default void markDone(long id, JobEvent.Done done) {
        markDone(id, done.result());
    }

    /** The job failed with a sentence for the user. */
    void markFailed(long id, String userMessage);

    /** The job was cancelled. */
    void markCancelled(long id, String reason);

    /** A running job goes back to the queue (shutdown before it finished); its attempt count is kept. */
    void requeue(long id);

    /** The jobs queued or running when the process stopped, oldest first, with their reply targets. */
    List<Job> unfinished();

    /** The adapter's status message for the job, so events after a restart edit or reply to it. */
    void setStatusMessage(long id, String messageId);

    /** The job's final event reached its reply target. */
    void markDelivered(long id);

    /**
     * Recently finished jobs whose final event was never marked delivered (the process stopped in between), oldest
     * first, each with that final event rebuilt from what was stored.
     */
    List<Finished> undelivered();

    /** A finished job and its final event. */
    record Finished(Job job, JobEvent finalEvent) {
    }
}
