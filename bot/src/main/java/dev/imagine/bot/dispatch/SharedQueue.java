package dev.imagine.bot.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The queue a frontend shares with workers in other processes (a cluster on PostgreSQL): the frontend's
 * {@link Dispatcher} (see {@link Dispatcher#frontend}) admits jobs into it and relays what the workers report to its
 * chat adapters. Implementations are thread-safe, except {@link #await}, which one thread calls.
 */
public interface SharedQueue {

    /** What {@link #enqueue} decided. */
    sealed interface Entry {
        /** Queued; {@code waitingForWorker} when no worker is running now. */
        record Queued(long id, int position, boolean waitingForWorker) implements Entry {
        }

        /** The user has {@code cap} jobs queued or running across the cluster. */
        record UserFull(int cap) implements Entry {
        }

        /** The cluster's queue holds {@code capacity} jobs. */
        record QueueFull(int capacity) implements Entry {
        }
    }

    /** A job and what happened to it, for its chat. */
    record Update(Job job, JobEvent event) {
    }

    /** Records a job as queued unless the user's cap or the queue's capacity is reached, in one transaction. */
    Entry enqueue(Requester requester, ChatTarget target, JobSpec spec, int perUserCap, int capacity);

    /** Cancels a queued job at once, or asks the worker running it to stop; false when it is neither. */
    boolean cancel(long id);

    /** The requester's queued and running jobs, running first. */
    List<Long> jobsOf(Requester requester);

    /** How many jobs run before job {@code id} (0: running or next), or empty when unknown. */
    Optional<Integer> position(long id);

    /** Jobs waiting across the cluster. */
    int queueLength();

    /**
     * Waits up to {@code max} for what workers did (a job started, a step, a job finished) and returns it; empty
     * after the wait. A finished job's update carries its final event.
     */
    List<Update> await(Duration max);
}
