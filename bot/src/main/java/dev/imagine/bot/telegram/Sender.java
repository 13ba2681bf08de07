package dev.imagine.bot.telegram;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that makes the adapter's outgoing calls, in the order and at the pace {@link FloodControl} allows.
 * Offering never blocks, so the dispatcher's and the update handler's threads hand work over and go on. A call's
 * failure is its own business (each call catches and reports its errors); anything that escapes is logged and the
 * thread goes on. A 429 inside a call holds the whole sender for its {@code retry_after}, as Telegram asks.
 *
 * <p>Thread-safe. {@link #close(Duration)} sends what is waiting for a bounded time, then stops the thread.
 */
final class Sender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    private final FloodControl flood;
    private final Pacer pacer;
    private final Redactor redactor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private boolean running = true;
    private boolean busy;

    Sender(Pacer pacer, Redactor redactor) {
        this.flood = new FloodControl(pacer);
        this.pacer = pacer;
        this.redactor = redactor;
        this.thread = new Thread(this::work, "telegram-sender");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a call. */
    void offer(FloodControl.Outgoing outgoing) {
        lock.lock();
        try {
            flood.offer(outgoing);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a waiting edit. */
    void dropEdit(long editKey) {
        lock.lock();
        try {
            flood.dropEdit(editKey);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits (real time) until nothing is waiting or running.
     *
     * @return false when {@code timeout} passed first
     */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (busy || flood.size() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            FloodControl.Outgoing next;
            lock.lock();
            try {
                busy = false;
                changed.signalAll();
                while (true) {
                    if (!running) {
                        return;
                    }
                    FloodControl.Step step = flood.poll();
                    if (step.ready() != null) {
                        next = step.ready();
                        busy = true;
                        break;
                    }
                    if (step.waitNanos() == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        pacer.awaitNanos(changed, step.waitNanos());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                next.action().run();
            } catch (RuntimeException e) {
                LOG.error("A Telegram call failed unexpectedly: {}", redactor.describe(e));
            }
        }
    }

    /**
     * Sends what is waiting for up to {@code drain}, then stops the thread; what is left is dropped (a result among
     * it is delivered after the restart). A call already under way is let finish, with its delivery mark, however long
     * it takes (its HTTP timeouts bound it): the storage closes after this returns, and a photo sent but not marked
     * would be sent again after a graceful restart.
     */
    void close(Duration drain) {
        boolean drained = awaitIdle(drain);
        lock.lock();
        try {
            if (!drained && flood.size() > 0) {
                LOG.warn("Stopping with {} Telegram calls unsent", flood.size());
            }
            running = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
