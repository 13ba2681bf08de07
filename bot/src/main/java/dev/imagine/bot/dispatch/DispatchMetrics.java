package dev.imagine.bot.dispatch;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The dispatcher's meters: queue length, jobs by outcome, rejections by reason, time per step and the share of time
 * the engine was busy, all timed on the injected ticker. Thread-safe.
 */
final class DispatchMetrics {
    private final MeterRegistry registry;
    private final Ticker ticker;
    private final Timer stepTimer;
    private final long createdNanos;
    private volatile long busyNanos;

    DispatchMetrics(MeterRegistry registry, Ticker ticker, IntSupplier queueLength) {
        this.registry = registry;
        this.ticker = ticker;
        this.createdNanos = ticker.read();
        this.stepTimer = Timer.builder("imagine.step.time").description("Time per denoising step").register(registry);
        Gauge.builder("imagine.queue.length", queueLength, IntSupplier::getAsInt).description("Jobs waiting")
                .register(registry);
        Gauge.builder("imagine.engine.busy.ratio", this, DispatchMetrics::busyRatio)
                .description("Share of time the engine was running a job").register(registry);
    }

    /** A job ended: {@code done}, {@code failed} or {@code cancelled}. */
    void finished(String outcome) {
        Counter.builder("imagine.jobs").description("Finished jobs, by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    /**
     * A finished job's result sent again after a restart because its delivery was never marked: after a crash between
     * the send and the mark, the user sees it twice (a graceful stop marks every send it makes).
     */
    void redelivered() {
        Counter.builder("imagine.deliveries.repeated").description("Results sent again after a restart because their "
                + "delivery was not recorded; each may be a duplicate after a crash").register(registry).increment();
    }

    void rejected(SubmitResult.Reason reason) {
        Counter.builder("imagine.rejections").description("Submissions refused, by reason")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    void step(long nanos) {
        stepTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void busy(long nanos) {
        busyNanos += nanos;
    }

    private double busyRatio() {
        long alive = ticker.read() - createdNanos;
        return alive <= 0 ? 0 : Math.min(1.0, busyNanos / (double) alive);
    }
}
