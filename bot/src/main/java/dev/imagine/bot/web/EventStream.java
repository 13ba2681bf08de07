package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSink;
import dev.imagine.storage.Generation;
import dev.imagine.storage.Storage;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web's job sink: each job event goes, as a server-sent event, to every open page of the job's requester, in the
 * dispatcher's order: {@code queued} (position), {@code started}, {@code progress} (step of total), then one of
 * {@code done} (the stored generation), {@code failed} or {@code cancelled} (a sentence). Every event's data is JSON
 * with the generation's {@code id} and the status {@code text} the chat adapters show. A final event marks the job
 * delivered whether or not a page is open: the page reads finished jobs back from the history.
 *
 * <p>Events are sent on one thread of this class's own, never on the engine's. Thread-safe; {@link #close()} ends
 * every stream.
 */
final class EventStream implements JobSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final Dispatcher dispatcher;
    private final Storage storage;
    private final Views views;
    private final Map<String, Set<SseClient>> clients = new ConcurrentHashMap<>();
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "web-events");
        thread.setDaemon(true);
        return thread;
    });

    EventStream(Dispatcher dispatcher, Storage storage, Views views) {
        this.dispatcher = dispatcher;
        this.storage = storage;
        this.views = views;
    }

    /** Keeps {@code client} open and sends it {@code user}'s job events until it disconnects. */
    void open(String user, SseClient client) {
        client.keepAlive();
        Set<SseClient> own = clients.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet());
        own.add(client);
        client.onClose(() -> own.remove(client));
        client.sendComment("connected");
    }

    /** How many pages of {@code user} listen. */
    int listeners(String user) {
        return clients.getOrDefault(user, Set.of()).size();
    }

    @Override
    public void deliver(Job job, JobEvent event) {
        int queueLength = dispatcher.queueLength();
        try {
            sender.execute(() -> send(job, event, queueLength));
        } catch (RejectedExecutionException e) {
            LOG.debug("Web events are closed; event {} of job {} dropped", event, job.id());
        }
    }

    private void send(Job job, JobEvent event, int queueLength) {
        try {
            ObjectNode data = views.json().createObjectNode();
            data.put("id", job.id());
            String name;
            if (event instanceof JobEvent.Queued queued) {
                name = "queued";
                data.put("position", queued.position());
            } else if (event instanceof JobEvent.Started) {
                name = "started";
            } else if (event instanceof JobEvent.Progress progress) {
                name = "progress";
                data.put("step", progress.step()).put("total", progress.totalSteps());
            } else if (event instanceof JobEvent.Done done) {
                name = "done";
                Generation stored = storage.generations().find(job.id()).orElse(null);
                if (stored != null) {
                    data.set("generation", views.generation(stored, done.result()));
                }
            } else if (event instanceof JobEvent.Failed) {
                name = "failed";
            } else {
                name = "cancelled";
            }
            if (!event.isFinal()) {
                ArrayNode buttons = data.putArray("buttons");
                ButtonId.forQueued(job.id()).forEach(id -> buttons.add(views.button(id)));
            }
            data.put("text", event instanceof JobEvent.Done done
                    ? done.animation() != null ? Messages.animationCaption(job.id(), done.animation(),
                            Messages.DISCORD_MESSAGE_LIMIT)
                    : Messages.caption(job.id(), done.result(), Messages.DISCORD_MESSAGE_LIMIT)
                    : Messages.status(event, queueLength));
            String text = views.write(data);
            String user = job.requester().userId();
            for (SseClient client : List.copyOf(clients.getOrDefault(user, Set.of()))) {
                if (!client.terminated()) {
                    client.sendEvent(name, text, null);
                    sent.merge(user, 1L, Long::sum);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Sending event {} of job {} to the web failed: {}", event.getClass().getSimpleName(), job.id(),
                    e.toString());
        } finally {
            if (event.isFinal()) {
                dispatcher.confirmDelivered(job.id());
            }
        }
    }

    /**
     * Waits until every event handed over so far has been written to the open streams.
     *
     * @return false when that took longer than {@code timeout}
     */
    boolean awaitSent(Duration timeout) {
        try {
            return sender.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS) == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** How many events were written to {@code user}'s streams, all of them counted. */
    long sentTo(String user) {
        return sent.getOrDefault(user, 0L);
    }

    /** Ends every stream and stops the sending thread after the events already handed to it. */
    void close() {
        sender.shutdown();
        // The events handed over are written (each a short write to a stream) and their delivery marked before the
        // storage closes; never interrupted, since a delivery mark may be inside H2.
        boolean interrupted = false;
        while (!sender.isTerminated()) {
            try {
                sender.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (Set<SseClient> own : clients.values()) {
            for (SseClient client : List.copyOf(own)) {
                client.close();
            }
        }
        clients.clear();
    }
}
