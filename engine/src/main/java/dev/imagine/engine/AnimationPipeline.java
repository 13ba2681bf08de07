package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link AnimationRequest}: encodes each keyframe's prompt once, mixes the encodings and seeds per frame, and
 * sends the frames through {@link DiffusionPipeline} in batches of up to {@link GenerationRequest#MAX_COUNT}.
 */
final class AnimationPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(AnimationPipeline.class);

    private final DiffusionPipeline pipeline;
    private final OnnxImageEngine engine;

    AnimationPipeline(DiffusionPipeline pipeline, OnnxImageEngine engine) {
        this.pipeline = pipeline;
        this.engine = engine;
    }

    AnimationResult animate(AnimationRequest request, AnimationListener listener, CancellationToken cancellation) {
        long start = System.nanoTime();
        Keyframe first = request.keyframes().get(0);
        GenerationRequest settings = pipeline.resolve(request.settings().toBuilder()
                .prompt(first.prompt()).seed(first.seed()).build());
        List<Keyframe> keyframes = request.seededKeyframes(settings.seed());
        AnimationRequest resolved = new AnimationRequest(keyframes, request.framesPerSegment(), request.ease(), request.loop(),
                request.fps(), settings.toBuilder().prompt("").seed(null).build());
        try {
            Map<String, Conditioning> encodings = encode(keyframes);
            List<AnimationFrame> frames = resolved.frames();
            List<GeneratedImage> images = new ArrayList<>(frames.size());
            int batches = 0;
            for (int from = 0; from < frames.size(); from += GenerationRequest.MAX_COUNT) {
                List<AnimationFrame> batch = frames.subList(from, Math.min(frames.size(),
                        from + GenerationRequest.MAX_COUNT));
                List<DiffusionPipeline.Row> rows = new ArrayList<>(batch.size());
                for (AnimationFrame frame : batch) {
                    rows.add(row(frame, keyframes, encodings));
                }
                int firstFrame = from + 1;
                int lastFrame = from + batch.size();
                List<BufferedImage> pictures = pipeline.generateRows(settings, rows,
                        progress -> report(listener, new AnimationProgress(firstFrame, lastFrame, frames.size(),
                                progress.step(), progress.totalSteps(), Duration.ofNanos(System.nanoTime() - start))),
                        cancellation);
                batches++;
                for (int i = 0; i < batch.size(); i++) {
                    AnimationFrame frame = batch.get(i);
                    Keyframe a = keyframes.get(frame.from());
                    images.add(new GeneratedImage(frame.index(), a.seed(), pictures.get(i),
                            parameters(frame, frames.size(), keyframes, settings)));
                }
            }
            return new AnimationResult(resolved, images, Duration.ofNanos(System.nanoTime() - start), batches,
                    engine.model().device());
        } catch (InferenceException e) {
            throw EngineErrors.running(e.kind(), e.getMessage(), settings, engine.onGpu(), e);
        } catch (OutOfMemoryError e) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY, "Out of memory at " + settings.width()
                    + "x" + settings.height() + " with " + GenerationRequest.MAX_COUNT + " frames at a time; try a "
                    + "smaller size", e);
        }
    }

    /** Each distinct prompt's conditioning, and the empty prompt's when two encodings differ in length. */
    private Map<String, Conditioning> encode(List<Keyframe> keyframes) throws InferenceException {
        List<String> prompts = new ArrayList<>();
        for (Keyframe keyframe : keyframes) {
            if (!prompts.contains(keyframe.prompt())) {
                prompts.add(keyframe.prompt());
            }
        }
        List<Conditioning> states = pipeline.encodePrompts(prompts);
        Map<String, Conditioning> encodings = new LinkedHashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            encodings.put(prompts.get(i), states.get(i));
        }
        boolean sameLength = states.stream().mapToInt(state -> state.states().length).distinct().count() == 1;
        if (!sameLength && !encodings.containsKey("")) {
            encodings.put("", pipeline.encodePrompts(List.of("")).get(0));
        }
        return encodings;
    }

    /** The frame as a batch row: the definition in {@link AnimationFrame}. */
    static DiffusionPipeline.Row row(AnimationFrame frame, List<Keyframe> keyframes,
            Map<String, Conditioning> encodings) {
        Keyframe a = keyframes.get(frame.from());
        Keyframe b = keyframes.get(frame.to());
        float t = (float) frame.t();
        Conditioning from = encodings.get(a.prompt());
        Conditioning to = encodings.get(b.prompt());
        Conditioning empty = encodings.get("");
        float[] states = mix(from.states(), to.states(), t, empty == null ? null : empty.states());
        float[] pooled = from.pooled() == null ? null : mix(from.pooled(), to.pooled(), t, null);
        return new DiffusionPipeline.Row(a.seed(), t > 0 ? b.seed() : null, t, new Conditioning(states, pooled));
    }

    /**
     * {@code (1 - t) * a + t * b} element by element in float (SDXL's pooled embeddings alike); when one is shorter (prompts encoded in more 77-token
     * chunks), it is first extended with copies of the empty prompt's encoding {@code empty}.
     */
    static float[] mix(float[] a, float[] b, float t, float[] empty) {
        if (a.length != b.length) {
            if (empty == null) {
                throw new IllegalStateException("encodings of different lengths need the empty prompt's encoding");
            }
            int length = Math.max(a.length, b.length);
            a = extend(a, length, empty);
            b = extend(b, length, empty);
        }
        float keep = 1f - t;
        float[] out = new float[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = keep * a[i] + t * b[i];
        }
        return out;
    }

    private static float[] extend(float[] state, int length, float[] empty) {
        if (state.length == length) {
            return state;
        }
        if ((length - state.length) % empty.length != 0) {
            throw new IllegalStateException("encodings of " + state.length + " and " + length
                    + " values are not whole chunks of " + empty.length);
        }
        float[] out = new float[length];
        System.arraycopy(state, 0, out, 0, state.length);
        for (int at = state.length; at < length; at += empty.length) {
            System.arraycopy(empty, 0, out, at, empty.length);
        }
        return out;
    }

    /** The frame's AUTOMATIC1111 parameters: its keyframe's prompt and seeds, then where it lies on the way. */
    private String parameters(AnimationFrame frame, int frames, List<Keyframe> keyframes, GenerationRequest settings) {
        Keyframe a = keyframes.get(frame.from());
        Keyframe b = keyframes.get(frame.to());
        GenerationRequest.Builder single = settings.toBuilder().prompt(a.prompt()).seed(a.seed());
        if (frame.t() > 0) {
            single.subseed(b.seed()).subseedStrength(frame.t());
        }
        return Parameters.describe(single.build(), a.seed(), engine.model())
                + ", Animation frame: " + (frame.index() + 1) + "/" + frames
                + ", Travel to: " + Parameters.quote(b.prompt())
                + ", Travel fraction: " + String.format(Locale.ROOT, "%.6f", frame.t());
    }

    private static void report(AnimationListener listener, AnimationProgress progress) {
        try {
            listener.onProgress(progress);
        } catch (RuntimeException e) {
            LOG.warn("An animation progress listener failed; the animation goes on", e);
        }
    }
}
