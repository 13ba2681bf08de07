package dev.imagine.bot.service;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobJournal;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ModelInfo;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationRepository;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.ReplyTarget;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.Storage;
import dev.imagine.storage.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's journal in H2: every job is a generation row, recorded before the user hears it is queued, with
 * its reply target; the status moves queued, running, done/failed/cancelled; a run counts as an attempt; delivery is
 * marked so a result finished just before a crash still reaches its chat. Thread-safe (storage serialises writes).
 * Does not own the storage.
 */
public final class StorageJournal implements JobJournal {
    private static final Logger LOG = LoggerFactory.getLogger(StorageJournal.class);
    /** Results older than this are not delivered again after a restart. */
    static final Duration REDELIVERY_WINDOW = Duration.ofHours(24);

    private final Storage storage;
    private final GenerationRepository generations;
    private final ModelInfo model;

    /** A journal over {@code storage} for jobs run on {@code model}. */
    public StorageJournal(Storage storage, ModelInfo model) {
        this.storage = storage;
        this.generations = storage.generations();
        this.model = model;
    }

    @Override
    public long recordQueued(Requester requester, ChatTarget target, JobSpec spec) {
        User user = storage.users().ensure(requester.platform(), requester.userId(), requester.displayName());
        ReplyTarget stored = new ReplyTarget(target.guildId(), target.chatId(),
                target.messageId(), null);
        return generations.record(new NewGeneration(user.id(), kind(spec.kind()), spec.parentId(),
                StoredJobs.model(model), spec.animation() != null ? StoredJobs.parameters(spec.animation())
                        : StoredJobs.parameters(spec.request()), stored), spec.initImageBytes());
    }

    static GenerationKind kind(JobSpec.Kind kind) {
        switch (kind) {
            case IMG2IMG:
                return GenerationKind.IMG2IMG;
            case VARIATION:
                return GenerationKind.VARIATION;
            case UPSCALE:
                return GenerationKind.UPSCALE;
            case ANIMATION:
                return GenerationKind.ANIMATION;
            default:
                return GenerationKind.TXT2IMG;
        }
    }

    private static JobSpec.Kind kind(GenerationKind kind) {
        switch (kind) {
            case IMG2IMG:
                return JobSpec.Kind.IMG2IMG;
            case VARIATION:
                return JobSpec.Kind.VARIATION;
            case UPSCALE:
                return JobSpec.Kind.UPSCALE;
            case ANIMATION:
                return JobSpec.Kind.ANIMATION;
            default:
                return JobSpec.Kind.TXT2IMG;
        }
    }

    @Override
    public void markRunning(long id, int attempt) {
        generations.markRunning(id);
    }

    @Override
    public void markDone(long id, GenerationResult result) {
        generations.markDone(id, StoredJobs.parameters(result.request()), StoredJobs.images(result),
                result.timings().total().toMillis());
    }

    @Override
    public void markDone(long id, JobEvent.Done done) {
        if (done.animation() == null) {
            markDone(id, done.result());
            return;
        }
        AnimationResult result = done.animation().result();
        generations.markDone(id, StoredJobs.parameters(result.request()), StoredJobs.images(result,
                done.animation().video()), result.elapsed().toMillis());
    }

    @Override
    public void markFailed(long id, String userMessage) {
        generations.markFailed(id, userMessage);
    }

    @Override
    public void markCancelled(long id, String reason) {
        generations.markCancelled(id);
    }

    @Override
    public void requeue(long id) {
        generations.requeue(id);
    }

    @Override
    public void setStatusMessage(long id, String messageId) {
        generations.setReplyMessage(id, messageId);
    }

    @Override
    public void markDelivered(long id) {
        generations.markDelivered(id);
    }

    @Override
    public List<Job> unfinished() {
        List<Job> jobs = new ArrayList<>();
        for (Generation generation : generations.unfinished()) {
            if (generation.status() == GenerationStatus.RUNNING) {
                // Interrupted mid-run: back to the queue; its start stays counted, so a second crash fails it.
                generations.requeue(generation.id());
            }
            Job job = job(generation, generation.attempts() + 1);
            if (job != null) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    @Override
    public List<Finished> undelivered() {
        List<Finished> finished = new ArrayList<>();
        for (Generation generation : generations.undelivered(REDELIVERY_WINDOW)) {
            Job job = job(generation, Math.max(1, generation.attempts()));
            if (job == null) {
                continue;
            }
            finished.add(new Finished(job, finalEvent(generation)));
        }
        return finished;
    }

    /** The final event of a finished generation, rebuilt from what was stored. */
    JobEvent finalEvent(Generation generation) {
        if (generation.status() == GenerationStatus.DONE) {
            try {
                return done(generation);
            } catch (RuntimeException e) {
                LOG.warn("The result of generation {} cannot be read back ({}); telling the user", generation.id(),
                        e.getMessage());
                return new JobEvent.Failed(Messages.storedResultDamaged());
            }
        }
        if (generation.status() == GenerationStatus.FAILED) {
            return new JobEvent.Failed(generation.error() == null ? Messages.jobFailed() : generation.error());
        }
        return new JobEvent.Cancelled(generation.error() == null ? Messages.jobCancelled() : generation.error());
    }

    private JobEvent.Done done(Generation generation) {
        if (generation.kind() == GenerationKind.ANIMATION) {
            AnimationResult animation = StoredJobs.animation(generation, generations);
            return JobEvent.Done.animation(animation, StoredJobs.video(generation, generations, animation));
        }
        return new JobEvent.Done(StoredJobs.result(generation, generations));
    }

    /** The dispatcher's view of a stored generation, or null (logged) when it can no longer be run. */
    Job job(Generation generation, int attempt) {
        User user = storage.users().find(generation.userId()).orElse(null);
        if (user == null) {
            LOG.warn("Generation {} has no user; skipped", generation.id());
            return null;
        }
        ReplyTarget stored = generation.replyTarget();
        String chat = stored.channelId() != null ? stored.channelId() : user.externalId();
        String message = stored.replyMessageId() != null ? stored.replyMessageId() : stored.requestMessageId();
        try {
            RerunSpec spec = generations.rerunSpec(generation.id()).orElseThrow();
            JobSpec jobSpec = generation.kind() == GenerationKind.ANIMATION
                    ? JobSpec.animation(StoredJobs.animation(spec.parameters()), generation.parentId())
                    : new JobSpec(StoredJobs.request(spec, null), spec.initImage(), kind(generation.kind()),
                            generation.parentId());
            return new Job(generation.id(), new Requester(generation.platform(), user.externalId(),
                    user.displayName() == null ? "" : user.displayName(), Set.of()),
                    new ChatTarget(generation.platform(), stored.guildId(), chat, message), jobSpec, attempt);
        } catch (RuntimeException e) {
            LOG.warn("Generation {} cannot be resumed: {}", generation.id(), e.getMessage());
            if (generation.status() == GenerationStatus.QUEUED || generation.status() == GenerationStatus.RUNNING) {
                generations.markFailed(generation.id(), Messages.notResumable(e.getMessage()));
            }
            return null;
        }
    }
}
