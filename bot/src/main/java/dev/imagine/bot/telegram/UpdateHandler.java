package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Caller;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.InitImage;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Requester;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/**
 * Turns one update into command-core calls and renders the core's {@link Reply}:
 * <ul>
 *   <li>In a private chat every text is read (plain text is a prompt). In a group only commands for this bot
 *       ({@code /imagine ...}, or any command as {@code /cmd@thisbot}) and replies to the bot's messages are read;
 *       a command addressed to another bot is ignored everywhere.</li>
 *   <li>A photo, or an image sent as a file, with a caption is image-to-image; without a caption it gets a short
 *       explanation. Its declared size is checked before anything is downloaded.</li>
 *   <li>Every button press is answered ({@code answerCallbackQuery}) with the core's sentence, including presses of
 *       buttons that are malformed, from another bot or for a generation that is gone.</li>
 * </ul>
 * Runs on the adapter's single update thread; messages go out through the {@link Sender}, answers to button
 * presses directly, so they come at once.
 */
final class UpdateHandler {
    static final String PLATFORM = TelegramAdapter.PLATFORM;
    /** The most characters Telegram shows in the answer to a button press. */
    static final int ANSWER_LIMIT = 200;

    private static final Logger LOG = LoggerFactory.getLogger(UpdateHandler.class);
    private static final Pattern COMMAND = Pattern.compile("/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\\s|$)");
    /** The commands a bare {@code /cmd} in a group may mean for this bot; others belong to other bots. */
    private static final Set<String> COMMANDS = Set.of("imagine", "start", "help", "history", "rerun", "seed",
            "queue", "cancel", "settings");

    private final CommandCore core;
    private final BotApi api;
    private final Sender sender;
    private final JobRenderer renderer;
    private final ChatAdmins admins;
    private final PictureFetcher pictures;
    private final long botId;
    private final String botName;

    UpdateHandler(CommandCore core, BotApi api, Sender sender, JobRenderer renderer, ChatAdmins admins,
            PictureFetcher pictures, User bot) {
        this.core = core;
        this.api = api;
        this.sender = sender;
        this.renderer = renderer;
        this.admins = admins;
        this.pictures = pictures;
        this.botId = bot.getId();
        this.botName = bot.getUserName() == null ? "" : bot.getUserName();
    }

    /** Handles one update; updates of other kinds are ignored. */
    void handle(Update update) {
        if (update.hasCallbackQuery()) {
            onPress(update.getCallbackQuery());
        } else if (update.hasMessage()) {
            onMessage(update.getMessage());
        }
    }

    /** A file a user sent: its id, the size Telegram declared (-1 when none) and whether it can be a picture. */
    private record Picture(String fileId, long declaredSize, boolean image) {
    }

    private void onMessage(Message message) {
        User from = message.getFrom();
        Chat chat = message.getChat();
        if (from == null || Boolean.TRUE.equals(from.getIsBot()) || chat == null || "channel".equals(chat.getType())) {
            return;
        }
        long chatId = chat.getId();
        boolean group = !"private".equals(chat.getType());
        String text = message.hasText() ? message.getText() : message.getCaption();
        text = text == null ? "" : text.strip();
        Matcher command = COMMAND.matcher(text);
        boolean isCommand = command.lookingAt();
        if (isCommand && command.group(2) != null && !command.group(2).equalsIgnoreCase(botName)) {
            return;
        }
        boolean forUs = !group || repliesToUs(message) || (isCommand && (command.group(2) != null
                || COMMANDS.contains(command.group(1).toLowerCase(Locale.ROOT))));
        if (!forUs) {
            return;
        }
        Caller caller = caller(from, chatId, group);
        Integer replyTo = message.getMessageId();
        Picture picture = picture(message);
        if (picture == null) {
            render(chatId, core.handleText(caller, text), replyTo);
            return;
        }
        String prompt = isCommand && command.group(1).equalsIgnoreCase("imagine") ? text.substring(command.end()).strip()
                : text;
        if (prompt.isEmpty()) {
            say(chatId, group ? "Send the picture again with a caption that starts with /imagine and says what to make "
                    + "of it, such as \"/imagine oil painting --strength 0.6\"."
                    : "Send the picture again with a caption that says what to make of it, such as "
                            + "\"oil painting --strength 0.6\".", replyTo);
            return;
        }
        if (!picture.image()) {
            say(chatId, "That file is not a picture: send a PNG, JPEG or WebP image with the prompt as its caption.",
                    replyTo);
            return;
        }
        Optional<String> refusal = PictureFetcher.refuse(core, picture.declaredSize());
        if (refusal.isPresent()) {
            say(chatId, refusal.get(), replyTo);
            return;
        }
        byte[] bytes;
        try {
            bytes = pictures.download(core, picture.fileId());
        } catch (PictureFetcher.PictureException e) {
            say(chatId, e.getMessage(), replyTo);
            return;
        }
        render(chatId, core.handleText(caller, text, new InitImage(bytes, picture.declaredSize())), replyTo);
    }

    private boolean repliesToUs(Message message) {
        Message replied = message.getReplyToMessage();
        return replied != null && replied.getFrom() != null && replied.getFrom().getId() == botId;
    }

    private static Picture picture(Message message) {
        if (message.hasPhoto()) {
            List<PhotoSize> sizes = message.getPhoto();
            PhotoSize largest = sizes.stream().max(Comparator.comparingLong(UpdateHandler::pixels)).orElseThrow();
            return new Picture(largest.getFileId(), largest.getFileSize() == null ? -1 : largest.getFileSize(), true);
        }
        if (message.hasDocument()) {
            Document document = message.getDocument();
            String mime = document.getMimeType();
            boolean image = mime == null || mime.toLowerCase(Locale.ROOT).startsWith("image/")
                    || mime.equalsIgnoreCase("application/octet-stream");
            return new Picture(document.getFileId(), document.getFileSize() == null ? -1 : document.getFileSize(),
                    image);
        }
        return null;
    }

    private static long pixels(PhotoSize size) {
        return (long) (size.getWidth() == null ? 0 : size.getWidth()) * (size.getHeight() == null ? 0 : size.getHeight());
    }

    private void onPress(CallbackQuery press) {
        MaybeInaccessibleMessage message = press.getMessage();
        User from = press.getFrom();
        if (message == null || from == null || message.getChat() == null) {
            answer(press.getId(), "This button only works on my messages in a chat.", true, null);
            return;
        }
        long chatId = message.getChatId();
        boolean group = !"private".equals(message.getChat().getType());
        Reply reply = core.press(caller(from, chatId, group), press.getData() == null ? "" : press.getData());
        Integer pressed = message.getMessageId();
        if (reply instanceof Reply.Queued queued) {
            answer(press.getId(), queued.text(), false, chatId);
            renderer.showQueued(chatId, queued.generationId(), queued.text(), pressed);
        } else if (reply instanceof Reply.Document document) {
            answer(press.getId(), document.text(), false, chatId);
            sendDocument(chatId, document, pressed);
        } else if (reply instanceof Reply.DeleteMessage delete) {
            sender.offer(FloodControl.Outgoing.other(chatId, () -> {
                try {
                    api.deleteMessage(chatId, pressed);
                } catch (BotApi.ApiFailure e) {
                    LOG.warn("Deleting message {} of chat {} failed: {}", pressed, chatId, e.getMessage());
                }
            }));
            answer(press.getId(), delete.text(), false, chatId);
        } else {
            answer(press.getId(), reply.text(), reply instanceof Reply.Refused, chatId);
        }
    }

    /**
     * Answers a press at once. A text longer than Telegram shows is cut there and also sent whole into the chat.
     */
    private void answer(String callbackId, String text, boolean alert, Long chatId) {
        String shown = text.length() <= ANSWER_LIMIT ? text : text.substring(0, ANSWER_LIMIT - 1) + "\u2026";
        try {
            api.answerCallback(callbackId, shown, alert);
        } catch (BotApi.ApiFailure e) {
            LOG.info("A button press was not answered (it may have expired): {}", e.getMessage());
        }
        if (!shown.equals(text) && chatId != null) {
            say(chatId, text, null);
        }
    }

    private void render(long chatId, Reply reply, Integer replyTo) {
        if (reply instanceof Reply.Queued queued) {
            renderer.showQueued(chatId, queued.generationId(), queued.text(), replyTo);
        } else if (reply instanceof Reply.Document document) {
            sendDocument(chatId, document, replyTo);
        } else {
            say(chatId, reply.text(), replyTo);
        }
    }

    private void say(long chatId, String text, Integer replyTo) {
        sender.offer(FloodControl.Outgoing.message(chatId, 1, () -> {
            try {
                api.sendMessage(chatId, text, null, replyTo);
            } catch (BotApi.ApiFailure e) {
                LOG.warn("A message to chat {} was not sent: {}", chatId, e.getMessage());
            }
        }));
    }

    private void sendDocument(long chatId, Reply.Document document, Integer replyTo) {
        if (document.spoiler()) {
            // Telegram hides photos behind spoilers, not files: the flagged original is not posted.
            say(chatId, "The original file of this picture is not sent here: the safety checker flagged it, and "
                    + "Telegram cannot hide a file behind a spoiler. The photo above can be revealed with a tap.", replyTo);
            return;
        }
        sender.offer(FloodControl.Outgoing.message(chatId, 1, () -> {
            try {
                api.sendDocument(chatId, document.bytes(), document.fileName(), document.text(), null, replyTo);
            } catch (BotApi.ApiFailure e) {
                LOG.warn("A file to chat {} was not sent: {}", chatId, e.getMessage());
                say(chatId, "The file could not be sent; please try again in a moment.", replyTo);
            }
        }));
    }

    private Caller caller(User user, long chatId, boolean group) {
        String name = user.getFirstName() == null ? "" : user.getFirstName();
        if (user.getLastName() != null && !user.getLastName().isBlank()) {
            name = name + " " + user.getLastName();
        }
        if (name.isBlank() && user.getUserName() != null) {
            name = user.getUserName();
        }
        return new Caller(new Requester(PLATFORM, Long.toString(user.getId()), name.strip()),
                new ChatTarget(PLATFORM, null, Long.toString(chatId), null),
                group && admins.isManager(chatId, user.getId()));
    }
}
