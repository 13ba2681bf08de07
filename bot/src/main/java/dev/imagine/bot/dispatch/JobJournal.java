package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationResult;
import java.util.List;

/**
 * Where the dispatcher makes its jobs durable. Every method returns only once the change is committed, so a job the
 * user was told is queued survives a crash. Implementations are thread-safe.
 */
public interface JobJournal {

    /** Records a new queued job and returns its id. */
    long recordQueued(Requester requester, ReplyTarget target, JobSpec spec);

    /** The job started its {@code attempt}-th run. */
    void markRunning(long id, int attempt);

    /** The job finished; stores its images and the resolved parameters. */
    void markDone(long id, GenerationResult result);

    /** The job failed with a sentence for the user. */
    void markFailed(long id, String userMessage);

    /** The job was cancelled. */
    void markCancelled(long id, String reason);

    /** A running job goes back to the queue (shutdown before it finished); its attempt count is kept. */
    void requeue(long id);

    /** The jobs queued or running when the process stopped, oldest first, with their reply targets. */
    List<Job> unfinished();
}
