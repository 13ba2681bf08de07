package dev.imagine.bot.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.config.NodeSettings;
import dev.imagine.engine.ModelInfo;
import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.Storage;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} of a cluster's node, as JSON. A worker is healthy when its engine is loaded, its engine thread
 * runs and its database connection works; a frontend when its relay of the workers' news runs and its database
 * connection works. A frontend with no worker alive is still healthy (it queues and says so); the count is shown.
 * Secrets never appear.
 */
final class ClusterHealth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeSettings node;
    private final ModelInfo model;
    private final Storage storage;
    private final BooleanSupplier running;
    private final java.util.function.Supplier<java.util.Optional<Long>> job;
    private final Duration leaseTimeout;

    /**
     * @param model the loaded engine's model (a worker), or the model read for its defaults (a frontend)
     * @param running whether the worker's engine thread or the frontend's relay runs
     * @param job the job a worker runs now
     */
    ClusterHealth(NodeSettings node, ModelInfo model, Storage storage, BooleanSupplier running,
            java.util.function.Supplier<java.util.Optional<Long>> job, Duration leaseTimeout) {
        this.node = node;
        this.model = model;
        this.storage = storage;
        this.running = running;
        this.job = job;
        this.leaseTimeout = leaseTimeout;
    }

    Health.Report check() {
        ObjectNode root = JSON.createObjectNode();
        root.put("node", node.name());
        root.put("role", node.role().key());
        boolean threadOk = running.getAsBoolean();
        ObjectNode databaseNode = JSON.createObjectNode();
        boolean databaseOk;
        ClusterQueue queue = storage.queue();
        try {
            storage.check();
            databaseOk = true;
            databaseNode.put("status", "ok");
            databaseNode.put("queue", queue.depth());
            databaseNode.put("workersAlive", queue.nodesAlive("worker", leaseTimeout));
        } catch (RuntimeException e) {
            databaseOk = false;
            databaseNode.put("status", "down");
            databaseNode.put("error", e.getMessage());
        }
        if (node.role() == NodeSettings.Role.WORKER) {
            ObjectNode engineNode = JSON.createObjectNode();
            engineNode.put("status", threadOk ? "ok" : "down");
            engineNode.put("model", model.name());
            engineNode.put("device", model.device());
            job.get().ifPresentOrElse(id -> engineNode.put("job", id), () -> engineNode.putNull("job"));
            root.set("engine", engineNode);
        } else {
            ObjectNode relayNode = JSON.createObjectNode();
            relayNode.put("status", threadOk ? "ok" : "down");
            relayNode.put("model", model.name());
            root.set("relay", relayNode);
        }
        root.set("database", databaseNode);
        boolean healthy = threadOk && databaseOk;
        root.put("status", healthy ? "ok" : "down");
        try {
            return new Health.Report(healthy, JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values is always writable", e);
        }
    }
}
