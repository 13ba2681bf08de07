package dev.imagine.bot.service;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.JobNotices;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.QueueListener;
import dev.imagine.storage.Storage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker of a cluster: claims jobs from the shared {@link ClusterQueue} by its fairness rule and runs them on its
 * engine, one at a time, storing the images and the generation and telling the frontends. Two threads: the engine's,
 * which claims and runs (and, when the queue is empty, waits for a {@code LISTEN/NOTIFY} signal, with a fallback
 * check every beat), and a signal thread, which beats as a node, renews the running job's lease every third of the
 * lease timeout, stops the job at its next step when it is cancelled anywhere in the cluster or its lease is lost,
 * and wakes the engine's thread when a job is queued. Progress goes to the frontends at most once a second per job.
 *
 * <p>Does not own the engine or the storage; {@link #shutdown} stops both threads and closes the listener.
 */
final class ClusterWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWorker.class);
    /** The signals a worker acts on: a job queued, a job cancelled. */
    private static final Set<QueueListener.Channel> SIGNALS = EnumSet.of(QueueListener.Channel.QUEUED,
            QueueListener.Channel.CANCEL);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final Duration SIGNAL_WAIT = Duration.ofMillis(500);
    /**
     * How often the engine's thread settles leases that ran out before it claims: a job whose worker died waits at most
     * this much longer than its lease, and a busy worker does not pay a transaction per job for it.
     */
    private static final Duration SETTLE_EVERY = Duration.ofSeconds(1);
    /** The role a worker that stopped cleanly shows in {@code imagine cluster status}. */
    static final String STOPPED = "stopped";

    private final Storage storage;
    private final ClusterQueue queue;
    private final ImageEngine engine;
    private final ClusterSettings settings;
    private final ClusterMetrics metrics;
    private final JobNotices notices;
    private final Ticker ticker;
    private final String gaveUp;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean queued;
    private volatile boolean stopping;
    private volatile Running running;
    private Thread engineThread;
    private Thread signalThread;

    private record Running(long id, CancellationToken token, long startedNanos, boolean[] lost) {
    }

    ClusterWorker(Storage storage, ImageEngine engine, ClusterSettings settings, ClusterMetrics metrics,
            JobNotices notices, Ticker ticker) {
        this.storage = storage;
        this.queue = storage.queue();
        this.engine = engine;
        this.settings = settings;
        this.metrics = metrics;
        this.notices = notices;
        this.ticker = ticker;
        this.gaveUp = Messages.workersLost(settings.maxAttempts());
    }

    /** Registers the node and starts both threads. */
    synchronized void start() {
        if (engineThread != null) {
            throw new IllegalStateException("already started");
        }
        queue.beat(settings.nodeName(), "worker", true);
        QueueListener listener = queue.listen(SIGNALS);
        signalThread = new Thread(() -> signals(listener), "imagine-worker-signals");
        signalThread.setDaemon(true);
        signalThread.start();
        engineThread = new Thread(this::work, "imagine-engine");
        engineThread.start();
        LOG.info("Worker {} is running jobs from the cluster's queue (lease {})", settings.nodeName(),
                settings.leaseTimeout());
    }

    private void work() {
        long nextSettle = ticker.read();
        while (!stopping) {
            try {
                if (ticker.read() - nextSettle >= 0) {
                    nextSettle = ticker.read() + SETTLE_EVERY.toNanos();
                    settleExpired();
                }
                Optional<ClusterQueue.Claim> claim = queue.claim(settings.nodeName(), settings.leaseTimeout());
                if (claim.isPresent()) {
                    run(claim.get());
                } else {
                    idle();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("The worker caught an unexpected failure; it goes on after a pause", e);
                idle();
            }
        }
    }

    private void settleExpired() {
        List<Long> expired = queue.expireLeases(settings.maxAttempts(), gaveUp);
        if (!expired.isEmpty()) {
            LOG.warn("The leases of jobs {} ran out (their worker stopped); they go to another worker", expired);
            metrics.leasesExpired(expired.size());
        }
    }

    /** Waits for a queued signal, at most one beat (which also settles leases that ran out meanwhile). */
    private void idle() {
        lock.lock();
        try {
            long left = settings.beatInterval().toNanos();
            while (!queued && !stopping && left > 0) {
                left = wake.awaitNanos(left);
            }
            queued = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void signalQueued() {
        lock.lock();
        try {
            queued = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run(ClusterQueue.Claim claim) {
        long id = claim.generation().id();
        GenerationRequest request;
        try {
            request = StoredJobs.request(storage.generations().rerunSpec(id).orElseThrow(), null);
        } catch (RuntimeException e) {
            LOG.warn("Job {} cannot be rebuilt from its row: {}", id, e.getMessage());
            queue.finish(id, settings.nodeName(), GenerationStatus.FAILED, Messages.notResumable(e.getMessage()));
            return;
        }
        Running current = new Running(id, new CancellationToken(), ticker.read(), new boolean[1]);
        running = current;
        LOG.info("Job {} claimed (attempt {})", id, claim.generation().attempts());
        publish(id, 0, request.steps() == null ? 0 : request.steps(), Duration.ZERO);
        long[] lastPublished = {ticker.read()};
        try {
            GenerationResult result = engine.generate(request, progress -> {
                long now = ticker.read();
                Duration runFor = Duration.ofNanos(now - current.startedNanos());
                if (runFor.compareTo(settings.jobTimeLimit()) > 0) {
                    current.token().cancel(notices.overTimeLimit(settings.jobTimeLimit()));
                }
                if (now - lastPublished[0] >= PROGRESS_EVERY.toNanos()) {
                    lastPublished[0] = now;
                    publish(id, progress.step(), progress.totalSteps(), progress.elapsed());
                }
            }, current.token());
            queue.complete(id, settings.nodeName(), StoredJobs.parameters(result.request()), StoredJobs.images(result),
                    result.timings().total().toMillis());
            LOG.info("Job {} done", id);
        } catch (EngineException e) {
            if (lost(current)) {
                return;
            }
            if (e.reason() == EngineException.Reason.CANCELLED) {
                if (stopping) {
                    queue.release(id, settings.nodeName());
                    LOG.info("Job {} was interrupted by shutdown and goes back to the queue", id);
                } else {
                    queue.finish(id, settings.nodeName(), GenerationStatus.CANCELLED, e.getMessage());
                }
            } else {
                LOG.warn("Job {} failed: {}", id, e.getMessage());
                queue.finish(id, settings.nodeName(), GenerationStatus.FAILED, e.getMessage());
            }
        } catch (IllegalStateException e) {
            // complete() refused: the lease ran out while the job finished, and another worker has it now.
            LOG.warn("Job {} finished here after its lease was lost ({}); the other worker's result counts", id,
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Job {} failed unexpectedly", id, e);
            if (!lost(current)) {
                queue.finish(id, settings.nodeName(), GenerationStatus.FAILED, notices.failedUnexpectedly());
            }
        } finally {
            running = null;
        }
    }

    private boolean lost(Running current) {
        synchronized (current.lost()) {
            if (current.lost()[0]) {
                LOG.warn("Job {} stopped here: its lease went to another worker", current.id());
                return true;
            }
            return false;
        }
    }

    private void publish(long id, int step, int total, Duration elapsed) {
        try {
            queue.publishProgress(id, step, total, elapsed);
        } catch (RuntimeException e) {
            LOG.debug("Publishing job {}'s progress failed: {}", id, e.getMessage());
        }
    }

    private void signals(QueueListener first) {
        QueueListener listener = first;
        long nextBeat = ticker.read() + settings.beatInterval().toNanos();
        while (!stopping) {
            try {
                if (listener == null) {
                    listener = queue.listen(SIGNALS);
                    signalQueued(); // signals sent while nobody listened are lost: look at the queue again
                }
                for (QueueListener.Signal signal : listener.await(SIGNAL_WAIT)) {
                    Running current = running;
                    if (signal.channel() == QueueListener.Channel.QUEUED) {
                        signalQueued();
                    } else if (signal.channel() == QueueListener.Channel.CANCEL && current != null
                            && current.id() == signal.id()) {
                        current.token().cancel(Messages.jobCancelled());
                    }
                }
                if (ticker.read() - nextBeat >= 0) {
                    nextBeat = ticker.read() + settings.beatInterval().toNanos();
                    beat();
                }
            } catch (RuntimeException e) {
                LOG.warn("The worker's signals failed ({}); listening again", e.getMessage());
                if (listener != null) {
                    listener.close();
                    listener = null;
                }
                try {
                    Thread.sleep(SIGNAL_WAIT.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (listener != null) {
            listener.close();
        }
    }

    private void beat() {
        queue.beat(settings.nodeName(), "worker", false);
        Running current = running;
        if (current == null) {
            return;
        }
        ClusterQueue.Lease lease = queue.heartbeat(current.id(), settings.nodeName(), settings.leaseTimeout());
        if (lease == ClusterQueue.Lease.CANCEL_REQUESTED) {
            current.token().cancel(Messages.jobCancelled());
        } else if (lease == ClusterQueue.Lease.LOST && running == current) {
            synchronized (current.lost()) {
                current.lost()[0] = true;
            }
            current.token().cancel(Messages.jobCancelled());
        }
    }

    /** Whether the engine's thread runs, and the job it runs now. */
    boolean alive() {
        Thread thread;
        synchronized (this) {
            thread = engineThread;
        }
        return thread != null && thread.isAlive() && !stopping;
    }

    /** The job running now, if any. */
    Optional<Long> runningJob() {
        Running current = running;
        return current == null ? Optional.empty() : Optional.of(current.id());
    }

    /**
     * Stops claiming, lets the running job finish for up to {@code grace}, then cancels it at its next step and puts
     * it back in the queue for another worker.
     *
     * @return true when the engine's thread stopped within the grace period plus one step
     */
    boolean shutdown(Duration grace) {
        stopping = true;
        signalQueued();
        Thread engineWorker;
        Thread signalWorker;
        synchronized (this) {
            engineWorker = engineThread;
            signalWorker = signalThread;
        }
        if (engineWorker == null) {
            return true;
        }
        try {
            engineWorker.join(Math.max(1, grace.toMillis()));
            Running current = running;
            if (current != null) {
                current.token().cancel(notices.restarting());
            }
            engineWorker.join(60_000);
            signalWorker.join(SIGNAL_WAIT.toMillis() * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // No longer counted among the workers alive, so frontends say at once that jobs wait.
            queue.beat(settings.nodeName(), STOPPED, false);
        } catch (RuntimeException e) {
            LOG.warn("Marking worker {} stopped failed: {}", settings.nodeName(), e.getMessage());
        }
        return !engineWorker.isAlive();
    }
}
