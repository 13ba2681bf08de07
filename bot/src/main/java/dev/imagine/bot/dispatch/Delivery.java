package dev.imagine.bot.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's way out: sends each job's events to the sink of its platform, with the status message the adapter
 * reported for the job, and isolates a failing sink from the worker. Thread-safe.
 */
final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final Map<String, JobSink> sinks = new ConcurrentHashMap<>();
    private final Map<Long, String> statusMessages = new ConcurrentHashMap<>();

    void register(String platform, JobSink sink) {
        sinks.put(platform, sink);
    }

    /** Whether a sink for {@code platform} is registered. */
    boolean hasSink(String platform) {
        return sinks.containsKey(platform);
    }

    /** Later events of the job carry {@code messageId} in their target. */
    void rememberStatusMessage(long id, String messageId) {
        statusMessages.put(id, messageId);
    }

    /** The job's final event reached the user; its status message is no longer needed. */
    void forget(long id) {
        statusMessages.remove(id);
    }

    /** Sends {@code event} to the job's sink; a sink that throws is logged, never passed to the caller. */
    void deliver(Job original, JobEvent event) {
        String status = statusMessages.get(original.id());
        Job job = status == null ? original : original.withTarget(original.target().withMessageId(status));
        JobSink sink = sinks.get(job.target().platform());
        if (sink == null) {
            LOG.debug("No sink for platform {}; event {} of job {} dropped", job.target().platform(), event, job.id());
            return;
        }
        try {
            sink.deliver(job, event);
        } catch (RuntimeException e) {
            LOG.warn("The {} sink failed on job {}: {}", job.target().platform(), job.id(), e.toString());
        }
    }
}
