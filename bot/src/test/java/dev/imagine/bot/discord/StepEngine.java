package dev.imagine.bot.discord;

import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.Progress;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast engine for the Discord tests: fills defaults like the real one (a seed from a counter when none is given,
 * euler-a, 4 steps, CFG 7.5, 512 x 512), runs {@link #onStep} before reporting each step (tests move their clock
 * there), honours cancellation between steps, and draws, per seed, a noise picture an eighth of the requested size
 * whose pixels depend only on the seed. Records every request.
 */
final class StepEngine implements ImageEngine {
    /** The first seed picked for a request without one. */
    static final long FIRST_RANDOM_SEED = 5_000_000;
    /** A made-up model, as the journal records it with each job. */
    static final ModelInfo MODEL = new ModelInfo("step", Path.of("step"), "FakePipeline", ModelFamily.SD1, "epsilon",
            768, "int32", "", false, 0, true, SamplerKind.EULER, 4, 7.5, 512, 512, "0000000000000000", "test");

    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong nextSeed = new AtomicLong(FIRST_RANDOM_SEED);
    private final Runnable onStep;

    StepEngine(Runnable onStep) {
        this.onStep = onStep;
    }

    StepEngine() {
        this(() -> { });
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener,
            CancellationToken cancellation) {
        requests.add(request);
        int steps = request.steps() == null ? 4 : request.steps();
        for (int step = 1; step <= steps; step++) {
            if (cancellation.isCancelled()) {
                throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
            }
            onStep.run();
            listener.onProgress(new Progress(step, steps, Duration.ofMillis(step)));
        }
        long seed = request.seed() != null ? request.seed() : nextSeed.getAndAdd(request.count());
        int width = request.width() != null ? request.width()
                : request.isImageToImage() ? Math.max(64, request.initImage().getWidth() / 8 * 8) : 512;
        int height = request.height() != null ? request.height()
                : request.isImageToImage() ? Math.max(64, request.initImage().getHeight() / 8 * 8) : 512;
        Double strength = request.strength();
        if (request.isImageToImage() && strength == null) {
            strength = 0.75;
        }
        Double hiresStrength = request.hiresStrength();
        if (request.upscale() != null && hiresStrength == null) {
            hiresStrength = 0.35;
        }
        Long subseed = request.subseed();
        if (request.hasVariation() && subseed == null) {
            subseed = nextSeed.getAndIncrement();
        }
        GenerationRequest resolved = request.toBuilder().seed(seed)
                .sampler(request.sampler() != null ? request.sampler() : SamplerKind.EULER_ANCESTRAL)
                .steps(steps).guidance(request.guidance() != null ? request.guidance() : 7.5)
                .width(width).height(height)
                .strength(strength)
                .subseed(subseed)
                .hiresStrength(hiresStrength)
                .build();
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            images.add(new GeneratedImage(i, seed + i, noise(seed + i, width / 8, height / 8), "seed " + (seed + i)));
        }
        return new GenerationResult(resolved, images, "", "",
                new Timings(Duration.ofMillis(1500), Duration.ZERO, Duration.ZERO, steps, steps), "test");
    }

    static BufferedImage noise(long seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return picture;
    }

    @Override
    public void close() {
    }
}
