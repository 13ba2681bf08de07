package dev.imagine.bot.discord;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Discord sink of the dispatcher: each job has one status message that is edited as the job moves (queued with
 * its position, started, progress at most once per {@link DiscordOptions#progressInterval()}, all with a Cancel
 * button), and then shows the pictures, the caption and the result buttons.
 *
 * <p>While the interaction that asked for the job is fresh, the status message is the interaction's reply, edited
 * through its token. Once the token is old ({@link DiscordOptions#interactionLifetime()}, by the injected clock) or
 * refused, and for jobs this process has no interaction for (resumed after a restart), messages go to the job's
 * stored channel: the status message is edited there, and the final event is posted as a new message that replies to
 * the status message and mentions the requester, so it always arrives. The dispatcher learns the status message
 * ({@link Dispatcher#setStatusMessage}) once it exists and the delivery ({@link Dispatcher#confirmDelivered}) once the
 * final message is out.
 *
 * <p>Events of a job that is being submitted arrive before the adapter knows the interaction; they wait (the latest
 * status and any final event) until {@link #bindHook} or, when no submission is under way, go to the channel. Each
 * job's requests to Discord run one after another on the adapter's executor; a status edit that has not started yet
 * is replaced by a newer one. Thread-safe.
 */
final class JobMessages implements JobSink {
    private static final Logger LOG = LoggerFactory.getLogger(JobMessages.class);

    /** Where a job's messages go when no interaction can be used. */
    interface Channels {
        /** The job's channel: a server channel from the cache, or the requester's direct-message channel. */
        CompletableFuture<MessageChannel> channel(Job job);

        /** The largest file the job's chat accepts, in bytes. */
        long uploadLimit(Job job);

        /** Whether the job's channel is marked age-restricted (NSFW); false when unknown. */
        boolean ageRestricted(Job job);
    }

    final Dispatcher dispatcher;
    final Clock clock;
    final DiscordOptions options;
    final Activity activity;
    final Executor executor;
    final Channels channels;
    final SafetyPolicy safety;
    private final Map<Long, LiveJob> jobs = new HashMap<>();
    private int submissions;
    private volatile boolean closed;

    JobMessages(Dispatcher dispatcher, Clock clock, DiscordOptions options, Activity activity, Executor executor,
            Channels channels, SafetyPolicy safety) {
        this.safety = safety;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.options = options;
        this.activity = activity;
        this.executor = executor;
        this.channels = channels;
    }

    @Override
    public void deliver(Job job, JobEvent event) {
        if (closed) {
            LOG.debug("Event {} of job {} arrived after the Discord adapter closed; dropped", event, job.id());
            return;
        }
        String status = event.isFinal() ? null : Messages.status(event, dispatcher.queueLength());
        LiveJob live;
        boolean toChannel;
        synchronized (this) {
            live = jobs.get(job.id());
            toChannel = live == null && (job.target().messageId() != null || submissions == 0);
            if (live == null) {
                live = new LiveJob(this, job.id());
                jobs.put(job.id(), live);
            }
        }
        live.on(job, event, status);
        if (toChannel) {
            live.bindChannel();
        }
    }

    /** A command that may submit a job starts; its job's events wait for {@link #bindHook}. */
    synchronized void beginSubmission() {
        submissions++;
    }

    /** The command ended (after {@link #bindHook}, if it queued a job); events nobody claimed go to the channel. */
    void endSubmission() {
        List<LiveJob> unclaimed = new ArrayList<>();
        synchronized (this) {
            if (--submissions > 0) {
                return;
            }
            submissions = 0;
            for (LiveJob live : jobs.values()) {
                if (!live.isBound()) {
                    unclaimed.add(live);
                }
            }
        }
        unclaimed.forEach(LiveJob::bindChannel);
    }

    /**
     * Job {@code generationId} was queued by an interaction whose reply was deferred: its status message is that
     * reply, edited through {@code hook} until {@code expiresAt}.
     *
     * @param queuedText the status to show until a newer event arrives
     */
    void bindHook(long generationId, InteractionHook hook, Instant expiresAt, String queuedText) {
        LiveJob live;
        synchronized (this) {
            live = jobs.computeIfAbsent(generationId, id -> new LiveJob(this, id));
        }
        live.bindHook(hook, expiresAt, queuedText);
    }

    /** Drops later events: a final one is delivered again after the restart, as it is not confirmed. */
    void close() {
        closed = true;
    }

    synchronized void forget(long generationId) {
        jobs.remove(generationId);
    }
}
