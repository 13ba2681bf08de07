package dev.imagine.bot.dispatch;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of the dispatcher's worker for a health check.
 *
 * @param thread whether the worker thread was started and still runs
 * @param stopping whether a shutdown has begun (no new jobs are taken)
 * @param runningJob the id of the job on the engine, if any
 * @param runningFor how long that job has run, zero when none runs
 * @param timeLimit the per-job time limit; a job is cancelled at its first step past it
 * @param queueLength jobs waiting
 */
public record WorkerState(Thread thread, boolean stopping, Optional<Long> runningJob, Duration runningFor,
        Duration timeLimit, int queueLength) {

    /** The worker thread's life. */
    public enum Thread {
        /** {@link Dispatcher#start()} was not called yet. */
        NOT_STARTED,
        /** Running jobs or waiting for one. */
        ALIVE,
        /** Ended: after a shutdown, or by a failure it could not survive. */
        STOPPED
    }

    /**
     * Whether the running job is past twice its time limit: it should have been cancelled at its first step past
     * the limit, so the engine is stuck inside one call.
     */
    public boolean engineStuck() {
        return runningJob.isPresent() && runningFor.compareTo(timeLimit.multipliedBy(2)) > 0;
    }
}
