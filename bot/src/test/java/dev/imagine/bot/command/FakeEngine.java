package dev.imagine.bot.command;

import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.Progress;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast engine for the command contract: fills defaults like the real one (a seed from a counter when none is given,
 * euler-a, 4 steps, CFG 7.5, 512 x 512 or the init picture's size), reports each step, honours cancellation between
 * steps, and makes a tiny picture per seed whose colour depends on the seed. Records every request it ran.
 */
final class FakeEngine implements ImageEngine {
    /** The first seed picked for a request without one; far from the seeds tests type. */
    static final long FIRST_RANDOM_SEED = 1_000_000;

    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong nextSeed = new AtomicLong(FIRST_RANDOM_SEED);

    /** A made-up model description, as the service's journal records it with each job. */
    static final ModelInfo MODEL = new ModelInfo("fake", java.nio.file.Path.of("fake"), "FakePipeline",
            dev.imagine.engine.ModelFamily.SD1, "epsilon", 768, "int32", "", false, 0, true,
            dev.imagine.engine.SamplerKind.EULER, 4, 7.5, 512, 512, "0000000000000000", "test");

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
            listener.onProgress(new Progress(step, steps, Duration.ofMillis(step)));
        }
        long seed = request.seed() != null ? request.seed() : nextSeed.getAndAdd(request.count());
        Long subseed = request.subseed();
        if (request.hasVariation() && subseed == null) {
            subseed = nextSeed.getAndAdd(request.count());
        }
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
        GenerationRequest resolved = request.toBuilder().seed(seed)
                .sampler(request.sampler() != null ? request.sampler() : SamplerKind.EULER_ANCESTRAL)
                .steps(steps).guidance(request.guidance() != null ? request.guidance() : 7.5)
                .width(width).height(height)
                .strength(strength)
                .subseed(request.hasVariation() ? subseed : null)
                .hiresStrength(hiresStrength)
                .build();
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            BufferedImage picture = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
            picture.setRGB(0, 0, (int) ((seed + i) & 0xffffff));
            images.add(new GeneratedImage(i, seed + i, picture, "seed " + (seed + i)));
        }
        return new GenerationResult(resolved, images, "", "",
                new Timings(Duration.ofMillis(1500), Duration.ZERO, Duration.ZERO, steps, steps), "test");
    }

    @Override
    public void close() {
    }
}
