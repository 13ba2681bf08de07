package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationResult;
import java.time.Duration;

/** What happens to a job, in order: queued, started, progress..., then exactly one of done, failed, cancelled. */
public sealed interface JobEvent {

    /**
     * Accepted and waiting; {@code position} jobs run before it (0: it is next). {@code waitingForWorker}: in a
     * cluster, no worker is running now, so it waits until one starts.
     */
    record Queued(int position, boolean waitingForWorker) implements JobEvent {
        /** Queued where a worker runs. */
        public Queued(int position) {
            this(position, false);
        }
    }

    /** The engine took it. */
    record Started() implements JobEvent {
    }

    /** A denoising step finished. */
    record Progress(int step, int totalSteps, Duration elapsed) implements JobEvent {
        /** Percentage done. */
        public int percent() {
            return totalSteps == 0 ? 100 : 100 * step / totalSteps;
        }
    }

    /** Finished; the images are stored. */
    record Done(GenerationResult result) implements JobEvent {
    }

    /** Failed; {@code message} is a sentence for the user. */
    record Failed(String message) implements JobEvent {
    }

    /** Cancelled by the user, a moderator or the time limit; {@code reason} says which. */
    record Cancelled(String reason) implements JobEvent {
    }

    /** Whether this event ends the job. */
    default boolean isFinal() {
        return this instanceof Done || this instanceof Failed || this instanceof Cancelled;
    }
}
