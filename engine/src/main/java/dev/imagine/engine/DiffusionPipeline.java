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
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stable Diffusion loop, as diffusers' {@code StableDiffusionPipeline}, {@code StableDiffusionImg2ImgPipeline},
 * {@code LatentConsistencyModelPipeline}, {@code StableDiffusionXLPipeline} and
 * {@code StableDiffusionXLImg2ImgPipeline} run it: encode the prompts (SDXL: two encoders plus pooled embedding and
 * size micro-conditioning), draw each image's initial latents from its
 * own seed's generator (mixed with a variation seed's noise when asked), denoise with classifier-free guidance on the
 * batch [uncond..., cond...] (or LCM's guidance embedding), decode each image on its own, and optionally refine an
 * upscaled copy with a second img2img pass (hires fix).
 */
final class DiffusionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionPipeline.class);
    private static final SecureRandom SEEDS = new SecureRandom();
    static final int SDXL_MIN_SIDE = 512;

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
            Job run = new Job(job, null, listener, cancellation, start);
            List<GeneratedImage> images = run.execute();
            Timings timings = new Timings(Duration.ofNanos(System.nanoTime() - start),
                    Duration.ofNanos(Graph.threadRunNanos(false) - onnxBefore),
                    Duration.ofNanos(Graph.threadRunNanos(true) - unetBefore), run.unetCalls, run.stepsDone);
            return new GenerationResult(job, images, run.prompts.droppedCond(), run.prompts.droppedUncond(), timings,
                    engine.model().device());
        } catch (InferenceException e) {
            throw translate(e, job);
        } catch (OutOfMemoryError e) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY, "Out of memory at " + job.outputWidth() + "x"
                    + job.outputHeight() + " with " + job.count() + " image" + (job.count() == 1 ? "" : "s")
                    + "; try a smaller size or fewer images", e);
        }
    }

    /** Fills every default, so the returned request reruns the job exactly. */
    GenerationRequest resolve(GenerationRequest request) {
        ModelInfo model = engine.model();
        long seed = request.seed() != null ? request.seed() : randomSeed(request.count());
        Long subseed = request.subseed();
        Double subseedStrength = request.subseedStrength();
        if (request.hasVariation() && subseed == null) {
            subseed = randomSeed(request.count());
        }
        if (!request.hasVariation()) {
            subseed = null;
            subseedStrength = null;
        }
        if (request.hasMicroConditioning() && !model.family().isSdxl()) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "original size and crop are SDXL "
                    + "settings; model " + model.name() + " is " + model.family().displayName());
        }
        Integer width = request.width();
        Integer height = request.height();
        Double strength = null;
        if (request.isImageToImage()) {
            BufferedImage init = request.initImage();
            if (width == null && height == null) {
                PixelSize size = new PixelSize(init.getWidth(), init.getHeight())
                        .fitWithin(engine.maxSide(), minSide(model));
                width = size.width();
                height = size.height();
            } else if (width == null) {
                width = keepAspect(height, init.getWidth(), init.getHeight());
            } else if (height == null) {
                height = keepAspect(width, init.getHeight(), init.getWidth());
            }
            strength = request.strength() != null ? request.strength() : GenerationRequest.DEFAULT_STRENGTH;
        }
        Double hiresStrength = request.upscale() == null ? null
                : request.hiresStrength() != null ? request.hiresStrength() : GenerationRequest.DEFAULT_HIRES_STRENGTH;
        GenerationRequest resolved = request.toBuilder()
                .seed(seed)
                .sampler(request.sampler() != null ? request.sampler() : model.defaultSampler())
                .steps(request.steps() != null ? request.steps() : model.defaultSteps())
                .guidance(request.guidance() != null ? request.guidance() : model.defaultGuidance())
                .width(width != null ? width : model.defaultWidth())
                .height(height != null ? height : model.defaultHeight())
                .strength(strength)
                .subseed(subseed)
                .subseedStrength(subseedStrength)
                .hiresStrength(hiresStrength)
                .build();
        checkSize(resolved, model);
        return resolved;
    }

    private static long randomSeed(int count) {
        return SEEDS.nextLong(GenerationRequest.MAX_SEED - count + 2);
    }

    /** The smallest side a model makes: 512 for SDXL (or the server's maximum when lower), else 64. */
    private int minSide(ModelInfo model) {
        return model.family().isSdxl() ? Math.min(SDXL_MIN_SIDE, PixelSize.snapDown(engine.maxSide(), 8))
                : GenerationRequest.MIN_SIDE;
    }

    private void checkSize(GenerationRequest job, ModelInfo model) {
        int max = engine.maxSide();
        int min = minSide(model);
        if (job.width() < min || job.height() < min) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + model.name() + " is "
                    + model.family().displayName() + ", which makes images from " + min + " to " + max
                    + " pixels per side; got " + job.width() + "x" + job.height());
        }
        if (job.width() > max || job.height() > max) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, job.width() + "x" + job.height()
                    + " is over this server's maximum of " + max + " pixels per side");
        }
        if (job.upscale() != null && (job.outputWidth() > max || job.outputHeight() > max)) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "upscaling " + job.width() + "x"
                    + job.height() + " by " + job.upscale() + " gives " + job.outputWidth() + "x" + job.outputHeight()
                    + ", over this server's maximum of " + max + " pixels per side; use a smaller upscale or size");
        }
        Unet unet = engine.unet();
        if ((unet.fixedLatentWidth() > 0 && unet.fixedLatentWidth() * 8 != job.width())
                || (unet.fixedLatentHeight() > 0 && unet.fixedLatentHeight() * 8 != job.height())
                || (unet.fixedLatentWidth() > 0 && job.upscale() != null)) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + model.name()
                    + " only makes " + model.defaultWidth() + "x" + model.defaultHeight() + " images (its export fixed "
                    + "the size); got " + job.outputWidth() + "x" + job.outputHeight());
        }
    }

    /** The other side for a given one, keeping the init image's aspect ratio, snapped to a multiple of 8. */
    private int keepAspect(int given, int otherPixels, int givenPixels) {
        long side = Math.round((double) given * otherPixels / givenPixels);
        int snapped = PixelSize.snapDown((int) Math.min(side, engine.maxSide()), 8);
        return Math.max(GenerationRequest.MIN_SIDE, snapped);
    }

    /**
     * One image of a batch whose images differ in more than their seed (an animation's frames).
     *
     * @param seed the image's seed
     * @param subseed its variation seed, or {@code null} for none
     * @param subseedStrength the variation seed's strength
     * @param condition what the image is conditioned on
     */
    record Row(long seed, Long subseed, float subseedStrength, Conditioning condition) {
    }

    /**
     * Runs {@code rows} as one batch with {@code job}'s negative prompt, sampler, steps, guidance and size (a resolved
     * text-to-image request; its prompt, seed and count are not used).
     */
    List<BufferedImage> generateRows(GenerationRequest job, List<Row> rows, ProgressListener listener,
            CancellationToken cancellation) throws InferenceException {
        return new Job(job, rows, listener, cancellation, System.nanoTime()).executeRows();
    }

    /** The conditioning of each of {@code prompts}, in order, as a generation of that prompt uses it. */
    List<Conditioning> encodePrompts(List<String> prompts) throws InferenceException {
        List<Conditioning> encoded = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            encoded.add(engine.promptEncoder().encode(prompt, "", false).cond());
        }
        return encoded;
    }

    private EngineException translate(InferenceException e, GenerationRequest job) {
        return EngineErrors.running(e.kind(), e.getMessage(), job, engine.onGpu(), e);
    }

    /** One request: the base pass and, with an upscale, the hires pass; progress counts both. */
    private final class Job {
        private final GenerationRequest job;
        private final List<Row> rows;
        private final ProgressListener listener;
        private final CancellationToken cancellation;
        private final long start;
        private final int count;
        private final boolean lcm;
        private final boolean guided;
        private final float guidance;
        private final float scale;
        private EncodedPrompts prompts;
        private int unetCalls;
        private int stepsDone;
        private int stepsTotal;

        Job(GenerationRequest job, List<Row> rows, ProgressListener listener, CancellationToken cancellation,
                long start) {
            this.job = job;
            this.rows = rows;
            this.listener = listener;
            this.cancellation = cancellation;
            this.start = start;
            this.count = rows != null ? rows.size() : job.count();
            this.lcm = engine.unet().takesGuidanceEmbedding();
            this.guided = !lcm && job.guidance() > 1.0;
            this.guidance = job.guidance().floatValue();
            this.scale = engine.folder().scalingFactor();
        }

        List<GeneratedImage> execute() throws InferenceException {
            checkCancelled();
            prompts = engine.promptEncoder().encode(job.prompt(), job.negativePrompt(), guided);
            List<BufferedImage> images = run(prompts.uncond(), Collections.nCopies(count, prompts.cond()));
            List<GeneratedImage> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long seed = job.seed() + i;
                result.add(new GeneratedImage(i, seed, images.get(i), Parameters.describe(job, seed, engine.model())));
            }
            return result;
        }

        /** Runs the rows: each its own seed, variation and conditioning, all with the job's negative prompt. */
        List<BufferedImage> executeRows() throws InferenceException {
            checkCancelled();
            prompts = engine.promptEncoder().encode("", job.negativePrompt(), guided);
            List<Conditioning> conditions = new ArrayList<>(count);
            for (Row row : rows) {
                conditions.add(row.condition());
            }
            return run(prompts.uncond(), conditions);
        }

        /** The base pass and, with an upscale, the hires pass, on batch rows [uncond..., cond...]. */
        private List<BufferedImage> run(Conditioning uncond, List<Conditioning> conditions)
                throws InferenceException {
            // Rows are [uncond x count, cond x count] with guidance, [cond x count] without.
            List<Conditioning> rows = new ArrayList<>(guided ? 2 * count : count);
            if (guided) {
                rows.addAll(Collections.nCopies(count, uncond));
            }
            rows.addAll(conditions);
            List<float[]> rowStates = rows.stream().map(Conditioning::states).toList();
            Map<String, List<float[]>> rowVectors = new LinkedHashMap<>();
            if (lcm) {
                rowVectors.put(Unet.GUIDANCE_EMBEDDING, Collections.nCopies(count, guidanceEmbedding()));
            }
            if (engine.unet().takesAddedConditions()) {
                rowVectors.put(Unet.TEXT_EMBEDS, rows.stream().map(Conditioning::pooled).toList());
            }

            double baseStrength = job.isImageToImage() ? job.strength() : 1.0;
            Pass base = new Pass(job.width(), job.height(), baseStrength);
            Pass hires = job.upscale() == null ? null
                    : new Pass(job.outputWidth(), job.outputHeight(), job.hiresStrength());
            stepsTotal = base.samplers[0].calls() + (hires == null ? 0 : hires.samplers[0].calls());

            List<BufferedImage> inits = job.isImageToImage() ? Collections.nCopies(count, job.initImage()) : null;
            List<BufferedImage> images = base.run(rowStates, rowVectors, inits);
            if (hires != null) {
                List<BufferedImage> upscaled = new ArrayList<>(count);
                for (BufferedImage image : images) {
                    upscaled.add(ImageResizer.resizeLanczos(image, job.outputWidth(), job.outputHeight()));
                }
                images = hires.run(rowStates, rowVectors, upscaled);
            }
            return images;
        }

        /** Image {@code i}'s seed. */
        private long seed(int i) {
            return rows != null ? rows.get(i).seed() : job.seed() + i;
        }

        /**
         * LCM's guidance input, as diffusers' {@code get_guidance_scale_embedding}: {@code w = (guidance - 1) * 1000}
         * times {@code exp(-k ln(10000) / (half - 1))}, then sines followed by cosines, zero-padded to an odd width.
         */
        private float[] guidanceEmbedding() {
            int width = engine.unet().guidanceEmbeddingWidth();
            if (width <= 0) {
                width = engine.folder().unetTimeCondProjDim().orElseThrow(() -> new EngineException(
                        EngineException.Reason.INVALID_MODEL, "the UNet's timestep_cond has no fixed width and "
                                + "unet/config.json names no time_cond_proj_dim"));
            }
            float w = (guidance - 1f) * 1000f;
            int half = width / 2;
            float step = (float) Math.log(10000.0) / (half - 1);
            float[] embedding = new float[width];
            for (int k = 0; k < half; k++) {
                float angle = w * (float) Math.exp(k * -step);
                embedding[k] = (float) Math.sin(angle);
                embedding[half + k] = (float) Math.cos(angle);
            }
            return embedding;
        }

        /** One denoising run of every image at one size and strength. */
        private final class Pass {
            private final int width;
            private final int height;
            private final int latentHeight;
            private final int latentWidth;
            private final int latentSize;
            private final TorchGenerator[] generators = new TorchGenerator[count];
            private final Sampler[] samplers = new Sampler[count];

            Pass(int width, int height, double strength) {
                this.width = width;
                this.height = height;
                this.latentHeight = height / 8;
                this.latentWidth = width / 8;
                this.latentSize = 4 * latentHeight * latentWidth;
                for (int i = 0; i < count; i++) {
                    generators[i] = new TorchGenerator(seed(i));
                    try {
                        samplers[i] = createSampler(job.sampler(), engine.schedule(), job.steps(), strength);
                    } catch (IllegalArgumentException e) {
                        throw new EngineException(EngineException.Reason.INVALID_REQUEST, "sampler " + job.sampler().id()
                                + " cannot run this request on model " + engine.model().name() + ": " + e.getMessage(), e);
                    }
                }
            }

            List<BufferedImage> run(List<float[]> rowStates, Map<String, List<float[]>> rowVectors,
                    List<BufferedImage> inits) throws InferenceException {
                float[][] latents = inits == null ? initFromNoise() : initFromImages(inits);
                Map<String, List<float[]>> vectors = rowVectors;
                if (engine.unet().takesAddedConditions()) {
                    vectors = new LinkedHashMap<>(rowVectors);
                    vectors.put(Unet.TIME_IDS, Collections.nCopies(rowStates.size(), timeIds(job, width, height)));
                }
                denoise(rowStates, vectors, latents);
                checkCancelled();
                return decode(latents);
            }

            /** The first noise of image {@code i}'s stream, mixed with its variation seed's noise when asked. */
            private float[] noise(int i) {
                float[] noise = generators[i].randn(latentSize);
                Long subseed = rows != null ? rows.get(i).subseed() : job.hasVariation() ? job.subseed() + i : null;
                if (subseed != null) {
                    float strength = rows != null ? rows.get(i).subseedStrength() : job.subseedStrength().floatValue();
                    float[] variation = new TorchGenerator(subseed).randn(latentSize);
                    noise = VariationNoise.slerp(strength, noise, variation, 4, latentHeight, latentWidth);
                }
                return noise;
            }

            private float[][] initFromNoise() {
                float[][] latents = new float[count][];
                for (int i = 0; i < count; i++) {
                    float[] noise = noise(i);
                    float sigma = samplers[i].initNoiseSigma();
                    for (int k = 0; k < noise.length; k++) {
                        noise[k] *= sigma;
                    }
                    latents[i] = noise;
                }
                return latents;
            }

            private float[][] initFromImages(List<BufferedImage> inits) throws InferenceException {
                VaeEncoder encoder = engine.vaeEncoder();
                float[] planes = new float[3 * width * height];
                float[][] latents = new float[count][];
                VaeEncoder.Encoded encoded = null;
                for (int i = 0; i < count; i++) {
                    if (encoded == null || inits.get(i) != inits.get(i - 1)) {
                        BufferedImage image = inits.get(i);
                        if (image.getWidth() != width || image.getHeight() != height) {
                            image = ImageResizer.resizeLanczos(image, width, height);
                        }
                        ImageTensors.toTensor(image, planes, 0);
                        encoded = encoder.encode(planes, height, width);
                    }
                    float[] clean = new float[latentSize];
                    float[] values = encoded.values();
                    if (encoded.parameters()) {
                        float[] eps = generators[i].randn(latentSize);
                        for (int k = 0; k < latentSize; k++) {
                            float logvar = Math.max(-30f, Math.min(20f, values[latentSize + k]));
                            float std = (float) Math.exp(0.5f * logvar);
                            clean[k] = values[k] + std * eps[k];
                        }
                    } else {
                        System.arraycopy(values, 0, clean, 0, latentSize);
                    }
                    for (int k = 0; k < latentSize; k++) {
                        clean[k] = scale * clean[k];
                    }
                    float[] noise = noise(i);
                    if (samplers[i].calls() > 0) {
                        samplers[i].addNoise(clean, noise);
                    }
                    latents[i] = clean;
                }
                return latents;
            }

            private void denoise(List<float[]> rowStates, Map<String, List<float[]>> rowVectors, float[][] latents)
                    throws InferenceException {
                int calls = samplers[0].calls();
                if (calls == 0) {
                    return;
                }
                int rows = rowStates.size();
                float[] prediction = new float[latentSize];
                try (Unet.Batch batch = engine.unet().prepare(rowStates, rowVectors, latentHeight, latentWidth)) {
                    // Float32 graphs taking the whole batch at once are fed and read in place; others via arrays.
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
                        stepsDone++;
                        report();
                    }
                }
            }

            private List<BufferedImage> decode(float[][] latents) throws InferenceException {
                List<BufferedImage> images = new ArrayList<>(count);
                float[] scaled = new float[latentSize];
                for (int i = 0; i < count; i++) {
                    for (int k = 0; k < latentSize; k++) {
                        scaled[k] = latents[i][k] / scale;
                    }
                    images.add(engine.vaeDecoder().decode(scaled, latentHeight, latentWidth));
                }
                return images;
            }
        }

        private void checkCancelled() {
            if (cancellation.isCancelled()) {
                throw new EngineException(EngineException.Reason.CANCELLED, cancellation.reason());
            }
        }

        private void report() {
            try {
                listener.onProgress(new Progress(stepsDone, stepsTotal, Duration.ofNanos(System.nanoTime() - start)));
            } catch (RuntimeException e) {
                LOG.warn("A progress listener failed; generation goes on", e);
            }
        }
    }

    /**
     * SDXL's micro-conditioning, as diffusers' {@code _get_add_time_ids}: original size, crop top-left and target
     * size, each as (height, width) or (top, left): {@code [origH, origW, cropTop, cropLeft, height, width]}. The
     * original size defaults to the pass's own size and the crop to 0,0; the same row serves the conditional and
     * unconditional halves (diffusers' {@code negative_add_time_ids = add_time_ids}).
     */
    static float[] timeIds(GenerationRequest job, int width, int height) {
        int originalWidth = job.originalWidth() != null ? job.originalWidth() : width;
        int originalHeight = job.originalHeight() != null ? job.originalHeight() : height;
        int cropLeft = job.cropX() != null ? job.cropX() : 0;
        int cropTop = job.cropY() != null ? job.cropY() : 0;
        return new float[] {originalHeight, originalWidth, cropTop, cropLeft, height, width};
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
            case LMS:
                return Samplers.lms(schedule, steps, strength);
            case DPMPP_2M:
                return Samplers.dpmpp2m(schedule, steps, strength, false);
            case DPMPP_2M_KARRAS:
                return Samplers.dpmpp2m(schedule, steps, strength, true);
            case LCM:
                return Samplers.lcm(schedule, steps, strength);
            default:
                throw new IllegalStateException("no sampler for " + kind);
        }
    }
}
