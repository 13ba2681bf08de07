package dev.imagine.bot.service;

import dev.imagine.storage.ClusterQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The cluster's meters on every node's {@code /metrics}: the shared queue's depth, the workers alive (beat within a
 * lease), the jobs each worker finished and the leases this node found expired. The gauges read the database when
 * scraped ({@link #refresh} before each scrape); a database that does not answer shows as NaN. Thread-safe.
 */
final class ClusterMetrics {
    private final ClusterQueue queue;
    private final Duration leaseTimeout;
    private final Counter expiries;
    private final MultiGauge jobsPerWorker;

    ClusterMetrics(MeterRegistry registry, ClusterQueue queue, Duration leaseTimeout) {
        this.queue = queue;
        this.leaseTimeout = leaseTimeout;
        gauge(registry, "imagine.cluster.queue.depth", "Jobs queued across the cluster", q -> q.depth());
        gauge(registry, "imagine.cluster.workers.alive", "Workers that beat within the lease timeout",
                q -> q.nodesAlive("worker", leaseTimeout));
        expiries = Counter.builder("imagine.cluster.lease.expiries")
                .description("Leases this node found expired (their worker stopped), put back or failed")
                .register(registry);
        jobsPerWorker = MultiGauge.builder("imagine.cluster.worker.jobs")
                .description("Jobs each worker finished since it first registered").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ClusterQueue> read) {
        Gauge.builder(name, queue, q -> {
            try {
                return read.applyAsDouble(q);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(description).register(registry);
    }

    /** Counts leases found expired. */
    void leasesExpired(int count) {
        expiries.increment(count);
    }

    /** Reads the workers' job counts again; called before each scrape. */
    void refresh() {
        try {
            List<MultiGauge.Row<?>> rows = queue.nodes().stream().filter(n -> n.role().equals("worker"))
                    .<MultiGauge.Row<?>>map(n -> MultiGauge.Row.of(Tags.of("node", n.name()), n.jobsDone()))
                    .toList();
            jobsPerWorker.register(rows, true);
        } catch (RuntimeException e) {
            // The database does not answer; the last rows stay, and the queue gauges show NaN.
        }
    }

    Duration leaseTimeout() {
        return leaseTimeout;
    }
}
