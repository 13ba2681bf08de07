package dev.imagine.engine;

import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.sampler.NoiseSource;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Draws a sampler's next noise while the UNet runs. Samplers that add fresh noise every step (Euler ancestral, LCM)
 * ask for the same count each time; after the first draw, the next one is computed in the background on a copy of
 * the image's generator, and handed over (with the copy's stream position) when the sampler asks. The values are
 * exactly those a direct draw gives: the stream is the same, only the thread differs. A request for another count
 * is drawn directly from the generator.
 *
 * <p>One per engine: it owns one daemon thread, closed with the engine. {@link #source} is called by the engine
 * thread only.
 */
final class NoiseAhead implements AutoCloseable {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imagine-noise-ahead");
        thread.setDaemon(true);
        return thread;
    });

    /** A noise source over {@code generator} that draws ahead; {@link Source#stop} it when its pass ends. */
    Source source(TorchGenerator generator) {
        return new Source(generator);
    }

    @Override
    public void close() {
        // Draws never started are cancelled, so a source waiting for one draws directly instead.
        for (Runnable never : worker.shutdownNow()) {
            if (never instanceof Future<?> draw) {
                draw.cancel(false);
            }
        }
    }

    /** The noise of one image's generator, one draw ahead. */
    final class Source implements NoiseSource {
        private final TorchGenerator generator;
        private Future<Draw> pending;
        private int pendingCount;

        private Source(TorchGenerator generator) {
            this.generator = generator;
        }

        @Override
        public float[] randn(int count) {
            float[] values = pending != null && pendingCount == count ? collect() : null;
            if (values == null) {
                stop();
                values = generator.randn(count);
            }
            TorchGenerator ahead = generator.copy();
            try {
                pending = worker.submit(() -> new Draw(ahead, ahead.randn(count)));
                pendingCount = count;
            } catch (RejectedExecutionException e) {
                pending = null; // the engine is closing; the next draw is made directly
            }
            return values;
        }

        /** Drops a draw made ahead that no step took; the generator stays where the last step left it. */
        void stop() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        private float[] collect() {
            Future<Draw> draw = pending;
            pending = null;
            if (!draw.isDone() && draw.cancel(false)) {
                return null; // the worker has not started it (a busy machine): drawing here is quicker than waiting
            }
            try {
                Draw done = draw.get();
                generator.moveTo(done.generator());
                return done.values();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                draw.cancel(false);
                return null;
            } catch (CancellationException e) {
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("drawing noise ahead failed", e.getCause());
            }
        }
    }

    private record Draw(TorchGenerator generator, float[] values) {
    }
}
