package dev.imagine.bot.telegram;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The time source of flood control and retries, and the two ways they wait. Tests pass one that moves a fake clock
 * instead of waiting.
 */
interface Pacer {

    /** The system's monotonic clock, {@link Thread#sleep} and {@link Condition#awaitNanos}. */
    Pacer SYSTEM = new Pacer() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }

        @Override
        public void awaitNanos(Condition condition, long nanos) throws InterruptedException {
            condition.awaitNanos(nanos);
        }
    };

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits {@code duration} on the calling thread (a 429's {@code retry_after}, a retry's back-off). */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Waits until {@code condition} is signalled or {@code nanos} pass, whichever is first; the caller holds the
     * condition's lock.
     */
    void awaitNanos(Condition condition, long nanos) throws InterruptedException;
}
