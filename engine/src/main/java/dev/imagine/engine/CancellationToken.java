package dev.imagine.engine;

/**
 * Stops a generation cooperatively: the engine checks it between denoising steps, so a cancelled job ends
 * within one step and never interrupts a thread. Thread-safe; one token per job.
 */
public final class CancellationToken {
    private volatile boolean cancelled;
    private volatile String reason = "cancelled";

    /** Asks the job to stop at the next step. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Asks the job to stop at the next step, with a reason shown to the user (e.g. a time limit).
     */
    public void cancel(String why) {
        reason = why;
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** The reason given to {@link #cancel(String)}, or "cancelled". */
    public String reason() {
        return reason;
    }
}
