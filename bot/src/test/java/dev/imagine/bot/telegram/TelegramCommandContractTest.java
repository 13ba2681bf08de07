package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.CommandContract;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.config.Secret;
import dev.imagine.config.TelegramSettings;
import dev.imagine.storage.ChatIntake;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command-core contract through the real TelegramBots client and this adapter, against a fake Bot API server:
 * users write in one supergroup, so prompts are {@code /imagine} commands and pictures carry {@code /imagine} in
 * their caption. What the chat shows is read back from the requests the bot made: messages and edits, photos,
 * documents, deletions, and the answers to button presses.
 */
class TelegramCommandContractTest extends CommandContract {
    static final long GROUP = -1001234567890L;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    protected PlatformDriver connect(CommandCore core, Dispatcher dispatcher) {
        return new TelegramDriver(core, dispatcher, storage.intake());
    }

    static TelegramSettings settings(FakeBotApi api) {
        return new TelegramSettings(Optional.of(Secret.of(FakeBotApi.TOKEN)), URI.create(api.baseUrl()));
    }

    /** Plays the contract's users in {@link #GROUP}; {@code MODERATOR} is one of its administrators. */
    static final class TelegramDriver implements PlatformDriver {
        private final FakeBotApi api = new FakeBotApi(Duration.ofMillis(50));
        private final TelegramAdapter adapter;
        private int seen;

        TelegramDriver(CommandCore core, Dispatcher dispatcher, ChatIntake intake) {
            api.setAdmins(GROUP, user(MODERATOR));
            adapter = new TelegramAdapter(settings(api), new FakePacer());
            adapter.start(core, dispatcher, intake);
            seen = api.calls().size();
        }

        private static FakeBotApi.TgUser user(ChatUser user) {
            return new FakeBotApi.TgUser(Long.parseLong(user.id()), user.name());
        }

        private void handled(long updateId) {
            assertThat(adapter.awaitHandled(updateId, WAIT)).as("update %s handled", updateId).isTrue();
        }

        @Override
        public void send(ChatUser user, String text) {
            handled(api.sendText(GROUP, user(user), text));
        }

        @Override
        public void sendImage(ChatUser user, String caption, byte[] image) {
            handled(api.sendPhoto(GROUP, user(user), "/imagine " + caption, image));
        }

        @Override
        public void press(ChatUser user, String buttonId) {
            int message = api.messageWithButton(GROUP, buttonId).orElse(1);
            handled(api.press(GROUP, user(user), message, buttonId));
        }

        @Override
        public List<Shown> takeShown() {
            assertThat(adapter.awaitSent(WAIT)).as("everything sent").isTrue();
            List<FakeBotApi.Call> calls = api.calls();
            List<Shown> shown = new ArrayList<>();
            for (FakeBotApi.Call call : calls.subList(seen, calls.size())) {
                if (call.ok()) {
                    toShown(call).ifPresent(shown::add);
                }
            }
            seen = calls.size();
            return shown;
        }

        private static Optional<Shown> toShown(FakeBotApi.Call call) {
            switch (call.method()) {
                case "sendMessage":
                case "editMessageText":
                    return Optional.of(new Shown(Kind.MESSAGE, call.field("text"), call.buttons(), null));
                case "sendPhoto":
                    return Optional.of(new Shown(Kind.IMAGE, caption(call), call.buttons(),
                            call.upload("photo").bytes()));
                case "sendDocument":
                    return Optional.of(new Shown(Kind.DOCUMENT, caption(call), call.buttons(),
                            call.upload("document").bytes()));
                case "deleteMessage":
                    return Optional.of(new Shown(Kind.DELETED, "", List.of(), null));
                case "answerCallbackQuery":
                    return Optional.ofNullable(call.field("text"))
                            .map(text -> new Shown(Kind.MESSAGE, text, List.of(), null));
                default:
                    return Optional.empty();
            }
        }

        private static String caption(FakeBotApi.Call call) {
            return call.field("caption") == null ? "" : call.field("caption");
        }

        @Override
        public void close() {
            adapter.close();
            api.close();
        }
    }
}
