package dev.imagine.bot.discord;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the tasks of one user one after another, in the order they were handed in, on a shared pool: jobs of one
 * user are then admitted in the order their commands arrived (JDA delivers interactions on one event thread, in
 * order), while different users still run in parallel. Without it, a slow first command (an attachment download)
 * let the user's later commands overtake it, and the per-user cap refused the wrong one.
 *
 * <p>Thread-safe. A task that throws does not stop the lane: the next task runs.
 */
final class UserLanes {
    private final Executor pool;
    private final Map<String, ArrayDeque<Runnable>> waiting = new HashMap<>();

    UserLanes(Executor pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code task} after the tasks handed in before for {@code user}.
     *
     * @throws RejectedExecutionException when the pool is shut down and the user has no task running
     */
    void execute(String user, Runnable task) {
        synchronized (waiting) {
            ArrayDeque<Runnable> lane = waiting.get(user);
            if (lane != null) {
                lane.add(task);
                return;
            }
            waiting.put(user, new ArrayDeque<>());
        }
        try {
            pool.execute(() -> drain(user, task));
        } catch (RejectedExecutionException e) {
            synchronized (waiting) {
                waiting.remove(user);
            }
            throw e;
        }
    }

    private void drain(String user, Runnable first) {
        Runnable task = first;
        while (task != null) {
            try {
                task.run();
            } finally {
                synchronized (waiting) {
                    ArrayDeque<Runnable> lane = waiting.get(user);
                    task = lane.poll();
                    if (task == null) {
                        waiting.remove(user);
                    }
                }
            }
        }
    }
}
