package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.SamplerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contract against a fake "platform" that calls the core directly and renders the dispatcher's events the way
 * an adapter would: the reference for the Discord and Telegram drivers.
 */
class InMemoryCommandContractTest extends CommandContract {

    @Override
    protected PlatformDriver connect(CommandCore core, Dispatcher dispatcher) {
        return new MemoryPlatform(core, dispatcher);
    }

    /** A platform whose "client" is this class: one group chat, every message shown in order. */
    static final class MemoryPlatform implements PlatformDriver {
        static final String PLATFORM = "memory";
        static final String CHAT = "chat-1";

        private final CommandCore core;
        private final Dispatcher dispatcher;
        private final List<Shown> shown = new ArrayList<>();

        MemoryPlatform(CommandCore core, Dispatcher dispatcher) {
            this.core = core;
            this.dispatcher = dispatcher;
            dispatcher.registerSink(PLATFORM, this::deliver);
        }

        private static Caller caller(ChatUser user) {
            return new Caller(new Requester(PLATFORM, user.id(), user.name()),
                    new ChatTarget(PLATFORM, null, CHAT, null), user.manager());
        }

        @Override
        public void send(ChatUser user, String text) {
            show(core.handleText(caller(user), text));
        }

        @Override
        public void sendImage(ChatUser user, String caption, byte[] image) {
            Optional<String> refused = core.refuseUpload(image.length);
            if (refused.isPresent()) {
                show(new Reply.Refused(refused.get()));
                return;
            }
            show(core.handleText(caller(user), caption, InitImage.of(image)));
        }

        @Override
        public boolean hasTypedOptions() {
            return true;
        }

        @Override
        public void imagine(ChatUser user, String prompt, Map<String, String> options) {
            PromptOptions.Builder typed = PromptOptions.builder();
            options.forEach((name, value) -> {
                if (name.equals("aspect")) {
                    typed.aspect(AspectRatio.parse(value).orElseThrow());
                    return;
                }
                String parameter = name.equals("negative") ? "negativePrompt" : name;
                Class<?> type = RequestValues.type(parameter);
                typed.set(parameter, type == Long.class ? Long.valueOf(value) : type == Integer.class
                        ? Integer.valueOf(value) : type == Double.class ? Double.valueOf(value)
                        : type == SamplerKind.class ? SamplerKind.parse(value) : value);
            });
            show(core.imagine(caller(user), prompt, typed.build(), null));
        }

        @Override
        public void press(ChatUser user, String buttonId) {
            show(core.press(caller(user), buttonId));
        }

        private synchronized void show(Reply reply) {
            if (reply instanceof Reply.Queued queued) {
                shown.add(new Shown(Kind.MESSAGE, queued.text(),
                        queued.buttons().stream().map(ButtonId::encode).toList(), null));
            } else if (reply instanceof Reply.Document document) {
                shown.add(new Shown(Kind.DOCUMENT, document.text(), List.of(), document.bytes()));
            } else if (reply instanceof Reply.DeleteMessage delete) {
                shown.add(new Shown(Kind.DELETED, delete.text(), List.of(), null));
            } else {
                shown.add(new Shown(Kind.MESSAGE, reply.text(), List.of(), null));
            }
        }

        private synchronized void deliver(Job job, JobEvent event) {
            if (event instanceof JobEvent.Done done) {
                GenerationResult result = done.result();
                List<String> buttons = new ArrayList<>();
                ButtonId.forResult(job.id()).forEach(b -> buttons.add(b.encode()));
                for (int i = 0; i < result.images().size(); i++) {
                    ButtonId.forImage(job.id(), i).forEach(b -> buttons.add(b.encode()));
                }
                shown.add(new Shown(Kind.IMAGE, Messages.caption(job.id(), result, Messages.TELEGRAM_CAPTION_LIMIT),
                        buttons, result.images().get(0).png()));
                return;
            }
            List<String> buttons = event.isFinal() ? List.of()
                    : ButtonId.forQueued(job.id()).stream().map(ButtonId::encode).toList();
            shown.add(new Shown(Kind.MESSAGE, Messages.status(event, dispatcher.queueLength()), buttons, null));
        }

        @Override
        public synchronized List<Shown> takeShown() {
            List<Shown> taken = List.copyOf(shown);
            shown.clear();
            return taken;
        }

        @Override
        public void close() {
        }
    }
}
