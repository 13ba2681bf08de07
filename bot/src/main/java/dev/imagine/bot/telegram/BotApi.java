package dev.imagine.bot.telegram;

import dev.imagine.bot.retry.Backoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.groupadministration.GetChatAdministrators;
import org.telegram.telegrambots.meta.api.methods.send.SendAnimation;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMember;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The Bot API methods the adapter uses, through the TelegramBots client. Every call waits out a 429's
 * {@code retry_after} (through the {@link Pacer}) and retries, retries a network failure or a 5xx after the shared
 * {@link Backoff} ({@link #BACKOFF}), up to {@value #MAX_ATTEMPTS} attempts in all, and otherwise fails with an
 * {@link ApiFailure} whose message holds no token. Calls block the calling thread; thread-safe. The adapter owns the client.
 */
final class BotApi {
    /** Attempts per call, the first included. */
    static final int MAX_ATTEMPTS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(BotApi.class);
    /** The shared back-off: 1 s doubling (at most 8 s), shortened by up to 20% at random. */
    static final Backoff BACKOFF = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(8));

    private final TelegramClient client;
    private final Redactor redactor;
    private final Pacer pacer;
    private final Backoff backoff;

    BotApi(TelegramClient client, Redactor redactor, Pacer pacer, Backoff backoff) {
        this.client = client;
        this.redactor = redactor;
        this.pacer = pacer;
        this.backoff = backoff;
    }

    /** One Bot API call; it builds its method anew for each attempt (an upload's stream is read once). */
    @FunctionalInterface
    interface Call<T> {
        T run(TelegramClient client) throws TelegramApiException;
    }

    /** A call that failed for good; {@link #getMessage()} holds no token. */
    static final class ApiFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        ApiFailure(String method, int code, String detail) {
            super(method + " failed" + (code > 0 ? " (" + code + ")" : "") + ": " + detail, null, false, false);
            this.code = code;
        }

        /** The Bot API's {@code error_code}, or 0 for a network failure. */
        int code() {
            return code;
        }

        /** Whether an edit failed only because the text was already the same. */
        boolean notModified() {
            return code == 400 && getMessage().contains("message is not modified");
        }
    }

    /** Runs {@code call} with the retry rules above. */
    <T> T call(String method, Call<T> call) {
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                return call.run(client);
            } catch (TelegramApiRequestException e) {
                int code = e.getErrorCode() == null ? 0 : e.getErrorCode();
                if (attempt >= MAX_ATTEMPTS || (code != 429 && code < 500)) {
                    throw new ApiFailure(method, code, redactor.redact(e.getMessage()));
                }
                if (code == 429) {
                    Integer retryAfter = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
                    wait = Duration.ofSeconds(retryAfter == null ? 1 : Math.max(1, retryAfter));
                    LOG.info("Telegram asked to slow down on {}; waiting {} s as it said", method, wait.toSeconds());
                } else {
                    wait = backoff.delay(++failures);
                    LOG.info("Telegram answered {} with {}; retrying in {} ms", method, code, wait.toMillis());
                }
            } catch (TelegramApiException e) {
                if (attempt >= MAX_ATTEMPTS || !(e.getCause() instanceof IOException)) {
                    throw new ApiFailure(method, 0, redactor.describe(e));
                }
                wait = backoff.delay(++failures);
                LOG.info("{} could not reach Telegram ({}); retrying in {} ms", method, redactor.describe(e),
                        wait.toMillis());
            } catch (RuntimeException e) {
                throw new ApiFailure(method, 0, redactor.describe(e));
            }
            try {
                pacer.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiFailure(method, 0, "interrupted while waiting to retry");
            }
        }
    }

    User getMe() {
        return call("getMe", c -> c.execute(new GetMe()));
    }

    Message sendMessage(long chatId, String text, InlineKeyboardMarkup keyboard, Integer replyTo) {
        return call("sendMessage", c -> c.execute(SendMessage.builder().chatId(chatId).text(text)
                .replyMarkup(keyboard).replyParameters(replyTo(replyTo)).build()));
    }

    /** Replaces a message's text; a {@code null} keyboard removes its buttons. */
    void editMessageText(long chatId, int messageId, String text, InlineKeyboardMarkup keyboard) {
        call("editMessageText", c -> c.execute(EditMessageText.builder().chatId(chatId).messageId(messageId)
                .text(text).replyMarkup(keyboard).build()));
    }

    /** Sends a photo; {@code spoiler} hides it behind Telegram's spoiler animation until tapped. */
    Message sendPhoto(long chatId, byte[] picture, String fileName, String caption, InlineKeyboardMarkup keyboard,
            Integer replyTo, boolean spoiler) {
        return call("sendPhoto", c -> c.execute(SendPhoto.builder().chatId(chatId)
                .photo(new InputFile(new ByteArrayInputStream(picture), fileName)).caption(caption)
                .hasSpoiler(spoiler).replyMarkup(keyboard).replyParameters(replyTo(replyTo)).build()));
    }

    Message sendDocument(long chatId, byte[] file, String fileName, String caption, InlineKeyboardMarkup keyboard,
            Integer replyTo) {
        return call("sendDocument", c -> c.execute(SendDocument.builder().chatId(chatId)
                .document(new InputFile(new ByteArrayInputStream(file), fileName)).caption(caption)
                .replyMarkup(keyboard).replyParameters(replyTo(replyTo)).build()));
    }

    /**
     * Sends an MP4 that Telegram plays inline, muted and looping, as it plays GIFs; {@code spoiler} hides it behind
     * Telegram's spoiler animation until tapped.
     */
    Message sendAnimation(long chatId, byte[] video, String fileName, int width, int height, int seconds,
            String caption, InlineKeyboardMarkup keyboard, Integer replyTo, boolean spoiler) {
        return call("sendAnimation", c -> c.execute(SendAnimation.builder().chatId(chatId)
                .animation(new InputFile(new ByteArrayInputStream(video), fileName)).width(width).height(height)
                .duration(seconds).caption(caption).hasSpoiler(spoiler).replyMarkup(keyboard)
                .replyParameters(replyTo(replyTo)).build()));
    }

    void deleteMessage(long chatId, int messageId) {
        call("deleteMessage", c -> c.execute(DeleteMessage.builder().chatId(chatId).messageId(messageId).build()));
    }

    /** Answers a button press; {@code alert} shows the text in a dialog rather than a passing notice. */
    void answerCallback(String callbackId, String text, boolean alert) {
        call("answerCallbackQuery", c -> c.execute(AnswerCallbackQuery.builder().callbackQueryId(callbackId)
                .text(text).showAlert(alert).build()));
    }

    File getFile(String fileId) {
        return call("getFile", c -> c.execute(GetFile.builder().fileId(fileId).build()));
    }

    List<ChatMember> chatAdministrators(long chatId) {
        return call("getChatAdministrators", c -> c.execute(GetChatAdministrators.builder()
                .chatId(chatId).build()));
    }

    private static ReplyParameters replyTo(Integer messageId) {
        return messageId == null ? null
                : ReplyParameters.builder().messageId(messageId).allowSendingWithoutReply(true).build();
    }
}
