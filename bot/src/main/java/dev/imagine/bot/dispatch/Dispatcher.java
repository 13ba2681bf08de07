package dev.imagine.bot.dispatch;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.ImageEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one queue in front of the shared engine. {@link #submit} checks the user's rate limit (a token bucket counted in
 * images), the per-user cap on queued plus running jobs and the global queue capacity, records the job in the
 * {@link JobJournal} before saying it is queued, and returns at once. One worker runs jobs one at a time, round-robin
 * across users, and sends each job's events to the {@link JobSink} of its platform. A failing job fails alone; a job
 * that runs past the time limit is cancelled at its next step; after a restart {@link #recover()} resumes the queued
 * jobs in order and retries a job that was running once.
 *
 * <p>Its parts: {@link Admission} decides whether a submission may enter (limits and token buckets), this class keeps
 * the queue and runs the worker loop, {@link Delivery} sends events to the adapters' sinks and
 * {@link DispatchMetrics} keeps the meters.
 *
 * <p>Thread-safe. Durations (the time limit, step times, the busy ratio) come from the injected monotonic
 * {@link Ticker}; only the shutdown's wait for the running job uses the system's own timer. The caller owns the
 * engine and the journal; {@link #shutdown} stops this dispatcher but closes neither.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_ATTEMPTS = 2;

    private final ImageEngine engine;
    private final JobJournal journal;
    private final DispatchLimits limits;
    private final JobNotices notices;
    private final Ticker ticker;
    private final Admission admission;
    private final Delivery delivery = new Delivery();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final FairQueue queue = new FairQueue();
    private final Map<String, Integer> active = new HashMap<>();
    private int reserved;
    private Running running;
    private boolean acceptingJobs = true;
    private boolean stopping;
    private Thread worker;

    private final DispatchMetrics metrics;
    /** In a frontend of a cluster, the shared queue's side; null when this process runs its own jobs. */
    private final FrontendQueue front;

    private record Running(Job job, CancellationToken token, long startedNanos) {
    }

    /**
     * A dispatcher that has not started its worker yet: register sinks, call {@link #recover()}, then {@link #start()}.
     *
     * @param notices the sentences for jobs the dispatcher ends itself (the command core's {@code Messages.JOB_NOTICES})
     * @param ticker monotonic nanoseconds ({@link Ticker#systemTicker()} in production) for every duration it measures
     */
    public Dispatcher(ImageEngine engine, JobJournal journal, DispatchLimits limits, JobNotices notices, Ticker ticker,
            MeterRegistry metrics) {
        this(engine, journal, limits, notices, ticker, metrics, BucketStore.inProcess(ticker));
    }

    /**
     * A dispatcher whose rate limits live in {@code buckets}: {@link BucketStore#inProcess(Ticker)} for one process,
     * a store the frontends of a cluster share otherwise.
     */
    public Dispatcher(ImageEngine engine, JobJournal journal, DispatchLimits limits, JobNotices notices, Ticker ticker,
            MeterRegistry metrics, BucketStore buckets) {
        this(engine, null, journal, limits, notices, ticker, metrics, buckets);
    }

    private Dispatcher(ImageEngine engine, SharedQueue shared, JobJournal journal, DispatchLimits limits,
            JobNotices notices, Ticker ticker, MeterRegistry metrics, BucketStore buckets) {
        this.engine = engine;
        this.journal = journal;
        this.limits = limits;
        this.notices = notices;
        this.ticker = ticker;
        this.admission = new Admission(limits, buckets);
        this.metrics = new DispatchMetrics(metrics, ticker, this::queueLength);
        this.front = shared == null ? null
                : new FrontendQueue(shared, journal, limits, admission, delivery, this.metrics);
    }

    /**
     * The dispatcher of a cluster's frontend: the same limits (the token buckets here, the per-user cap and the
     * capacity checked by {@code shared} across the cluster) and the same sinks, but jobs go into {@code shared} for
     * workers in other processes, and {@link #start()} starts a thread that relays what they report to the sinks.
     * {@link #recover()} delivers results finished while no frontend ran; it never touches queued or running jobs,
     * which belong to the workers.
     *
     * @param journal where delivery is marked and undelivered results are found
     */
    public static Dispatcher frontend(SharedQueue shared, JobJournal journal, DispatchLimits limits, JobNotices notices,
            Ticker ticker, MeterRegistry metrics) {
        return frontend(shared, journal, limits, notices, ticker, metrics, BucketStore.inProcess(ticker));
    }

    /** {@link #frontend(SharedQueue, JobJournal, DispatchLimits, JobNotices, Ticker, MeterRegistry)} whose token
     * buckets live in {@code buckets} (on PostgreSQL, shared by every frontend of the cluster). */
    public static Dispatcher frontend(SharedQueue shared, JobJournal journal, DispatchLimits limits, JobNotices notices,
            Ticker ticker, MeterRegistry metrics, BucketStore buckets) {
        return new Dispatcher(null, java.util.Objects.requireNonNull(shared, "shared"), journal, limits, notices,
                ticker, metrics, buckets);
    }

    /** Sends the events of jobs from {@code platform} to {@code sink}, replacing any earlier one. */
    public void registerSink(String platform, JobSink sink) {
        delivery.register(platform, sink);
    }

    /**
     * Resumes the jobs the journal holds as unfinished: queued ones in their order, a running one retried once (a
     * second interruption fails it with a message). Sends each a {@link JobEvent.Queued} or a {@link JobEvent.Failed}.
     */
    public void recover() {
        if (front != null) {
            front.recover();
            return;
        }
        for (JobJournal.Finished finished : journal.undelivered()) {
            LOG.info("Delivering the result of job {} that finished before the restart", finished.job().id());
            metrics.redelivered();
            deliver(finished.job(), finished.finalEvent());
        }
        for (Job job : journal.unfinished()) {
            if (job.attempt() > MAX_ATTEMPTS) {
                String message = notices.interruptedTwice();
                journal.markFailed(job.id(), message);
                metrics.finished("failed");
                deliver(job, new JobEvent.Failed(message));
                continue;
            }
            int position;
            lock.lock();
            try {
                queue.add(job);
                active.merge(job.requester().key(), 1, Integer::sum);
                position = queue.positionOf(job.id()) + (running == null ? 0 : 1);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.info("Resumed job {} (attempt {})", job.id(), job.attempt());
            deliver(job, new JobEvent.Queued(position));
        }
    }

    /**
     * Submits a job: checks the limits, records it, queues it, sends {@link JobEvent.Queued} to its sink.
     *
     * @return accepted with its id and queue position, or rejected with a sentence that says why and when to retry
     */
    public SubmitResult submit(Requester requester, ChatTarget target, JobSpec spec) {
        if (front != null) {
            return front.submit(requester, target, spec);
        }
        String user = requester.key();
        lock.lock();
        try {
            if (!acceptingJobs) {
                return reject(SubmitResult.Reason.SHUTTING_DOWN);
            }
            Optional<SubmitResult.Rejected> refused = admission.admit(requester, spec, active.getOrDefault(user, 0),
                    queue.size() + reserved);
            if (refused.isPresent()) {
                metrics.rejected(refused.get().reason());
                return refused.get();
            }
            reserved++;
            active.merge(user, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        long id;
        try {
            id = journal.recordQueued(requester, target, spec);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                reserved--;
                decrementActive(user);
            } finally {
                lock.unlock();
            }
            admission.giveBack(requester, spec);
            LOG.error("Recording a job failed", e);
            return reject(SubmitResult.Reason.NOT_RECORDED);
        }
        Job job = new Job(id, requester, target, spec, 1);
        int position;
        lock.lock();
        try {
            reserved--;
            queue.add(job);
            position = queue.positionOf(id) + (running == null ? 0 : 1);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Job {} queued at {} for {}: {}", id, position, user, printable(spec.request().prompt()));
        }
        deliver(job, new JobEvent.Queued(position));
        return new SubmitResult.Accepted(id, position);
    }

    /** A refusal that trying again in a minute can fix (shutting down, the journal failed). */
    private SubmitResult reject(SubmitResult.Reason reason) {
        metrics.rejected(reason);
        return new SubmitResult.Rejected(reason, Duration.ofMinutes(1), 0, 0, Optional.empty());
    }

    /**
     * Cancels a job: a queued one is removed at once (and its {@link JobEvent.Cancelled} sent), a running one stops at
     * its next step.
     *
     * @return false when the job is neither queued nor running
     */
    public boolean cancel(long id, String reason) {
        if (front != null) {
            return front.cancel(id);
        }
        Job removed = null;
        lock.lock();
        try {
            if (running != null && running.job().id() == id) {
                running.token().cancel(reason);
                return true;
            }
            for (Job job : queue.projectedOrder()) {
                if (job.id() == id) {
                    removed = job;
                    break;
                }
            }
            if (removed == null || !queue.remove(id)) {
                return false;
            }
            decrementActive(removed.requester().key());
        } finally {
            lock.unlock();
        }
        journal.markCancelled(id, reason);
        metrics.finished("cancelled");
        deliver(removed, new JobEvent.Cancelled(reason));
        return true;
    }

    /**
     * Remembers the adapter's status message of a job (the message it edits as the job moves), in memory and in the
     * journal, so later events, also after a restart, carry it in {@link Job#target()}.
     */
    public void setStatusMessage(long id, String messageId) {
        delivery.rememberStatusMessage(id, messageId);
        journal.setStatusMessage(id, messageId);
    }

    /**
     * Says that a job's final event reached the user; until then a restart delivers it again. Adapters call this
     * once they have sent the result (or the failure or cancellation notice).
     */
    public void confirmDelivered(long id) {
        delivery.forget(id);
        journal.markDelivered(id);
    }

    /** The requester's queued and running jobs' ids, running first, then in queue order. */
    public List<Long> jobsOf(Requester requester) {
        if (front != null) {
            return front.jobsOf(requester);
        }
        lock.lock();
        try {
            java.util.ArrayList<Long> ids = new java.util.ArrayList<>();
            if (running != null && running.job().requester().key().equals(requester.key())) {
                ids.add(running.job().id());
            }
            for (Job job : queue.projectedOrder()) {
                if (job.requester().key().equals(requester.key())) {
                    ids.add(job.id());
                }
            }
            return ids;
        } finally {
            lock.unlock();
        }
    }

    /** How many jobs run before job {@code id} (0: it runs next or is running), or empty when unknown. */
    public Optional<Integer> position(long id) {
        if (front != null) {
            return front.position(id);
        }
        lock.lock();
        try {
            if (running != null && running.job().id() == id) {
                return Optional.of(0);
            }
            int position = queue.positionOf(id);
            return position < 0 ? Optional.empty() : Optional.of(position + (running == null ? 0 : 1));
        } finally {
            lock.unlock();
        }
    }

    /** What a health check needs to know about the worker, read under the dispatcher's lock. */
    public WorkerState workerState() {
        if (front != null) {
            return new WorkerState(front.relayAlive() ? WorkerState.Thread.ALIVE : WorkerState.Thread.STOPPED,
                    front.stopping(), Optional.empty(), Duration.ZERO, limits.timeLimit(), 0);
        }
        Thread thread;
        synchronized (this) {
            thread = worker;
        }
        lock.lock();
        try {
            WorkerState.Thread threadState = thread == null ? WorkerState.Thread.NOT_STARTED
                    : thread.isAlive() ? WorkerState.Thread.ALIVE : WorkerState.Thread.STOPPED;
            return new WorkerState(threadState, stopping || !acceptingJobs,
                    running == null ? Optional.empty() : Optional.of(running.job().id()),
                    running == null ? Duration.ZERO : Duration.ofNanos(ticker.read() - running.startedNanos()),
                    limits.timeLimit(), queue.size());
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting (not counting the running one). */
    public int queueLength() {
        if (front != null) {
            return front.queueLength();
        }
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the next job on the calling thread, if there is one. The background worker calls this in a loop; tests
     * call it directly to run jobs deterministically.
     *
     * @return false when the queue was empty
     */
    public boolean runNext() {
        if (front != null) {
            return false;
        }
        Running current;
        lock.lock();
        try {
            if (!acceptingJobs) {
                return false;
            }
            Job job = queue.poll();
            if (job == null) {
                return false;
            }
            current = new Running(job, new CancellationToken(), ticker.read());
            running = current;
        } finally {
            lock.unlock();
        }
        try {
            execute(current);
        } finally {
            metrics.busy(ticker.read() - current.startedNanos());
            lock.lock();
            try {
                running = null;
                decrementActive(current.job().requester().key());
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    private void execute(Running current) {
        Job job = current.job();
        try {
            journal.markRunning(job.id(), job.attempt());
        } catch (RuntimeException e) {
            LOG.error("Marking job {} running failed; running it anyway", job.id(), e);
        }
        deliver(job, new JobEvent.Started());
        long[] lastStep = {ticker.read()};
        Consumer<JobEvent.Progress> steps = progress -> {
            long now = ticker.read();
            metrics.step(now - lastStep[0]);
            lastStep[0] = now;
            Duration runFor = Duration.ofNanos(now - current.startedNanos());
            if (runFor.compareTo(limits.timeLimit()) > 0) {
                current.token().cancel(notices.overTimeLimit(limits.timeLimit()));
            }
            deliver(job, progress);
        };
        try {
            JobEvent.Done done = job.spec().animation() != null
                    ? Animations.run(engine, job.spec().animation(), steps, current.token())
                    : new JobEvent.Done(engine.generate(job.spec().request(), progress -> steps.accept(
                            new JobEvent.Progress(progress.step(), progress.totalSteps(), progress.elapsed())),
                            current.token()));
            journal.markDone(job.id(), done);
            metrics.finished("done");
            deliver(job, done);
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.CANCELLED) {
                if (isStopping()) {
                    journal.requeue(job.id());
                    LOG.info("Job {} was interrupted by shutdown and goes back to the queue", job.id());
                    return;
                }
                journal.markCancelled(job.id(), e.getMessage());
                metrics.finished("cancelled");
                deliver(job, new JobEvent.Cancelled(e.getMessage()));
            } else {
                LOG.warn("Job {} failed: {}", job.id(), e.getMessage());
                journal.markFailed(job.id(), e.getMessage());
                metrics.finished("failed");
                deliver(job, new JobEvent.Failed(e.getMessage()));
            }
        } catch (RuntimeException e) {
            LOG.error("Job {} failed unexpectedly", job.id(), e);
            String message = notices.failedUnexpectedly();
            try {
                journal.markFailed(job.id(), message);
            } catch (RuntimeException journalFailure) {
                LOG.error("Recording the failure of job {} failed too", job.id(), journalFailure);
            }
            metrics.finished("failed");
            deliver(job, new JobEvent.Failed(message));
        }
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private void decrementActive(String user) {
        active.computeIfPresent(user, (k, v) -> v <= 1 ? null : v - 1);
    }

    private void deliver(Job job, JobEvent event) {
        delivery.deliver(job, event);
    }

    /** Starts the background worker thread, which runs jobs until {@link #shutdown}. */
    public synchronized void start() {
        if (front != null) {
            front.start();
            return;
        }
        if (worker != null) {
            throw new IllegalStateException("already started");
        }
        worker = new Thread(this::work, "imagine-engine");
        worker.setDaemon(false);
        worker.start();
    }

    private void work() {
        while (true) {
            lock.lock();
            try {
                while (!stopping && (queue.size() == 0 || !acceptingJobs)) {
                    changed.awaitUninterruptibly();
                }
                if (stopping) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                runNext();
            } catch (RuntimeException | Error e) {
                LOG.error("The engine worker caught an unexpected failure; it goes on with the next job", e);
            }
        }
    }

    /**
     * Stops taking jobs, lets the running job finish for up to {@code grace}, then cancels it at its next step and
     * puts it back in the queue; queued jobs stay in the journal for the next start.
     *
     * @return true when the worker stopped within the grace period plus one step
     */
    public boolean shutdown(Duration grace) {
        if (front != null) {
            return front.shutdown(grace);
        }
        Thread thread;
        lock.lock();
        try {
            acceptingJobs = false;
            long deadline = System.nanoTime() + grace.toNanos();
            while (running != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            stopping = true;
            if (running != null) {
                running.token().cancel(notices.restarting());
            }
            changed.signalAll();
            thread = worker;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
        if (thread == null) {
            return true;
        }
        try {
            thread.join(Math.max(1, grace.toMillis()) + 60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** A prompt fit for a log line: control characters (newlines, escapes) replaced, cut to 200 characters. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        return text.length() > 200 ? out + "..." : out.toString();
    }
}
