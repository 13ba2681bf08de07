package dev.imagine.bot.telegram;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * Fake time for flood control and retries: nothing waits. A sleep is recorded and moves the clock; a wait for
 * flood budget moves the clock to when the budget is back.
 */
final class FakePacer implements Pacer {
    private final AtomicLong now = new AtomicLong(Duration.ofHours(1).toNanos());
    /** Every {@link #sleep} asked for, in order. */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves the clock. */
    void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    @Override
    public void awaitNanos(Condition condition, long nanos) {
        now.addAndGet(nanos);
    }
}
