package dev.imagine.bot.dispatch;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher of a frontend: the same limits and the same sinks as the single-process dispatcher, but jobs go into
 * a {@link SharedQueue} that workers in other processes run, and one thread relays what they report to the sinks.
 * Results finished while no frontend ran are delivered at {@link #recover}. Thread-safe.
 */
final class FrontendQueue {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendQueue.class);
    /** How long one wait for the workers' news lasts before the relay checks whether to stop. */
    private static final Duration WAIT = Duration.ofSeconds(1);
    /** Final events handed to a sink by this process, remembered so a sweep does not send one twice. */
    private static final int REMEMBERED = 10_000;

    private final SharedQueue queue;
    private final JobJournal journal;
    private final DispatchLimits limits;
    private final Admission admission;
    private final Delivery delivery;
    private final DispatchMetrics metrics;
    private final Set<Long> handedOver = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });
    private volatile boolean accepting = true;
    private volatile boolean stopping;
    private Thread relay;

    FrontendQueue(SharedQueue queue, JobJournal journal, DispatchLimits limits, Admission admission, Delivery delivery,
            DispatchMetrics metrics) {
        this.queue = queue;
        this.journal = journal;
        this.limits = limits;
        this.admission = admission;
        this.delivery = delivery;
        this.metrics = metrics;
    }

    SubmitResult submit(Requester requester, ChatTarget target, JobSpec spec) {
        if (!accepting) {
            return refused(SubmitResult.Reason.SHUTTING_DOWN);
        }
        // The shared queue counts the user's jobs and the queue's length cluster-wide in its own transaction, so only
        // the token bucket is asked here.
        Optional<SubmitResult.Rejected> refused = admission.admit(requester, spec, 0, 0);
        if (refused.isPresent()) {
            metrics.rejected(refused.get().reason());
            return refused.get();
        }
        int cap = limits.isAdmin(requester) ? Integer.MAX_VALUE : limits.perUserActive();
        SharedQueue.Entry entry;
        try {
            entry = queue.enqueue(requester, target, spec, cap, limits.queueCapacity());
        } catch (RuntimeException e) {
            admission.giveBack(requester, spec);
            LOG.error("Queueing a job in the shared queue failed", e);
            return refused(SubmitResult.Reason.NOT_RECORDED);
        }
        if (entry instanceof SharedQueue.Entry.UserFull full) {
            admission.giveBack(requester, spec);
            return rejected(new SubmitResult.Rejected(SubmitResult.Reason.TOO_MANY_ACTIVE, Duration.ZERO, full.cap(),
                    full.cap(), Optional.empty()));
        }
        if (entry instanceof SharedQueue.Entry.QueueFull full) {
            admission.giveBack(requester, spec);
            return rejected(new SubmitResult.Rejected(SubmitResult.Reason.QUEUE_FULL, Duration.ofMinutes(2), 0,
                    full.capacity(), Optional.empty()));
        }
        SharedQueue.Entry.Queued queued = (SharedQueue.Entry.Queued) entry;
        if (queued.waitingForWorker()) {
            LOG.info("Job {} queued while no worker runs", queued.id());
        }
        delivery.deliver(new Job(queued.id(), requester, target, spec, 1),
                new JobEvent.Queued(queued.position(), queued.waitingForWorker()));
        return new SubmitResult.Accepted(queued.id(), queued.position(), queued.waitingForWorker());
    }

    private SubmitResult.Rejected rejected(SubmitResult.Rejected rejected) {
        metrics.rejected(rejected.reason());
        return rejected;
    }

    private SubmitResult.Rejected refused(SubmitResult.Reason reason) {
        return rejected(new SubmitResult.Rejected(reason, Duration.ofMinutes(1), 0, 0, Optional.empty()));
    }

    boolean cancel(long id) {
        return queue.cancel(id);
    }

    List<Long> jobsOf(Requester requester) {
        return queue.jobsOf(requester);
    }

    Optional<Integer> position(long id) {
        return queue.position(id);
    }

    int queueLength() {
        return queue.queueLength();
    }

    /** Delivers the results that finished while no frontend ran (or before this one was told). */
    void recover() {
        for (JobJournal.Finished finished : journal.undelivered()) {
            if (delivery.hasSink(finished.job().target().platform())) {
                LOG.info("Delivering the result of job {} that finished while no frontend ran", finished.job().id());
                metrics.redelivered();
                deliverFinal(finished.job(), finished.finalEvent());
            }
        }
    }

    private void deliverFinal(Job job, JobEvent event) {
        if (!delivery.hasSink(job.target().platform())) {
            return;
        }
        synchronized (handedOver) {
            if (!handedOver.add(job.id())) {
                return;
            }
        }
        metrics.finished(event instanceof JobEvent.Done ? "done" : event instanceof JobEvent.Failed ? "failed"
                : "cancelled");
        delivery.deliver(job, event);
    }

    /** Whether the job's final event was handed to its sink (late progress is then dropped). */
    private boolean finished(long id) {
        synchronized (handedOver) {
            return handedOver.contains(id);
        }
    }

    synchronized void start() {
        if (relay != null) {
            throw new IllegalStateException("already started");
        }
        relay = new Thread(this::relay, "imagine-frontend");
        relay.start();
    }

    private void relay() {
        while (!stopping) {
            try {
                for (SharedQueue.Update update : queue.await(WAIT)) {
                    if (update.event().isFinal()) {
                        deliverFinal(update.job(), update.event());
                    } else if (delivery.hasSink(update.job().target().platform()) && !finished(update.job().id())) {
                        delivery.deliver(update.job(), update.event());
                    }
                }
            } catch (RuntimeException | Error e) {
                LOG.error("Relaying the workers' news failed; trying again", e);
            }
        }
    }

    synchronized boolean relayAlive() {
        return relay != null && relay.isAlive();
    }

    /** Stops intake and the relay; jobs stay in the shared queue for the workers. */
    boolean shutdown(Duration grace) {
        accepting = false;
        stopping = true;
        Thread thread;
        synchronized (this) {
            thread = relay;
        }
        if (thread == null) {
            return true;
        }
        try {
            thread.join(Math.max(1, grace.toMillis()) + WAIT.toMillis() * 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    boolean stopping() {
        return stopping || !accepting;
    }
}
