package dev.imagine.engine;

import dev.imagine.engine.image.ImageResizer;
import dev.imagine.engine.image.ImageTensors;
import dev.imagine.engine.image.PixelSize;
import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.onnx.Graph;
import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.Unet;
import dev.imagine.engine.onnx.VaeEncoder;
import dev.imagine.engine.sampler.NoiseScheduleConfig;
import dev.imagine.engine.sampler.Sampler;
import dev.imagine.engine.sampler.Samplers;
import dev.imagine.engine.text.TokenizedPrompt;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stable Diffusion loop, as diffusers' {@code StableDiffusionPipeline} and {@code StableDiffusionImg2ImgPipeline}
 * run it: encode the prompts, draw each image's initial latents from its own seed's generator, denoise with
 * classifier-free guidance on the batch [uncond..., cond...], decode each image on its own.
 */
final class DiffusionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionPipeline.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final OnnxImageEngine engine;

    DiffusionPipeline(OnnxImageEngine engine) {
        this.engine = engine;
    }

    GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancellation) {
        long start = System.nanoTime();
        long onnxBefore = Graph.threadRunNanos(false);
        long unetBefore = Graph.threadRunNanos(true);
        GenerationRequest job = resolve(request);
        try {
            Run run = new Run(job, listener, cancellation, start);
            List<GeneratedImage> images = run.execute();
            Timings timings = new Timings(Duration.ofNanos(System.nanoTime() - start),
                    Duration.ofNanos(Graph.threadRunNanos(false) - onnxBefore),
                    Duration.ofNanos(Graph.threadRunNanos(true) - unetBefore), run.unetCalls, run.steps);
            return new GenerationResult(job, images, run.cond.droppedText(),
                    run.uncond == null ? "" : run.uncond.droppedText(), timings, engine.model().device());
        } catch (InferenceException e) {
            throw translate(e, job);
        } catch (OutOfMemoryError e) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY, "Out of memory at " + job.width() + "x"
                    + job.height() + " with " + job.count() + " image" + (job.count() == 1 ? "" : "s")
                    + "; try a smaller size or fewer images", e);
        }
    }

    /** Fills every default, so the returned request reruns the job exactly. */
    GenerationRequest resolve(GenerationRequest request) {
        ModelInfo model = engine.model();
        long seed = request.seed() != null ? request.seed()
                : SEEDS.nextLong(GenerationRequest.MAX_SEED - request.count() + 2);
        Integer width = request.width();
        Integer height = request.height();
        Double strength = null;
        if (request.isImageToImage()) {
            BufferedImage init = request.initImage();
            if (width == null && height == null) {
                PixelSize size = new PixelSize(init.getWidth(), init.getHeight())
                        .fitWithin(GenerationRequest.MAX_SIDE, GenerationRequest.MIN_SIDE);
                width = size.width();
                height = size.height();
            } else if (width == null) {
                width = keepAspect(height, init.getWidth(), init.getHeight());
            } else if (height == null) {
                height = keepAspect(width, init.getHeight(), init.getWidth());
            }
            strength = request.strength() != null ? request.strength() : GenerationRequest.DEFAULT_STRENGTH;
        }
        GenerationRequest resolved = request.toBuilder()
                .seed(seed)
                .sampler(request.sampler() != null ? request.sampler() : model.defaultSampler())
                .steps(request.steps() != null ? request.steps() : model.defaultSteps())
                .guidance(request.guidance() != null ? request.guidance() : model.defaultGuidance())
                .width(width != null ? width : model.defaultWidth())
                .height(height != null ? height : model.defaultHeight())
                .strength(strength)
                .build();
        Unet unet = engine.unet();
        if ((unet.fixedLatentWidth() > 0 && unet.fixedLatentWidth() * 8 != resolved.width())
                || (unet.fixedLatentHeight() > 0 && unet.fixedLatentHeight() * 8 != resolved.height())) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + model.name()
                    + " only makes " + model.defaultWidth() + "x" + model.defaultHeight() + " images (its export fixed "
                    + "the size); got " + resolved.width() + "x" + resolved.height());
        }
        return resolved;
    }

    /** The other side for a given one, keeping the init image's aspect ratio, snapped to a multiple of 8. */
    private static int keepAspect(int given, int otherPixels, int givenPixels) {
        long side = Math.round((double) given * otherPixels / givenPixels);
        int snapped = PixelSize.snapDown((int) Math.min(side, GenerationRequest.MAX_SIDE), 8);
        return Math.max(GenerationRequest.MIN_SIDE, snapped);
    }

    private EngineException translate(InferenceException e, GenerationRequest job) {
        String images = job.count() + " image" + (job.count() == 1 ? "" : "s");
        switch (e.kind()) {
            case OUT_OF_MEMORY:
                return new EngineException(EngineException.Reason.OUT_OF_MEMORY, (engine.onGpu() ? "GPU" : "Host")
                        + " out of memory at " + job.width() + "x" + job.height() + " with " + images
                        + "; try a smaller size or fewer images", e);
            case UNSUPPORTED_OPERATOR:
                return new EngineException(EngineException.Reason.UNSUPPORTED_MODEL, engine.onGpu() ? e.getMessage()
                        : "this model cannot run on the CPU, probably because it is a float16 (fp16) export: use an "
                                + "fp32 export or run on a CUDA GPU (device cuda). " + e.getMessage(), e);
            case INVALID_MODEL:
                return new EngineException(EngineException.Reason.INVALID_MODEL, e.getMessage(), e);
            default:
                return new EngineException(EngineException.Reason.FAILED, "the engine failed: " + e.getMessage(), e);
        }
    }

    /** The state of one job. */
    private final class Run {
        private final GenerationRequest job;
        private final ProgressListener listener;
        private final CancellationToken cancellation;
        private final long start;
        private final int count;
        private final int latentHeight;
        private final int latentWidth;
        private final int latentSize;
        private final boolean guided;
        private final float guidance;
        private final float scale;
        private TokenizedPrompt cond;
        private TokenizedPrompt uncond;
        private int unetCalls;
        private int steps;

        Run(GenerationRequest job, ProgressListener listener, CancellationToken cancellation, long start) {
            this.job = job;
            this.listener = listener;
            this.cancellation = cancellation;
            this.start = start;
            this.count = job.count();
            this.latentHeight = job.height() / 8;
            this.latentWidth = job.width() / 8;
            this.latentSize = 4 * latentHeight * latentWidth;
            this.guided = job.guidance() > 1.0;
            this.guidance = job.guidance().floatValue();
            this.scale = engine.folder().scalingFactor();
        }

        List<GeneratedImage> execute() throws InferenceException {
            checkCancelled();
            cond = engine.tokenizer().encode(job.prompt());
            uncond = guided ? engine.tokenizer().encode(job.negativePrompt()) : null;
            List<float[]> states = engine.textEncoder().encode(guided ? List.of(uncond.ids(), cond.ids())
                    : List.of(cond.ids()));
            List<float[]> rowStates = new ArrayList<>(guided ? 2 * count : count);
            if (guided) {
                for (int i = 0; i < count; i++) {
                    rowStates.add(states.get(0));
                }
            }
            for (int i = 0; i < count; i++) {
                rowStates.add(states.get(guided ? 1 : 0));
            }

            TorchGenerator[] generators = new TorchGenerator[count];
            Sampler[] samplers = new Sampler[count];
            double strength = job.isImageToImage() ? job.strength() : 1.0;
            for (int i = 0; i < count; i++) {
                generators[i] = new TorchGenerator(job.seed() + i);
                samplers[i] = createSampler(job.sampler(), engine.schedule(), job.steps(), strength);
            }
            float[][] latents = job.isImageToImage() ? initFromImage(generators, samplers)
                    : initFromNoise(generators, samplers);
            denoise(rowStates, generators, samplers, latents);
            checkCancelled();
            return decode(latents);
        }

        private float[][] initFromNoise(TorchGenerator[] generators, Sampler[] samplers) {
            float[][] latents = new float[count][];
            for (int i = 0; i < count; i++) {
                float[] noise = generators[i].randn(latentSize);
                float sigma = samplers[i].initNoiseSigma();
                for (int k = 0; k < noise.length; k++) {
                    noise[k] *= sigma;
                }
                latents[i] = noise;
            }
            return latents;
        }

        private float[][] initFromImage(TorchGenerator[] generators, Sampler[] samplers) throws InferenceException {
            VaeEncoder encoder = engine.vaeEncoder();
            BufferedImage image = job.initImage();
            if (image.getWidth() != job.width() || image.getHeight() != job.height()) {
                image = ImageResizer.resizeLanczos(image, job.width(), job.height());
            }
            float[] planes = new float[3 * job.width() * job.height()];
            ImageTensors.toTensor(image, planes, 0);
            VaeEncoder.Encoded encoded = encoder.encode(planes, job.height(), job.width());
            float[][] latents = new float[count][];
            for (int i = 0; i < count; i++) {
                float[] clean = new float[latentSize];
                if (encoded.parameters()) {
                    float[] eps = generators[i].randn(latentSize);
                    float[] values = encoded.values();
                    for (int k = 0; k < latentSize; k++) {
                        float logvar = Math.max(-30f, Math.min(20f, values[latentSize + k]));
                        float std = (float) Math.exp(0.5f * logvar);
                        clean[k] = values[k] + std * eps[k];
                    }
                } else {
                    System.arraycopy(encoded.values(), 0, clean, 0, latentSize);
                }
                for (int k = 0; k < latentSize; k++) {
                    clean[k] = scale * clean[k];
                }
                float[] noise = generators[i].randn(latentSize);
                if (samplers[i].calls() > 0) {
                    samplers[i].addNoise(clean, noise);
                }
                latents[i] = clean;
            }
            return latents;
        }

        private void denoise(List<float[]> rowStates, TorchGenerator[] generators, Sampler[] samplers,
                float[][] latents) throws InferenceException {
            int calls = samplers[0].calls();
            steps = calls;
            if (calls == 0) {
                return;
            }
            int rows = rowStates.size();
            float[] prediction = new float[latentSize];
            try (Unet.Batch batch = engine.unet().prepare(rowStates, latentHeight, latentWidth)) {
                // Float32 graphs that take the whole batch at once are fed and read in place; others go through arrays.
                FloatBuffer direct = batch.inputView();
                float[] modelIn = direct == null ? new float[rows * latentSize] : null;
                float[] modelOut = direct == null ? new float[rows * latentSize] : null;
                FloatBuffer in = direct != null ? direct : FloatBuffer.wrap(modelIn);
                FloatBuffer out = direct != null ? batch.outputView() : FloatBuffer.wrap(modelOut);
                for (int call = 0; call < calls; call++) {
                    checkCancelled();
                    for (int i = 0; i < count; i++) {
                        samplers[i].scaleModelInput(call, latents[i], in, i * latentSize);
                        if (guided) {
                            samplers[i].scaleModelInput(call, latents[i], in, (count + i) * latentSize);
                        }
                    }
                    float timestep = samplers[0].timestep(call);
                    if (direct != null) {
                        batch.run(timestep);
                    } else {
                        batch.run(modelIn, timestep, modelOut);
                    }
                    unetCalls += batch.callsPerStep();
                    for (int i = 0; i < count; i++) {
                        if (guided) {
                            int u = i * latentSize;
                            int c = (count + i) * latentSize;
                            for (int k = 0; k < latentSize; k++) {
                                float uncondValue = out.get(u + k);
                                prediction[k] = uncondValue + guidance * (out.get(c + k) - uncondValue);
                            }
                        } else {
                            out.get(i * latentSize, prediction, 0, latentSize);
                        }
                        samplers[i].step(call, prediction, latents[i], generators[i]::randn);
                    }
                    report(call + 1, calls);
                }
            }
        }

        private List<GeneratedImage> decode(float[][] latents) throws InferenceException {
            List<GeneratedImage> images = new ArrayList<>(count);
            float[] scaled = new float[latentSize];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < latentSize; k++) {
                    scaled[k] = latents[i][k] / scale;
                }
                BufferedImage image = engine.vaeDecoder().decode(scaled, latentHeight, latentWidth);
                long seed = job.seed() + i;
                images.add(new GeneratedImage(i, seed, image, Parameters.describe(job, seed, engine.model())));
            }
            return images;
        }

        private void checkCancelled() {
            if (cancellation.isCancelled()) {
                throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
            }
        }

        private void report(int step, int total) {
            try {
                listener.onProgress(new Progress(step, total, Duration.ofNanos(System.nanoTime() - start)));
            } catch (RuntimeException e) {
                LOG.warn("A progress listener failed; generation goes on", e);
            }
        }
    }

    static Sampler createSampler(SamplerKind kind, NoiseScheduleConfig schedule, int steps, double strength) {
        switch (kind) {
            case DDIM:
                return Samplers.ddim(schedule, steps, strength);
            case PNDM:
                return Samplers.pndm(schedule, steps, strength);
            case EULER:
                return Samplers.euler(schedule, steps, strength);
            case EULER_ANCESTRAL:
                return Samplers.eulerAncestral(schedule, steps, strength);
            default:
                throw new IllegalStateException("no sampler for " + kind);
        }
    }
}
