package dev.imagine.bot.discord;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSink;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.requests.restaction.MessageCreateAction;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
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
    private static final String FINISHED_ABOVE = "Finished: see the reply below.";

    /** Where a job's messages go when no interaction can be used. */
    interface Channels {
        /** The job's channel: a server channel from the cache, or the requester's direct-message channel. */
        CompletableFuture<MessageChannel> channel(Job job);

        /** The largest file the job's chat accepts, in bytes. */
        long uploadLimit(Job job);

        /** Whether the job's channel is marked age-restricted (NSFW); false when unknown. */
        boolean ageRestricted(Job job);
    }

    private final Dispatcher dispatcher;
    private final Clock clock;
    private final DiscordOptions options;
    private final Activity activity;
    private final Executor executor;
    private final Channels channels;
    private final SafetyPolicy safety;
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
                live = new LiveJob(job.id());
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
            live = jobs.computeIfAbsent(generationId, LiveJob::new);
        }
        live.bindHook(hook, expiresAt, queuedText);
    }

    /** Drops later events: a final one is delivered again after the restart, as it is not confirmed. */
    void close() {
        closed = true;
    }

    private synchronized void forget(long generationId) {
        jobs.remove(generationId);
    }

    /** A status message's look. */
    private record StatusView(String text, boolean cancellable) {
    }

    /** One job's messages. Its requests run in order on {@link #tail}. */
    private final class LiveJob {
        private final long id;
        private Job job;
        private boolean bound;
        private InteractionHook hook;
        private Instant hookExpires = Instant.MIN;
        private boolean hookRefused;
        private String statusMessageId;
        private JobEvent waitingStatus;
        private String waitingStatusText;
        private JobEvent waitingFinal;
        private Instant lastProgress;
        private StatusView pendingStatus;
        private boolean finished;
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        LiveJob(long id) {
            this.id = id;
        }

        synchronized boolean isBound() {
            return bound;
        }

        synchronized void on(Job newest, JobEvent event, String status) {
            job = newest;
            if (statusMessageId == null && newest.target().messageId() != null) {
                statusMessageId = newest.target().messageId();
            }
            if (finished) {
                return;
            }
            if (!bound) {
                if (event.isFinal()) {
                    waitingFinal = event;
                } else {
                    waitingStatus = event;
                    waitingStatusText = status;
                }
                return;
            }
            if (event.isFinal()) {
                finish(event);
                return;
            }
            if (event instanceof JobEvent.Progress) {
                Instant now = clock.instant();
                if (lastProgress != null
                        && Duration.between(lastProgress, now).compareTo(options.progressInterval()) < 0) {
                    return;
                }
                lastProgress = now;
            }
            showStatus(new StatusView(status, true));
        }

        synchronized void bindHook(InteractionHook interactionHook, Instant expiresAt, String queuedText) {
            if (bound) {
                return;
            }
            bound = true;
            hook = interactionHook;
            hookExpires = expiresAt;
            catchUp(waitingStatus == null || waitingStatus instanceof JobEvent.Queued ? queuedText
                    : waitingStatusText);
        }

        synchronized void bindChannel() {
            if (bound) {
                return;
            }
            bound = true;
            catchUp(waitingStatus == null ? null : waitingStatusText);
        }

        private void catchUp(String status) {
            if (waitingStatus instanceof JobEvent.Progress) {
                lastProgress = clock.instant();
            }
            if (waitingFinal != null) {
                finish(waitingFinal);
            } else if (status != null) {
                showStatus(new StatusView(status, true));
            }
            waitingStatus = null;
            waitingStatusText = null;
            waitingFinal = null;
        }

        private boolean hookUsable() {
            return hook != null && !hookRefused && clock.instant().isBefore(hookExpires);
        }

        private void showStatus(StatusView view) {
            boolean scheduled = pendingStatus != null;
            pendingStatus = view;
            if (!scheduled) {
                enqueue(this::sendStatus);
            }
        }

        private void finish(JobEvent event) {
            finished = true;
            pendingStatus = null;
            enqueue(() -> sendFinal(event));
        }

        private void enqueue(Supplier<CompletableFuture<?>> step) {
            activity.begin();
            tail = tail.handleAsync((ignored, failure) -> null, executor)
                    .thenCompose(ignored -> {
                        try {
                            return step.get();
                        } catch (RuntimeException e) {
                            return CompletableFuture.failedFuture(e);
                        }
                    })
                    .handle((ignored, failure) -> {
                        if (failure != null) {
                            LOG.warn("A Discord message of job {} failed: {}", id, failure.toString());
                        }
                        activity.end();
                        return null;
                    });
        }

        private CompletableFuture<?> sendStatus() {
            StatusView view;
            Job current;
            boolean viaHook;
            String messageId;
            synchronized (this) {
                view = pendingStatus;
                pendingStatus = null;
                current = job;
                viaHook = hookUsable();
                messageId = statusMessageId;
            }
            if (view == null || (!viaHook && current == null)) {
                return CompletableFuture.completedFuture(null);
            }
            List<ActionRow> rows = view.cancellable() ? ButtonRows.status(id) : List.of();
            if (viaHook) {
                MessageEditData edit = new MessageEditBuilder().setContent(view.text()).setComponents(rows).build();
                return hook.editOriginal(edit).submit()
                        .thenAcceptAsync(message -> rememberStatus(message.getId()), executor)
                        .exceptionally(failure -> {
                            if (Failures.isExpiredInteraction(failure)) {
                                refuseHook(failure);
                            } else {
                                LOG.debug("Editing the status of job {} failed: {}", id, failure.toString());
                            }
                            return null;
                        });
            }
            return channels.channel(current).thenCompose(channel -> {
                if (messageId != null) {
                    return channel.editMessageById(messageId, new MessageEditBuilder().setContent(view.text())
                            .setComponents(rows).build()).submit().thenApply(message -> (Void) null);
                }
                return channel.sendMessage(new MessageCreateBuilder().setContent(view.text()).setComponents(rows)
                        .build()).submit().thenAcceptAsync(message -> rememberStatus(message.getId()), executor);
            }).exceptionally(failure -> {
                LOG.debug("Showing the status of job {} in its channel failed: {}", id, failure.toString());
                return null;
            });
        }

        private void rememberStatus(String messageId) {
            synchronized (this) {
                if (messageId.equals(statusMessageId)) {
                    return;
                }
                statusMessageId = messageId;
            }
            dispatcher.setStatusMessage(id, messageId);
        }

        /** The interaction's token no longer works: later messages go to the channel. Logged once. */
        private void refuseHook(Throwable failure) {
            synchronized (this) {
                if (hookRefused) {
                    return;
                }
                hookRefused = true;
            }
            LOG.info("The interaction of job {} no longer takes edits ({}); its messages go to its channel", id,
                    Failures.cause(failure).toString());
        }

        private CompletableFuture<?> sendFinal(JobEvent event) {
            Job current;
            boolean viaHook;
            synchronized (this) {
                current = job;
                viaHook = hookUsable();
            }
            Final message = compose(current, event);
            CompletableFuture<?> sent;
            if (viaHook) {
                sent = hook.editOriginal(message.edit()).submit().handle((edited, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    refuseHook(failure);
                    return postFinal(current, message);
                }).thenCompose(next -> next);
            } else {
                sent = postFinal(current, message);
            }
            return sent.handleAsync((ignored, failure) -> {
                forget(id);
                if (failure != null) {
                    LOG.warn("The result of job {} could not be delivered ({}); it is delivered again after a "
                            + "restart", id, failure.toString());
                } else {
                    dispatcher.confirmDelivered(id);
                }
                return null;
            }, executor);
        }

        private CompletableFuture<?> postFinal(Job current, Final message) {
            String messageId;
            synchronized (this) {
                messageId = statusMessageId;
            }
            return channels.channel(current).thenCompose(channel -> {
                MessageCreateAction post = channel.sendMessage(message.create(current.requester().userId()));
                if (messageId != null) {
                    post = post.setMessageReference(messageId).failOnInvalidReply(false);
                }
                return post.submit().thenCompose(posted -> {
                    if (messageId == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return channel.editMessageById(messageId, new MessageEditBuilder().setContent(FINISHED_ABOVE)
                            .setComponents(List.of()).build()).submit().handle((edited, failure) -> null);
                });
            });
        }

        private Final compose(Job current, JobEvent event) {
            if (!(event instanceof JobEvent.Done done)) {
                return new Final(Messages.status(event, 0), Optional.empty(), List.of(), List.of());
            }
            GenerationResult result = done.result();
            long limit = channels.uploadLimit(current);
            boolean ageRestricted = channels.ageRestricted(current);
            List<GeneratedImage> shown = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            boolean spoilers = false;
            for (GeneratedImage image : result.images()) {
                SafetyPolicy.Treatment treatment = safety.treatment(image.nsfw(), ageRestricted);
                if (treatment == SafetyPolicy.Treatment.WITHHOLD) {
                    notes.add(Messages.withheld(id, image.index(), result.images().size()));
                } else {
                    shown.add(image);
                    spoilers |= treatment == SafetyPolicy.Treatment.SPOILER;
                }
            }
            if (spoilers) {
                notes.add(Messages.SPOILER_NOTE);
            }
            try {
                List<Uploads.Upload> uploads = new ArrayList<>();
                for (GeneratedImage image : shown) {
                    Uploads.Upload upload = Uploads.fit(id, image, limit);
                    boolean spoiler = safety.treatment(image.nsfw(), ageRestricted) == SafetyPolicy.Treatment.SPOILER;
                    // Discord blurs an attachment whose name starts with SPOILER_ until it is clicked.
                    uploads.add(spoiler ? new Uploads.Upload("SPOILER_" + upload.fileName(), upload.bytes(),
                            upload.reencoded()) : upload);
                }
                Uploads.note(uploads, limit).ifPresent(notes::add);
                Optional<String> note = notes.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", notes));
                int room = Messages.DISCORD_MESSAGE_LIMIT - Final.MENTION_ROOM - note.map(n -> n.length() + 1).orElse(0);
                return new Final(Messages.caption(id, result, Math.max(Messages.MIN_CAPTION_LENGTH, room)), note,
                        uploads, ButtonRows.result(id, result.images().size()));
            } catch (IllegalArgumentException e) {
                LOG.warn("The pictures of job {} do not fit Discord's upload limit: {}", id, e.getMessage());
                return new Final("The pictures of #" + id + " are too large to post here (the limit is "
                        + Uploads.size(limit) + ").", Optional.empty(), List.of(), ButtonRows.result(id, 0));
            }
        }
    }

    /**
     * A job's final message: the caption or status text, a note (re-encoded pictures), the files and the rows.
     * Captions are cut so the note and, in a channel, the mention still fit Discord's 2000 characters.
     */
    private record Final(String text, Optional<String> note, List<Uploads.Upload> uploads, List<ActionRow> rows) {
        /** Room left for {@code <@user id> } in front of a channel message. */
        static final int MENTION_ROOM = 32;

        private String body() {
            return text + note.map(n -> "\n" + n).orElse("");
        }

        private List<FileUpload> files() {
            List<FileUpload> files = new ArrayList<>();
            for (Uploads.Upload upload : uploads) {
                files.add(FileUpload.fromData(upload.bytes(), upload.fileName()));
            }
            return files;
        }

        MessageEditData edit() {
            return new MessageEditBuilder().setContent(body()).setComponents(rows).setFiles(files()).build();
        }

        MessageCreateData create(String userId) {
            return new MessageCreateBuilder().setContent(cut("<@" + userId + "> " + body())).setComponents(rows)
                    .setFiles(files()).setAllowedMentions(EnumSet.of(Message.MentionType.USER)).mentionUsers(userId)
                    .build();
        }

        private static String cut(String text) {
            return text.length() <= Message.MAX_CONTENT_LENGTH ? text
                    : text.substring(0, Message.MAX_CONTENT_LENGTH - 1) + "\u2026";
        }
    }
}
