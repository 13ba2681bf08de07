package dev.imagine.bot.fake;

import dev.imagine.engine.AnimationFrame;
import dev.imagine.engine.AnimationListener;
import dev.imagine.engine.AnimationProgress;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.Progress;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.RequestResolver;
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
 * The bot's one test engine. It resolves each request with the engine's own {@link RequestResolver} (so defaults,
 * img2img sizes and refusals are the real engine's), drawing "random" seeds from a counter that starts at
 * {@link #FIRST_RANDOM_SEED}; runs the resolved number of steps, checking cancellation and then calling the test's
 * {@link StepHook} before reporting each step; and draws, per seed, a noise picture an eighth of the resolved size
 * whose pixels depend only on the seed. Prompts {@code fail:oom} and {@code fail:crash} fail like an engine out of
 * memory and like a bug. Records every request it was given.
 */
public final class FakeEngine implements ImageEngine {
    /** Frames per batch of {@link #animate}. */
    public static final int ANIMATION_BATCH = 4;
    /** The first seed picked for a request without one; far from the seeds tests type. */
    public static final long FIRST_RANDOM_SEED = 1_000_000;
    /** A made-up SD 1.x model (euler, 4 steps, CFG 7.5, 512 x 512), as the journal records it with each job. */
    public static final ModelInfo MODEL = new ModelInfo("fake", Path.of("fake"), "FakePipeline", ModelFamily.SD1,
            "epsilon", 768, "int32", "", false, 0, true, SamplerKind.EULER, 4, 7.5, 512, 512, "0000000000000000",
            "test");

    /** Runs before each step is reported, after the cancellation check; tests move clocks or block here. */
    @FunctionalInterface
    public interface StepHook {
        void beforeStep(GenerationRequest request, int step, CancellationToken cancellation);
    }

    /** Every request given to {@link #generate}, as given. */
    public final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final ModelInfo model;
    private final RequestResolver resolver;
    private final AtomicLong nextSeed = new AtomicLong(FIRST_RANDOM_SEED);
    private volatile StepHook stepHook = (request, step, cancellation) -> { };

    /** An engine for {@link #MODEL} with the server's default options. */
    public FakeEngine() {
        this(MODEL, EngineOptions.defaults());
    }

    /** An engine that resolves requests for the given model and options, as a real engine for them would. */
    public FakeEngine(ModelInfo model, EngineOptions options) {
        this.model = model;
        this.resolver = new RequestResolver(model, options, count -> nextSeed.getAndAdd(count));
    }

    /** Sets what runs before each step (replacing the previous hook) and returns this engine. */
    public FakeEngine onStep(StepHook hook) {
        this.stepHook = hook;
        return this;
    }

    /** The prompts of the requests so far, in order. */
    public List<String> prompts() {
        return requests.stream().map(GenerationRequest::prompt).toList();
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener,
            CancellationToken cancellation) {
        requests.add(request);
        if (request.prompt().equals("fail:oom")) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY,
                    "GPU out of memory at 512x512 with 1 image; try a smaller size or fewer images");
        }
        if (request.prompt().equals("fail:crash")) {
            throw new IllegalStateException("a bug");
        }
        GenerationRequest resolved = resolver.resolve(request);
        int steps = resolved.steps();
        for (int step = 1; step <= steps; step++) {
            if (cancellation.isCancelled()) {
                throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
            }
            stepHook.beforeStep(request, step, cancellation);
            listener.onProgress(new Progress(step, steps, Duration.ofMillis(step)));
        }
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < resolved.count(); i++) {
            long seed = resolved.seed() + i;
            images.add(new GeneratedImage(i, seed, noise(seed, resolved.outputWidth() / 8,
                    resolved.outputHeight() / 8), "seed " + seed));
        }
        return new GenerationResult(resolved, images, "", "",
                new Timings(Duration.ofMillis(1500), Duration.ZERO, Duration.ZERO, steps, steps), "test");
    }

    /**
     * Animates as the real engine batches frames ({@value #ANIMATION_BATCH} at a time): the settings are resolved as
     * {@link #generate} resolves a request (the first keyframe's seed drawn from the counter when missing), every
     * keyframe's seed is filled in, and frame {@code i} of a segment starting at a keyframe with seed {@code s} is
     * the noise picture of {@code s * 1000 + i}; it is flagged by the safety checker when that keyframe's prompt is
     * {@code nsfw}. The prompt {@code fail:oom} fails as in {@link #generate}.
     */
    @Override
    public AnimationResult animate(AnimationRequest request, AnimationListener listener,
            CancellationToken cancellation) {
        Keyframe first = request.keyframes().get(0);
        GenerationRequest asked = request.settings().toBuilder().prompt(first.prompt()).seed(first.seed()).build();
        requests.add(asked);
        if (first.prompt().equals("fail:oom")) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY,
                    "GPU out of memory at 512x512 with 1 image; try a smaller size or fewer images");
        }
        GenerationRequest resolved = resolver.resolve(asked);
        List<Keyframe> seeded = new ArrayList<>();
        long previous = resolved.seed();
        for (Keyframe keyframe : request.keyframes()) {
            previous = keyframe.seed() != null ? keyframe.seed() : previous;
            seeded.add(new Keyframe(keyframe.prompt(), previous));
        }
        AnimationRequest done = new AnimationRequest(seeded, request.framesPerSegment(), request.ease(),
                request.loop(), request.fps(),
                resolved.toBuilder().prompt("").seed(null).build());
        List<AnimationFrame> frames = done.frames();
        int steps = resolved.steps();
        List<GeneratedImage> images = new ArrayList<>();
        int batches = 0;
        for (int start = 0; start < frames.size(); start += ANIMATION_BATCH) {
            int end = Math.min(frames.size(), start + ANIMATION_BATCH);
            batches++;
            for (int step = 1; step <= steps; step++) {
                if (cancellation.isCancelled()) {
                    throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
                }
                stepHook.beforeStep(asked, step, cancellation);
                listener.onProgress(new AnimationProgress(start + 1, end, frames.size(), step, steps,
                        Duration.ofMillis(step)));
            }
            for (int i = start; i < end; i++) {
                Keyframe from = seeded.get(frames.get(i).from());
                long seed = from.seed();
                images.add(new GeneratedImage(i, seed, noise(seed * 1000 + i, resolved.outputWidth() / 8,
                        resolved.outputHeight() / 8), "seed " + seed + ", frame " + i, from.prompt().equals("nsfw")));
            }
        }
        return new AnimationResult(done, images, Duration.ofMillis(1500), batches, "test");
    }

    /** A picture of random pixels that depend only on the seed. */
    public static BufferedImage noise(long seed, int width, int height) {
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
    public ModelInfo model() {
        return model;
    }

    @Override
    public void close() {
    }
}
