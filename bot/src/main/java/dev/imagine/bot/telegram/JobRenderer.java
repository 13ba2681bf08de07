package dev.imagine.bot.telegram;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSink;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoTooLargeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;

/**
 * Renders the dispatcher's job events in Telegram: a status message (sent when the command core queues a job) is
 * edited as the job moves; a finished job's pictures go out as photos, each with its caption and buttons, and the
 * status message is deleted; a failure or cancellation replaces the status text. Delivery of a final event is
 * confirmed to the dispatcher once the user has seen the result or a sentence about it, so a result that could not
 * be sent at all is delivered again after a restart.
 *
 * <p>Several pictures go out as one photo each rather than as a media group: Telegram puts no buttons on a media
 * group, and one photo per picture keeps that picture's Vary, Upscale and PNG buttons on the picture itself (with
 * at most {@value dev.imagine.engine.GenerationRequest#MAX_COUNT} pictures that stays within the flood limits).
 *
 * <p>{@link #deliver} only queues work on the {@link Sender}, so the dispatcher's thread never waits on Telegram.
 * The state below is touched by the sender's calls, which run one at a time in the order queued per chat.
 */
final class JobRenderer implements JobSink {
    private static final Logger LOG = LoggerFactory.getLogger(JobRenderer.class);
    /** The largest file a bot may upload through the Bot API, in bytes (50 MB). */
    static final long UPLOAD_LIMIT = 50L * 1000 * 1000;

    private final BotApi api;
    private final Sender sender;
    private final Dispatcher dispatcher;
    private final SafetyPolicy safety;
    private final Map<Long, Status> statuses = new ConcurrentHashMap<>();
    private final Cache<Long, Boolean> finished;

    /**
     * What the adapter knows of a job's status message.
     *
     * @param messageId the status message, or {@code null} when it could not be sent
     * @param replyTo the user's message the job came from, which its pictures answer, or {@code null}
     * @param shownText the text the status message shows now
     */
    private record Status(Integer messageId, Integer replyTo, String shownText) {
    }

    JobRenderer(BotApi api, Sender sender, Dispatcher dispatcher, Pacer pacer, SafetyPolicy safety) {
        this.api = api;
        this.sender = sender;
        this.dispatcher = dispatcher;
        this.safety = safety;
        this.finished = Caffeine.newBuilder().ticker(pacer::nanoTime).expireAfterWrite(Duration.ofHours(1))
                .maximumSize(10_000).build();
    }

    /**
     * Sends the status message of a job the core just queued; later events of the job edit it.
     *
     * @param replyTo the message it answers (the prompt, or the result whose button was pressed), or {@code null}
     */
    void showQueued(long chatId, long jobId, String text, Integer replyTo) {
        sender.offer(FloodControl.Outgoing.message(chatId, 1, () -> sendStatus(chatId, jobId, text, replyTo)));
    }

    private void sendStatus(long chatId, long jobId, String text, Integer replyTo) {
        if (finished.getIfPresent(jobId) != null) {
            return;
        }
        try {
            Message sent = api.sendMessage(chatId, text, Keyboards.queued(jobId), replyTo);
            statuses.put(jobId, new Status(sent.getMessageId(), replyTo, text));
            dispatcher.setStatusMessage(jobId, Integer.toString(sent.getMessageId()));
        } catch (BotApi.ApiFailure e) {
            LOG.warn("The status message of job {} was not sent: {}", jobId, e.getMessage());
            statuses.put(jobId, new Status(null, replyTo, null));
        }
    }

    @Override
    public void deliver(Job job, JobEvent event) {
        long chatId;
        try {
            chatId = Long.parseLong(job.target().chatId());
        } catch (NumberFormatException e) {
            LOG.warn("Job {} targets chat '{}', which is not a Telegram chat id; its event is dropped", job.id(),
                    job.target().chatId());
            return;
        }
        long id = job.id();
        Integer knownStatus = messageId(job.target().messageId());
        if (!event.isFinal()) {
            if (event instanceof JobEvent.Queued && knownStatus == null) {
                return; // the submission's own event: the status message about to be sent says the same
            }
            String text = Messages.status(event, dispatcher.queueLength());
            sender.offer(FloodControl.Outgoing.edit(chatId, id, () -> editStatus(chatId, id, knownStatus, text)));
            return;
        }
        sender.dropEdit(id);
        if (event instanceof JobEvent.Done done && done.animation() != null) {
            sender.offer(FloodControl.Outgoing.message(chatId, 1,
                    () -> sendAnimation(chatId, id, knownStatus, done.animation())));
        } else if (event instanceof JobEvent.Done done) {
            int pictures = Math.max(1, done.result().images().size());
            sender.offer(FloodControl.Outgoing.message(chatId, pictures,
                    () -> sendResult(chatId, id, knownStatus, done.result())));
        } else {
            String text = Messages.status(event, dispatcher.queueLength());
            sender.offer(FloodControl.Outgoing.message(chatId, 1, () -> sendEnd(chatId, id, knownStatus, text)));
        }
    }

    private void editStatus(long chatId, long id, Integer knownStatus, String text) {
        if (finished.getIfPresent(id) != null) {
            return;
        }
        Status status = statuses.get(id);
        Integer messageId = status != null && status.messageId() != null ? status.messageId() : knownStatus;
        if (messageId == null || (status != null && text.equals(status.shownText()))) {
            return;
        }
        try {
            api.editMessageText(chatId, messageId, text, Keyboards.queued(id));
        } catch (BotApi.ApiFailure e) {
            if (!e.notModified()) {
                LOG.warn("The status message of job {} was not updated: {}", id, e.getMessage());
                return;
            }
        }
        statuses.put(id, new Status(messageId, status == null ? null : status.replyTo(), text));
    }

    private void sendResult(long chatId, long id, Integer knownStatus, GenerationResult result) {
        finished.put(id, Boolean.TRUE);
        Status status = statuses.remove(id);
        Integer replyTo = status == null ? null : status.replyTo();
        String caption = Messages.caption(id, result, Messages.TELEGRAM_CAPTION_LIMIT);
        String spoilerCaption = Messages.caption(id, result, Messages.TELEGRAM_CAPTION_LIMIT
                - Messages.SPOILER_NOTE.length() - 1) + "\n" + Messages.SPOILER_NOTE;
        int sent = 0;
        for (GeneratedImage image : result.images()) {
            // Telegram marks no chat as age-restricted, so a flagged picture is always treated as outside one.
            SafetyPolicy.Treatment treatment = safety.treatment(image.nsfw(), false);
            if (treatment == SafetyPolicy.Treatment.WITHHOLD) {
                sent += report(chatId, id, Messages.withheld(id, image.index(), result.images().size()), replyTo,
                        Keyboards.picture(id, image.index())) ? 1 : 0;
                continue;
            }
            boolean spoiler = treatment == SafetyPolicy.Treatment.SPOILER;
            byte[] png = image.png();
            String name = "imagine-" + id + "-" + (image.index() + 1) + ".png";
            try {
                api.sendPhoto(chatId, png, name, spoiler ? spoilerCaption : caption, Keyboards.picture(id,
                        image.index()), replyTo, spoiler);
                sent++;
            } catch (BotApi.ApiFailure photoFailure) {
                if (spoiler) {
                    // A file cannot be hidden behind a spoiler: say what happened instead of showing it.
                    LOG.warn("Flagged picture {} of job {} was not taken as a photo ({}); it is withheld",
                            image.index() + 1, id, photoFailure.getMessage());
                    sent += report(chatId, id, Messages.withheld(id, image.index(), result.images().size()), replyTo,
                            Keyboards.picture(id, image.index())) ? 1 : 0;
                    continue;
                }
                LOG.warn("Picture {} of job {} was not taken as a photo ({}); sending it as a file", image.index() + 1,
                        id, photoFailure.getMessage());
                try {
                    api.sendDocument(chatId, png, name, caption, Keyboards.picture(id, image.index()), replyTo);
                    sent++;
                } catch (BotApi.ApiFailure fileFailure) {
                    LOG.warn("Picture {} of job {} was not sent: {}", image.index() + 1, id, fileFailure.getMessage());
                }
            }
        }
        boolean told = sent > 0 || report(chatId, id, "#" + id + " is done, but its pictures could not be sent here. "
                + "/seed " + id + " shows its parameters; /rerun " + id + " makes them again.", replyTo);
        deleteStatus(chatId, id, status, knownStatus);
        if (told) {
            dispatcher.confirmDelivered(id);
        }
    }

    /**
     * Sends a finished animation with {@code sendAnimation}, which plays the MP4 inline and looping: the stored file,
     * or a smaller encoding when it is over {@value #UPLOAD_LIMIT} bytes (Telegram's limit for bots' uploads), or a
     * sentence saying it is too large. Its caption holds the keyframes, seeds, frames and fps; its buttons are
     * Re-roll, Rerun, Reverse and Delete. When the safety checker flagged a frame, the video goes out as a flagged
     * photo would: behind a spoiler with the note, or withheld with a sentence and the buttons.
     */
    private void sendAnimation(long chatId, long id, Integer knownStatus, JobEvent.Animation animation) {
        finished.put(id, Boolean.TRUE);
        Status status = statuses.remove(id);
        Integer replyTo = status == null ? null : status.replyTo();
        // Telegram marks no chat as age-restricted, so a flagged video is always treated as outside one.
        SafetyPolicy.Treatment treatment = safety.treatment(animation.flagged(), false);
        boolean told = treatment == SafetyPolicy.Treatment.WITHHOLD
                ? report(chatId, id, Messages.withheld(id, 0, 1), replyTo, Keyboards.animation(id))
                : sendVideo(chatId, id, animation, replyTo, treatment == SafetyPolicy.Treatment.SPOILER);
        deleteStatus(chatId, id, status, knownStatus);
        if (told) {
            dispatcher.confirmDelivered(id);
        }
    }

    /** Sends the video, or a sentence when it cannot be; whether the chat was told either. */
    private boolean sendVideo(long chatId, long id, JobEvent.Animation animation, Integer replyTo, boolean spoiler) {
        try {
            EncodedVideo video = animation.fitting(UPLOAD_LIMIT);
            String caption = spoiler ? Messages.animationCaption(id, animation, Messages.TELEGRAM_CAPTION_LIMIT
                    - Messages.SPOILER_NOTE.length() - 1) + "\n" + Messages.SPOILER_NOTE
                    : Messages.animationCaption(id, animation, Messages.TELEGRAM_CAPTION_LIMIT);
            api.sendAnimation(chatId, video.bytes(), video.fileName("imagine-" + id), video.width(), video.height(),
                    animation.seconds(), caption, Keyboards.animation(id), replyTo, spoiler);
            return true;
        } catch (VideoTooLargeException e) {
            return report(chatId, id, Messages.animationTooLarge(id, e.getMessage()), replyTo,
                    Keyboards.animation(id));
        } catch (BotApi.ApiFailure e) {
            LOG.warn("The animation of job {} was not sent: {}", id, e.getMessage());
            return report(chatId, id, "#" + id + " is done, but its video could not be sent here. /rerun " + id
                    + " makes it again.", replyTo);
        }
    }

    private void sendEnd(long chatId, long id, Integer knownStatus, String text) {
        finished.put(id, Boolean.TRUE);
        Status status = statuses.remove(id);
        Integer messageId = status != null && status.messageId() != null ? status.messageId() : knownStatus;
        boolean told = false;
        if (messageId != null) {
            try {
                api.editMessageText(chatId, messageId, text, null);
                told = true;
            } catch (BotApi.ApiFailure e) {
                told = e.notModified();
                if (!told) {
                    LOG.warn("The status message of job {} was not updated: {}", id, e.getMessage());
                }
            }
        }
        if (!told) {
            told = report(chatId, id, text, status == null ? null : status.replyTo());
        }
        if (told) {
            dispatcher.confirmDelivered(id);
        }
    }

    private boolean report(long chatId, long id, String text, Integer replyTo) {
        return report(chatId, id, text, replyTo, null);
    }

    private boolean report(long chatId, long id, String text, Integer replyTo, InlineKeyboardMarkup keyboard) {
        try {
            api.sendMessage(chatId, text, keyboard, replyTo);
            return true;
        } catch (BotApi.ApiFailure e) {
            LOG.warn("Job {} could not be reported in its chat: {}", id, e.getMessage());
            return false;
        }
    }

    private void deleteStatus(long chatId, long id, Status status, Integer knownStatus) {
        Integer messageId = status != null && status.messageId() != null ? status.messageId() : knownStatus;
        if (messageId == null) {
            return;
        }
        try {
            api.deleteMessage(chatId, messageId);
        } catch (BotApi.ApiFailure e) {
            LOG.info("The status message of job {} was not deleted: {}", id, e.getMessage());
        }
    }

    private static Integer messageId(String id) {
        if (id == null) {
            return null;
        }
        try {
            return Integer.valueOf(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
