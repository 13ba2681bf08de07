package dev.imagine.bot.service;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.dispatch.SharedQueue;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.ModelInfo;
import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.QueueListener;
import dev.imagine.storage.ReplyTarget;
import dev.imagine.storage.Storage;
import dev.imagine.storage.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frontend's side of the cluster's {@link ClusterQueue}: jobs become queued generations (the per-user cap and the
 * capacity checked in the insert's transaction), and the workers' signals (a job started, a step, a job finished)
 * become events for the chat, read back from storage. It settles expired leases now and then, so a job whose worker
 * died is put back (or failed after its last attempt) even while every other worker is busy or gone. Does not own
 * the storage; {@link #close()} stops listening.
 */
final class ClusterFront implements SharedQueue, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFront.class);
    /** The signals a frontend acts on: a job finished, a job's progress. */
    private static final Set<QueueListener.Channel> SIGNALS = EnumSet.of(QueueListener.Channel.FINISHED,
            QueueListener.Channel.PROGRESS);
    private static final int CACHED_JOBS = 1000;

    private final Storage storage;
    private final ClusterQueue queue;
    private final StorageJournal journal;
    private final ModelInfo model;
    private final ClusterSettings settings;
    private final ClusterMetrics metrics;
    private final Map<Long, Job> jobs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Job> eldest) {
            return size() > CACHED_JOBS;
        }
    };
    private QueueListener listener;
    private long nextHousekeeping;

    ClusterFront(Storage storage, StorageJournal journal, ModelInfo model, ClusterSettings settings,
            ClusterMetrics metrics) {
        this.storage = storage;
        this.queue = storage.queue();
        this.journal = journal;
        this.model = model;
        this.settings = settings;
        this.metrics = metrics;
        this.listener = queue.listen(SIGNALS);
        queue.beat(settings.nodeName(), "frontend", true);
    }

    @Override
    public Entry enqueue(Requester requester, ChatTarget target, JobSpec spec, int perUserCap, int capacity) {
        User user = storage.users().ensure(requester.platform(), requester.userId(), requester.displayName());
        NewGeneration request = new NewGeneration(user.id(), StorageJournal.kind(spec.kind()), spec.parentId(),
                StoredJobs.model(model), StoredJobs.parameters(spec.request()),
                new ReplyTarget(target.guildId(), target.chatId(), target.messageId(), null));
        ClusterQueue.Admission admission = queue.enqueue(request, spec.initImageBytes(), perUserCap, capacity);
        if (admission instanceof ClusterQueue.Admission.Queued queued) {
            Job job = new Job(queued.id(), requester, target, spec, 1);
            synchronized (jobs) {
                jobs.put(queued.id(), job);
            }
            boolean noWorker = queue.nodesAlive("worker", settings.leaseTimeout()) == 0;
            return new Entry.Queued(queued.id(), queued.position() - 1, noWorker);
        }
        if (admission instanceof ClusterQueue.Admission.UserFull full) {
            return new Entry.UserFull(full.cap());
        }
        return new Entry.QueueFull(((ClusterQueue.Admission.QueueFull) admission).capacity());
    }

    @Override
    public boolean cancel(long id) {
        Optional<GenerationStatus> status = queue.requestCancel(id);
        return status.isPresent() && (status.get() == GenerationStatus.CANCELLED
                || status.get() == GenerationStatus.RUNNING);
    }

    @Override
    public List<Long> jobsOf(Requester requester) {
        return storage.users().find(requester.platform(), requester.userId()).map(user -> queue.activeJobs(user.id()))
                .orElse(List.of());
    }

    @Override
    public Optional<Integer> position(long id) {
        return queue.position(id);
    }

    @Override
    public int queueLength() {
        return (int) Math.min(Integer.MAX_VALUE, queue.depth());
    }

    @Override
    public List<Update> await(Duration max) {
        housekeeping();
        List<QueueListener.Signal> signals;
        try {
            if (listener == null) {
                listener = queue.listen(SIGNALS);
                // Signals sent while nobody listened are lost: whatever finished meanwhile is delivered now.
                return undelivered();
            }
            signals = listener.await(max);
        } catch (RuntimeException e) {
            LOG.warn("Listening to the cluster's queue failed ({}); listening again", e.getMessage());
            closeListener();
            pause(max);
            return List.of();
        }
        List<Update> updates = new ArrayList<>();
        for (QueueListener.Signal signal : signals) {
            try {
                update(signal).ifPresent(updates::add);
            } catch (RuntimeException e) {
                LOG.warn("Job {}'s news could not be read ({}); skipped", signal.id(), e.getMessage());
            }
        }
        return updates;
    }

    private Optional<Update> update(QueueListener.Signal signal) {
        switch (signal.channel()) {
            case FINISHED: {
                Generation generation = storage.generations().find(signal.id()).orElse(null);
                if (generation == null || !generation.status().isFinal()) {
                    return Optional.empty();
                }
                Job job = job(generation);
                synchronized (jobs) {
                    jobs.remove(signal.id());
                }
                return job == null ? Optional.empty() : Optional.of(new Update(job, journal.finalEvent(generation)));
            }
            case PROGRESS: {
                QueueListener.Progress progress = signal.progress();
                Job job = cached(signal.id());
                if (job == null) {
                    return Optional.empty();
                }
                JobEvent event = progress.step() == 0 ? new JobEvent.Started()
                        : new JobEvent.Progress(progress.step(), progress.totalSteps(),
                                Duration.ofMillis(progress.elapsedMillis()));
                return Optional.of(new Update(job, event));
            }
            default:
                return Optional.empty();
        }
    }

    private Job cached(long id) {
        synchronized (jobs) {
            Job job = jobs.get(id);
            if (job != null) {
                return job;
            }
        }
        Generation generation = storage.generations().find(id).orElse(null);
        Job job = generation == null ? null : job(generation);
        if (job != null) {
            synchronized (jobs) {
                jobs.put(id, job);
            }
        }
        return job;
    }

    private Job job(Generation generation) {
        return journal.job(generation, Math.max(1, generation.attempts()));
    }

    private List<Update> undelivered() {
        List<Update> updates = new ArrayList<>();
        journal.undelivered().forEach(f -> updates.add(new Update(f.job(), f.finalEvent())));
        return updates;
    }

    /** Now and then: beat as a node, and settle the leases of workers that died. */
    private void housekeeping() {
        long now = System.nanoTime();
        if (now - nextHousekeeping < 0) {
            return;
        }
        nextHousekeeping = now + settings.beatInterval().toNanos();
        try {
            queue.beat(settings.nodeName(), "frontend", false);
            List<Long> expired = queue.expireLeases(settings.maxAttempts(),
                    Messages.workersLost(settings.maxAttempts()));
            if (!expired.isEmpty()) {
                LOG.warn("The leases of jobs {} ran out (their worker stopped); they go to another worker", expired);
                metrics.leasesExpired(expired.size());
            }
        } catch (RuntimeException e) {
            LOG.warn("The cluster's housekeeping failed: {}", e.getMessage());
        }
    }

    private static void pause(Duration max) {
        try {
            Thread.sleep(Math.max(1, max.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeListener() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    @Override
    public void close() {
        closeListener();
    }
}
