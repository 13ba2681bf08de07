package dev.imagine.bot.service;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.dispatch.SubmitResult;
import dev.imagine.engine.GenerationRequest;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A chat adapter for tests that stands in for Telegram: it submits jobs for fake users and writes every event it
 * receives as a line ({@code event ID TYPE CHAT}), confirming delivery of final events after writing them.
 */
final class RecordingAdapter implements ChatAdapter {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Consumer<String> out;
    private volatile Dispatcher dispatcher;
    private volatile boolean intake = true;

    RecordingAdapter(Consumer<String> out) {
        this.out = out;
    }

    RecordingAdapter(PrintStream stream) {
        this(line -> {
            stream.println(line);
            stream.flush();
        });
    }

    @Override
    public String platform() {
        return "telegram";
    }

    @Override
    public void start(ServiceContext context) {
        dispatcher = context.dispatcher();
        dispatcher.registerSink(platform(), (job, event) -> {
            String type = event instanceof JobEvent.Done ? "done" : event instanceof JobEvent.Failed ? "failed"
                    : event instanceof JobEvent.Cancelled ? "cancelled" : event instanceof JobEvent.Queued ? "queued"
                    : event instanceof JobEvent.Started ? "started" : "progress";
            if (!type.equals("progress")) {
                emit("event " + job.id() + " " + type + " " + job.target().chatId());
            }
            if (event.isFinal()) {
                dispatcher.confirmDelivered(job.id());
            }
        });
    }

    /** Submits a job for user {@code user} in chat {@code chat-USER}. */
    SubmitResult submit(String user, GenerationRequest request) {
        if (!intake) {
            throw new IllegalStateException("intake stopped");
        }
        SubmitResult result = dispatcher.submit(new Requester("telegram", user, user),
                new ChatTarget("telegram", null, "chat-" + user, null), JobSpec.of(request, null));
        if (result instanceof SubmitResult.Accepted accepted) {
            emit("accepted " + accepted.id() + " chat-" + user);
        }
        return result;
    }

    private void emit(String line) {
        lines.add(line);
        out.accept(line);
    }

    @Override
    public void stopIntake() {
        intake = false;
    }

    @Override
    public void close() {
    }
}
