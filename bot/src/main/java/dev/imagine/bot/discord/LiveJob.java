package dev.imagine.bot.discord;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoTooLargeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.entities.Message;
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
 * One job's Discord messages for {@link JobMessages}: its status message (through the interaction while that is fresh,
 * else in the job's channel) and its final message. Its requests run one after another on {@link #tail}, on the
 * adapter's executor. Thread-safe.
 */
final class LiveJob {
    private static final Logger LOG = LoggerFactory.getLogger(LiveJob.class);
    private static final String FINISHED_ABOVE = "Finished: see the reply below.";

    private final JobMessages owner;
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

    LiveJob(JobMessages owner, long id) {
        this.owner = owner;
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
            Instant now = owner.clock.instant();
            if (lastProgress != null
                    && Duration.between(lastProgress, now).compareTo(owner.options.progressInterval()) < 0) {
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
            lastProgress = owner.clock.instant();
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
        return hook != null && !hookRefused && owner.clock.instant().isBefore(hookExpires);
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
        owner.activity.begin();
        tail = tail.handleAsync((ignored, failure) -> null, owner.executor)
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
                    owner.activity.end();
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
                    .thenAcceptAsync(message -> rememberStatus(message.getId()), owner.executor)
                    .exceptionally(failure -> {
                        if (Failures.isExpiredInteraction(failure)) {
                            refuseHook(failure);
                        } else {
                            LOG.debug("Editing the status of job {} failed: {}", id, failure.toString());
                        }
                        return null;
                    });
        }
        return owner.channels.channel(current).thenCompose(channel -> {
            if (messageId != null) {
                return channel.editMessageById(messageId, new MessageEditBuilder().setContent(view.text())
                        .setComponents(rows).build()).submit().thenApply(message -> (Void) null);
            }
            return channel.sendMessage(new MessageCreateBuilder().setContent(view.text()).setComponents(rows)
                    .build()).submit().thenAcceptAsync(message -> rememberStatus(message.getId()), owner.executor);
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
        owner.dispatcher.setStatusMessage(id, messageId);
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
            owner.forget(id);
            if (failure != null) {
                LOG.warn("The result of job {} could not be delivered ({}); it is delivered again after a "
                        + "restart", id, failure.toString());
            } else {
                owner.dispatcher.confirmDelivered(id);
            }
            return null;
        }, owner.executor);
    }

    private CompletableFuture<?> postFinal(Job current, Final message) {
        String messageId;
        synchronized (this) {
            messageId = statusMessageId;
        }
        return owner.channels.channel(current).thenCompose(channel -> {
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
        long limit = owner.channels.uploadLimit(current);
        boolean ageRestricted = owner.channels.ageRestricted(current);
        if (done.animation() != null) {
            return animation(done.animation(), limit, ageRestricted);
        }
        GenerationResult result = done.result();
        List<GeneratedImage> shown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean spoilers = false;
        for (GeneratedImage image : result.images()) {
            SafetyPolicy.Treatment treatment = owner.safety.treatment(image.nsfw(), ageRestricted);
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
                boolean spoiler = owner.safety.treatment(image.nsfw(), ageRestricted)
                        == SafetyPolicy.Treatment.SPOILER;
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

    /**
     * A finished animation's message: the MP4 as an attachment (Discord plays it inline), the stored file or, over
     * the channel's upload limit, a smaller encoding made from the frames; when none fits, a sentence. Its buttons
     * are Re-roll, Rerun, Reverse and Delete. When the safety checker flagged a frame, the video goes out as a flagged
     * picture would: a {@code SPOILER_} file with the note, as it is where the policy allows it, or withheld with a
     * sentence.
     */
    private Final animation(JobEvent.Animation animation, long limit, boolean ageRestricted) {
        int room = Messages.DISCORD_MESSAGE_LIMIT - Final.MENTION_ROOM;
        SafetyPolicy.Treatment treatment = owner.safety.treatment(animation.flagged(), ageRestricted);
        if (treatment == SafetyPolicy.Treatment.WITHHOLD) {
            String withheld = Messages.withheld(id, 0, 1);
            return new Final(Messages.animationCaption(id, animation, room - withheld.length() - 1),
                    Optional.of(withheld), List.of(), ButtonRows.animation(id));
        }
        boolean spoiler = treatment == SafetyPolicy.Treatment.SPOILER;
        try {
            EncodedVideo video = animation.fitting(limit);
            List<String> notes = new ArrayList<>();
            if (spoiler) {
                notes.add(Messages.SPOILER_NOTE);
            }
            if (video.reduced()) {
                notes.add("The video was made smaller to fit this channel's upload limit of " + Uploads.size(limit)
                        + ".");
            }
            Optional<String> note = notes.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", notes));
            // Discord blurs an attachment whose name starts with SPOILER_ until it is clicked.
            String name = (spoiler ? "SPOILER_" : "") + video.fileName("imagine-" + id);
            return new Final(Messages.animationCaption(id, animation, room - note.map(n -> n.length() + 1).orElse(0)),
                    note, List.of(new Uploads.Upload(name, video.bytes(), video.reduced())), ButtonRows.animation(id));
        } catch (VideoTooLargeException e) {
            return new Final(Messages.animationTooLarge(id, e.getMessage()), Optional.empty(), List.of(),
                    ButtonRows.animation(id));
        }
    }

    /** A status message's look. */
    private record StatusView(String text, boolean cancellable) {
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
