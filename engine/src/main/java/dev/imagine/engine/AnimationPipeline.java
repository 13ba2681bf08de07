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
            Encodings encodings = encode(settings, keyframes);
            List<AnimationFrame> frames = resolved.frames();
            List<GeneratedImage> images = new ArrayList<>(frames.size());
            int batches = 0;
            int from = 0;
            while (from < frames.size()) {
                // A batch holds up to MAX_COUNT frames whose conditionings have one token count.
                List<DiffusionPipeline.Row> rows = new ArrayList<>();
                while (from + rows.size() < frames.size() && rows.size() < GenerationRequest.MAX_COUNT) {
                    DiffusionPipeline.Row row = row(frames.get(from + rows.size()), keyframes, encodings);
                    if (!rows.isEmpty() && row.cond().tokens() != rows.get(0).cond().tokens()) {
                        break;
                    }
                    rows.add(row);
                }
                int firstFrame = from + 1;
                int lastFrame = from + rows.size();
                List<DiffusionPipeline.RowImage> pictures = pipeline.generateRows(settings, encodings.uncond(), rows,
                        progress -> report(listener, new AnimationProgress(firstFrame, lastFrame, frames.size(),
                                progress.step(), progress.totalSteps(), Duration.ofNanos(System.nanoTime() - start))),
                        cancellation);
                batches++;
                for (int i = 0; i < rows.size(); i++) {
                    AnimationFrame frame = frames.get(from + i);
                    Keyframe a = keyframes.get(frame.from());
                    images.add(new GeneratedImage(frame.index(), a.seed(), pictures.get(i).image(),
                            parameters(frame, frames.size(), keyframes, settings), pictures.get(i).flagged()));
                }
                from += rows.size();
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

    /**
     * Each distinct keyframe prompt's states, as a generation of it with the animation's settings reads it (its prompt
     * syntax applied), the negative prompt's, and the empty prompt's when two prompts differ in token count.
     */
    record Encodings(Map<String, PromptConditioning.Side> prompts, PromptConditioning.Side uncond,
            PromptConditioning.Side empty) {
    }

    private Encodings encode(GenerationRequest settings, List<Keyframe> keyframes) throws InferenceException {
        Map<String, PromptConditioning.Side> prompts = new LinkedHashMap<>();
        PromptConditioning.Side uncond = null;
        for (Keyframe keyframe : keyframes) {
            if (!prompts.containsKey(keyframe.prompt())) {
                PromptConditioning conditioning = pipeline.conditioning(settings, keyframe.prompt());
                prompts.put(keyframe.prompt(), conditioning.cond());
                uncond = conditioning.uncond();
            }
        }
        PromptConditioning.Side empty = prompts.get("");
        long lengths = prompts.values().stream().mapToInt(PromptConditioning.Side::tokens).distinct().count();
        if (lengths > 1 && empty == null) {
            empty = pipeline.conditioning(settings, "").cond();
        }
        return new Encodings(prompts, uncond, empty);
    }

    /** The frame as a batch row: the definition in {@link AnimationFrame}. */
    static DiffusionPipeline.Row row(AnimationFrame frame, List<Keyframe> keyframes, Encodings encodings) {
        Keyframe a = keyframes.get(frame.from());
        Keyframe b = keyframes.get(frame.to());
        float t = (float) frame.t();
        PromptConditioning.Side cond = PromptConditioning.Side.mix(encodings.prompts().get(a.prompt()),
                encodings.prompts().get(b.prompt()), t, encodings.empty());
        return new DiffusionPipeline.Row(a.seed(), t > 0 ? b.seed() : null, t, cond);
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
