package dev.imagine.bot.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.WorkerState;
import dev.imagine.engine.ModelInfo;
import dev.imagine.storage.Storage;
import java.util.Locale;

/**
 * {@code /healthz}: the worker thread, the engine and the database, each checked, as JSON. {@code status} is
 * {@code ok} only when all three are; otherwise {@code down} and the endpoint answers 503, so a supervisor restarts
 * the process. Secrets never appear: only the model's name, the device and counts.
 */
final class Health {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dispatcher dispatcher;
    private final ModelInfo model;
    private final Storage storage;

    Health(Dispatcher dispatcher, ModelInfo model, Storage storage) {
        this.dispatcher = dispatcher;
        this.model = model;
        this.storage = storage;
    }

    /** The report; {@link Report#healthy()} decides the HTTP status. */
    Report check() {
        WorkerState worker = dispatcher.workerState();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode workerNode = JSON.createObjectNode();
        boolean workerOk = worker.thread() == WorkerState.Thread.ALIVE;
        workerNode.put("status", workerOk ? "ok" : "down");
        workerNode.put("thread", worker.thread().name().toLowerCase(Locale.ROOT));
        workerNode.put("stopping", worker.stopping());
        workerNode.put("queue", worker.queueLength());

        ObjectNode engineNode = JSON.createObjectNode();
        boolean engineOk = !worker.engineStuck();
        engineNode.put("status", engineOk ? "ok" : "stuck");
        engineNode.put("model", model.name());
        engineNode.put("device", model.device());
        if (worker.runningJob().isPresent()) {
            engineNode.put("job", worker.runningJob().get());
            engineNode.put("runningSeconds", worker.runningFor().toSeconds());
        } else {
            engineNode.putNull("job");
        }

        ObjectNode databaseNode = JSON.createObjectNode();
        boolean databaseOk;
        try {
            storage.check();
            databaseOk = true;
            databaseNode.put("status", "ok");
        } catch (RuntimeException e) {
            databaseOk = false;
            databaseNode.put("status", "down");
            databaseNode.put("error", e.getMessage());
        }
        boolean healthy = workerOk && engineOk && databaseOk;
        root.put("status", healthy ? "ok" : "down");
        root.put("model", model.name());
        root.put("device", model.device());
        root.put("queue", worker.queueLength());
        root.set("worker", workerNode);
        root.set("engine", engineNode);
        root.set("database", databaseNode);
        try {
            return new Report(healthy, JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values is always writable", e);
        }
    }

    /**
     * One health report.
     *
     * @param healthy whether every part is fine
     * @param json the body
     */
    record Report(boolean healthy, String json) {
    }
}
