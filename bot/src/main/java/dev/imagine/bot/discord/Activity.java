package dev.imagine.bot.discord;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the adapter's work in progress: interactions being handled and messages on their way to Discord. Closing
 * waits for it to drain, and tests wait for it instead of sleeping. Thread-safe.
 */
final class Activity {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition quiet = lock.newCondition();
    private int busy;

    /** One more piece of work; pair with {@link #end()}. */
    void begin() {
        lock.lock();
        try {
            busy++;
        } finally {
            lock.unlock();
        }
    }

    /** One piece of work finished. */
    void end() {
        lock.lock();
        try {
            if (--busy <= 0) {
                busy = 0;
                quiet.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code future} until it completes, either way. */
    <T> CompletableFuture<T> track(CompletableFuture<T> future) {
        begin();
        future.whenComplete((value, failure) -> end());
        return future;
    }

    /**
     * Waits until no work is in progress.
     *
     * @return false when {@code timeout} passed first
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (busy > 0) {
                if (left <= 0) {
                    return false;
                }
                left = quiet.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether nothing is in progress right now. */
    boolean isIdle() {
        lock.lock();
        try {
            return busy == 0;
        } finally {
            lock.unlock();
        }
    }
}
