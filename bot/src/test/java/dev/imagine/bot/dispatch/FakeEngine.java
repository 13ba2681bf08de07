package dev.imagine.bot.dispatch;

import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.Progress;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.Timings;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A fast engine for dispatcher tests: "generates" a 1x1 image per seed in as many steps as asked, checking the
 * cancellation token between steps like the real one, and fails on prompts that say so ("fail:oom", "fail:crash").
 */
final class FakeEngine implements ImageEngine {
    final List<String> prompts = new CopyOnWriteArrayList<>();
    volatile BiConsumer<GenerationRequest, Integer> beforeStep = (request, step) -> { };
    volatile BiConsumer<Integer, CancellationToken> withToken = (step, token) -> { };

    @Override
    public ModelInfo model() {
        throw new UnsupportedOperationException("not needed by the dispatcher");
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener,
            CancellationToken cancellation) {
        prompts.add(request.prompt());
        if (request.prompt().equals("fail:oom")) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY,
                    "GPU out of memory at 512x512 with 1 image; try a smaller size or fewer images");
        }
        if (request.prompt().equals("fail:crash")) {
            throw new IllegalStateException("a bug");
        }
        int steps = request.steps() == null ? 3 : request.steps();
        for (int step = 1; step <= steps; step++) {
            if (cancellation.isCancelled()) {
                throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
            }
            beforeStep.accept(request, step);
            withToken.accept(step, cancellation);
            listener.onProgress(new Progress(step, steps, Duration.ofMillis(step)));
        }
        long seed = request.seed() == null ? 1 : request.seed();
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            images.add(new GeneratedImage(i, seed + i, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "p"));
        }
        return new GenerationResult(request.toBuilder().seed(seed).steps(steps).build(), images, "", "",
                new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, steps, steps), "test");
    }

    @Override
    public void close() {
    }
}
