package dev.imagine.engine;

import dev.imagine.engine.image.ImageResizer;
import dev.imagine.engine.image.ImageTensors;
import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.onnx.Graph;
import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.Unet;
import dev.imagine.engine.onnx.VaeEncoder;
import dev.imagine.engine.sampler.NoiseScheduleConfig;
import dev.imagine.engine.sampler.NoiseSource;
import dev.imagine.engine.sampler.Sampler;
import dev.imagine.engine.sampler.Samplers;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

    private final OnnxImageEngine engine;
    private final RequestResolver resolver;

    DiffusionPipeline(OnnxImageEngine engine) {
        this.engine = engine;
        this.resolver = new RequestResolver(engine.model(), engine.maxSide(), engine.promptSyntax(),
                RequestResolver::secureRandomSeed);
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
                    Duration.ofNanos(Graph.threadRunNanos(true) - unetBefore), run.unetCalls, run.stepsDone,
                    Duration.ofNanos(run.safetyNanos));
            PromptConditioning.Side uncond = run.conditioning.uncond();
            return new GenerationResult(job, images, run.conditioning.cond().usage().cutWords(),
                    uncond == null ? "" : uncond.usage().cutWords(), timings, engine.model().device(),
                    run.conditioning.cond().usage(), uncond == null ? null : uncond.usage());
        } catch (InferenceException e) {
            throw translate(e, job);
        } catch (OutOfMemoryError e) {
            throw new EngineException(EngineException.Reason.OUT_OF_MEMORY, "Out of memory at " + job.outputWidth() + "x"
                    + job.outputHeight() + " with " + job.count() + " image" + (job.count() == 1 ? "" : "s")
                    + "; try a smaller size or fewer images", e);
        }
    }

    /** Fills every default (see {@link RequestResolver}), then checks a size fixed by the export. */
    GenerationRequest resolve(GenerationRequest request) {
        GenerationRequest job = resolver.resolve(request);
        ModelInfo model = engine.model();
        Unet unet = engine.unet();
        if ((unet.fixedLatentWidth() > 0 && unet.fixedLatentWidth() * 8 != job.width())
                || (unet.fixedLatentHeight() > 0 && unet.fixedLatentHeight() * 8 != job.height())
                || (unet.fixedLatentWidth() > 0 && job.upscale() != null)) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + model.name()
                    + " only makes " + model.defaultWidth() + "x" + model.defaultHeight() + " images (its export fixed "
                    + "the size); got " + job.outputWidth() + "x" + job.outputHeight());
        }
        return job;
    }

    /**
     * One image of a batch whose images differ in more than their seed (an animation's frames).
     *
     * @param seed the image's seed
     * @param subseed its variation seed, or {@code null} for none
     * @param subseedStrength the variation seed's strength
     * @param cond the prompt states the image is conditioned on
     */
    record Row(long seed, Long subseed, float subseedStrength, PromptConditioning.Side cond) {
    }

    /** A picture of {@link #generateRows} and the safety checker's verdict on it. */
    record RowImage(BufferedImage image, boolean flagged) {
    }

    /**
     * Runs {@code rows} as one batch with {@code job}'s negative prompt, sampler, steps, guidance and size (a resolved
     * text-to-image request; its prompt, seed and count are not used). Every row must have the same token count.
     *
     * @param uncond the negative prompt's states ({@link #conditioning}'s), or null without guidance
     */
    List<RowImage> generateRows(GenerationRequest job, PromptConditioning.Side uncond, List<Row> rows,
            ProgressListener listener, CancellationToken cancellation) throws InferenceException {
        return new Job(job, rows, listener, cancellation, System.nanoTime()).executeRows(uncond);
    }

    /** The conditioning a generation of {@code job} with prompt {@code prompt} uses, after its prompt syntax. */
    PromptConditioning conditioning(GenerationRequest job, String prompt) throws InferenceException {
        return new Job(job.toBuilder().prompt(prompt).build(), null, ProgressListener.NONE, new CancellationToken(),
                System.nanoTime()).encodePrompts();
    }

    private EngineException translate(InferenceException e, GenerationRequest job) {
        return EngineErrors.running(e.kind(), e.getMessage(), job, engine.onGpu(), e);
    }

    /** One request: the base pass and, with an upscale, the hires pass; progress counts both. */
    private final class Job {
        private final GenerationRequest job;
        private final List<Row> batchRows;
        private final ProgressListener listener;
        private final CancellationToken cancellation;
        private final long start;
        private final int count;
        private final boolean lcm;
        private final boolean guided;
        private final float guidance;
        private final float scale;
        private PromptConditioning conditioning;
        private PromptConditioning.Side uncondSide;
        private List<PromptConditioning.Side> conds;
        private int unetCalls;
        private int stepsDone;
        private int stepsTotal;
        private long safetyNanos;
        private Pass base;

        Job(GenerationRequest job, List<Row> batchRows, ProgressListener listener, CancellationToken cancellation,
                long start) {
            this.job = job;
            this.batchRows = batchRows;
            this.listener = listener;
            this.cancellation = cancellation;
            this.start = start;
            this.count = batchRows != null ? batchRows.size() : job.count();
            this.lcm = engine.unet().takesGuidanceEmbedding();
            this.guided = !lcm && job.guidance() > 1.0;
            this.guidance = job.guidance().floatValue();
            this.scale = engine.folder().scalingFactor();
        }

        List<GeneratedImage> execute() throws InferenceException {
            checkCancelled();
            startBaseNoise();
            conditioning = encodePrompts();
            uncondSide = guided ? conditioning.uncond() : null;
            conds = Collections.nCopies(count, conditioning.cond());
            List<Supplier<BufferedImage>> images = run();
            boolean[] flagged = checkSafety(images);
            List<GeneratedImage> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long seed = job.seed() + i;
                // Without a safety checker nothing here needs the pixels: they are made with the PNG, off this thread.
                result.add(new GeneratedImage(i, seed, images.get(i), Parameters.describe(job, seed, engine.model()),
                        flagged[i]));
            }
            return result;
        }

        /** Runs the batch rows: each its own seed, variation and conditioning, all with the job's negative prompt. */
        List<RowImage> executeRows(PromptConditioning.Side uncond) throws InferenceException {
            checkCancelled();
            uncondSide = guided ? uncond : null;
            conds = batchRows.stream().map(Row::cond).toList();
            if (conds.stream().mapToInt(PromptConditioning.Side::tokens).distinct().count() != 1) {
                throw new IllegalArgumentException("a batch's rows must have the same token count");
            }
            List<Supplier<BufferedImage>> images = run();
            boolean[] flagged = checkSafety(images);
            List<RowImage> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                result.add(new RowImage(images.get(i).get(), flagged[i]));
            }
            return result;
        }

        /** The base pass at the request's size and strength, made on first use. */
        private Pass base() {
            if (base == null) {
                double baseStrength = job.isImageToImage() ? job.strength() : 1.0;
                base = new Pass(job.width(), job.height(), baseStrength);
            }
            return base;
        }

        /**
         * Text-to-image: starts drawing the base pass's noise on the helper thread, so it runs while the prompts are
         * encoded. The draws are the same whenever they start.
         */
        private void startBaseNoise() {
            if (!job.isImageToImage()) {
                base().startStreams(1);
            }
        }

        /** The base pass and, with an upscale, the hires pass. */
        private List<Supplier<BufferedImage>> run() throws InferenceException {
            // Rows are [uncond x count, cond x count] with guidance, [cond x count] without.
            PromptConditioning.Side uncond = uncondSide;
            List<float[]> rowStates = rowStates(uncond, conds, 0);
            Map<String, List<float[]>> rowVectors = new LinkedHashMap<>();
            if (lcm) {
                rowVectors.put(Unet.GUIDANCE_EMBEDDING, Collections.nCopies(count, guidanceEmbedding()));
            }
            if (engine.unet().takesAddedConditions()) {
                rowVectors.put(Unet.TEXT_EMBEDS, rowPooled(uncond, conds, 0));
            }

            Pass base = base();
            Pass hires = job.upscale() == null ? null
                    : new Pass(job.outputWidth(), job.outputHeight(), job.hiresStrength());
            stepsTotal = base.samplers[0].calls() + (hires == null ? 0 : hires.samplers[0].calls());

            List<BufferedImage> inits = job.isImageToImage() ? Collections.nCopies(count, job.initImage()) : null;
            List<Supplier<BufferedImage>> images = base.run(rowStates, rowVectors, inits);
            if (hires != null) {
                List<BufferedImage> upscaled = new ArrayList<>(count);
                for (Supplier<BufferedImage> image : images) {
                    upscaled.add(ImageResizer.resizeLanczos(image.get(), job.outputWidth(), job.outputHeight()));
                }
                images = hires.run(rowStates, rowVectors, upscaled);
            }
            return images;
        }

        /** Image {@code i}'s seed. */
        private long seed(int i) {
            return batchRows != null ? batchRows.get(i).seed() : job.seed() + i;
        }

        /** Whether any row's states change between sampler calls (prompt editing or alternation). */
        private boolean changesBetween(int previousCall, int call) {
            if (uncondSide != null && uncondSide.entryAt(previousCall) != uncondSide.entryAt(call)) {
                return true;
            }
            for (PromptConditioning.Side cond : conds) {
                if (cond.entryAt(previousCall) != cond.entryAt(call)) {
                    return true;
                }
            }
            return false;
        }

        /** The safety checker's verdict on each finished picture (all false without a checker); pixels unchanged. */
        private boolean[] checkSafety(List<Supplier<BufferedImage>> images) throws InferenceException {
            SafetyCheck safety = engine.safety();
            if (safety == null) {
                return new boolean[images.size()];
            }
            checkCancelled();
            long before = System.nanoTime();
            List<BufferedImage> pixels = new ArrayList<>(images.size());
            for (Supplier<BufferedImage> image : images) {
                pixels.add(image.get());
            }
            boolean[] flagged = safety.check(pixels);
            safetyNanos = System.nanoTime() - before;
            return flagged;
        }

        private PromptConditioning encodePrompts() throws InferenceException {
            if (job.promptSyntax() == PromptSyntax.PLAIN) {
                EncodedPrompts prompts = engine.promptEncoder().encode(job.prompt(), job.negativePrompt(), guided);
                return PromptConditioning.plain(engine.tokenizer(), prompts, job.prompt(), job.negativePrompt(),
                        engine.textEncoder().sequenceLength());
            }
            int fixed = engine.unet().declaredSequenceLength();
            int chunkLength = engine.textEncoder().sequenceLength();
            PromptConditioning.ChunkLimit limit = fixed > 0
                    ? new PromptConditioning.ChunkLimit(Math.max(1, fixed / chunkLength), "this model's UNet takes only "
                            + fixed + " tokens")
                    : new PromptConditioning.ChunkLimit(engine.maxPromptChunks(), "this server's limit of "
                            + engine.maxPromptChunks() + (engine.maxPromptChunks() == 1 ? " chunk (" : " chunks (")
                            + engine.maxPromptChunks() * (chunkLength - 2) + " tokens)");
            PromptEncoder encoder = engine.promptEncoder();
            PromptConditioning result = PromptConditioning.a1111(encoder.lanes(), chunkLength, job.prompt(),
                    job.negativePrompt(), guided, encoder.zerosForEmptyNegative(), job.steps(), limit);
            warnIfCut("prompt", result.cond());
            if (result.uncond() != null) {
                warnIfCut("negative prompt", result.uncond());
            }
            return result;
        }

        private void warnIfCut(String which, PromptConditioning.Side side) {
            if (side.usage().cut()) {
                LOG.warn("The {} is longer than {}; not used: {}", which, side.usage().cutBecause(),
                        side.usage().cutWords());
            }
        }

        /** The encoder states of every UNet row at sampler call {@code call}: negative rows first, then the prompt. */
        private List<float[]> rowStates(PromptConditioning.Side uncond, List<PromptConditioning.Side> cond,
                int call) {
            List<float[]> rows = new ArrayList<>((uncond != null && cond != null ? 2 : 1) * count);
            if (uncond != null) {
                rows.addAll(Collections.nCopies(count, uncond.statesAt(call)));
            }
            if (cond != null) {
                for (PromptConditioning.Side side : cond) {
                    rows.add(side.statesAt(call));
                }
            }
            return rows;
        }

        /** The pooled embeddings of every UNet row at sampler call {@code call}, ordered as {@link #rowStates}. */
        private List<float[]> rowPooled(PromptConditioning.Side uncond, List<PromptConditioning.Side> cond,
                int call) {
            List<float[]> rows = new ArrayList<>((uncond != null && cond != null ? 2 : 1) * count);
            if (uncond != null) {
                rows.addAll(Collections.nCopies(count, uncond.pooledAt(call)));
            }
            if (cond != null) {
                for (PromptConditioning.Side side : cond) {
                    rows.add(side.pooledAt(call));
                }
            }
            return rows;
        }

        private void switchPrompt(Unet.Batch batch, PromptConditioning.Side uncond,
                List<PromptConditioning.Side> cond, int call) {
            batch.setStates(rowStates(uncond, cond, call));
            if (engine.unet().takesAddedConditions()) {
                batch.setVector(Unet.TEXT_EMBEDS, rowPooled(uncond, cond, call));
            }
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
            /** Each image's stream once its draws are known, drawn ahead on the engine's helper thread. */
            private final NoiseSource[] streams = new NoiseSource[count];
            private final Sampler[] samplers = new Sampler[count];
            private float[] guidanceScratch;

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

            List<Supplier<BufferedImage>> run(List<float[]> rowStates, Map<String, List<float[]>> rowVectors,
                    List<BufferedImage> inits) throws InferenceException {
                float[][] latents;
                if (inits == null) {
                    if (streams[0] == null) {
                        startStreams(1);
                    }
                    latents = initFromNoise();
                } else {
                    latents = initFromImages(inits);
                    startStreams(0);
                }
                Map<String, List<float[]>> vectors = rowVectors;
                if (engine.unet().takesAddedConditions()) {
                    vectors = new LinkedHashMap<>(rowVectors);
                    vectors.put(Unet.TIME_IDS, Collections.nCopies(rowStates.size(), timeIds(job, width, height)));
                }
                if (guided && uncondSide.tokens() != conds.get(0).tokens()) {
                    denoiseApart(vectors, latents);
                } else {
                    denoise(rowStates, vectors, latents);
                }
                checkCancelled();
                return decode(latents);
            }

            /**
             * Hands each generator to a stream that draws, ahead of time, {@code first} latent-sized blocks and then
             * those its sampler's steps take; the generator is not touched directly afterwards.
             */
            private void startStreams(int first) {
                for (int i = 0; i < count; i++) {
                    int blocks = first + samplers[i].noiseDraws();
                    TorchGenerator generator = generators[i];
                    streams[i] = blocks > 1 ? new NoiseAhead(generator, latentSize, blocks, engine.helper())
                            : generator::randn;
                }
            }

            /** The first noise of image {@code i}'s stream, mixed with its variation seed's noise when asked. */
            private float[] noise(int i) {
                float[] noise = streams[i] != null ? streams[i].randn(latentSize) : generators[i].randn(latentSize);
                Long subseed = batchRows != null ? batchRows.get(i).subseed()
                        : job.hasVariation() ? job.subseed() + i : null;
                if (subseed != null) {
                    float strength = batchRows != null ? batchRows.get(i).subseedStrength()
                            : job.subseedStrength().floatValue();
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
                float[] scaled = new float[latentSize];
                PromptConditioning.Side uncond = uncondSide;
                try (Unet.Batch batch = engine.unet().prepare(rowStates, conds.get(0).tokens(), rowVectors,
                        latentHeight, latentWidth)) {
                    // Float32 graphs taking the whole batch at once are fed and read in place; others via arrays.
                    FloatBuffer direct = batch.inputView();
                    float[] modelIn = direct == null ? new float[rows * latentSize] : null;
                    float[] modelOut = direct == null ? new float[rows * latentSize] : null;
                    FloatBuffer in = direct != null ? direct : FloatBuffer.wrap(modelIn);
                    FloatBuffer out = direct != null ? batch.outputView() : FloatBuffer.wrap(modelOut);
                    for (int call = 0; call < calls; call++) {
                        checkCancelled();
                        if (call > 0 && changesBetween(call - 1, call)) {
                            switchPrompt(batch, uncond, conds, call);
                        }
                        // Scaled once into an array (vector instructions), copied in bulk to both guidance rows.
                        for (int i = 0; i < count; i++) {
                            samplers[i].scaleModelInput(call, latents[i], scaled, 0);
                            in.put(i * latentSize, scaled);
                            if (guided) {
                                in.put((count + i) * latentSize, scaled);
                            }
                        }
                        float timestep = samplers[0].timestep(call);
                        if (call == calls - 1) {
                            batch.releaseMemoryAfterNextRun();
                        }
                        if (direct != null) {
                            batch.run(timestep);
                        } else {
                            batch.run(modelIn, timestep, modelOut);
                        }
                        unetCalls += batch.callsPerStep();
                        step(call, out, prediction, latents);
                    }
                }
            }

            /**
             * Guidance and the sampler step of every image, from the UNet's output rows [uncond..., cond...]; the
             * rows are copied out in bulk and combined over arrays, where the JIT uses vector instructions.
             */
            private void step(int call, FloatBuffer out, float[] prediction, float[][] latents) {
                for (int i = 0; i < count; i++) {
                    if (guided) {
                        float[] uncondRow = guidanceScratch();
                        out.get(i * latentSize, uncondRow, 0, latentSize);
                        out.get((count + i) * latentSize, prediction, 0, latentSize);
                        for (int k = 0; k < latentSize; k++) {
                            float uncondValue = uncondRow[k];
                            prediction[k] = uncondValue + guidance * (prediction[k] - uncondValue);
                        }
                    } else {
                        out.get(i * latentSize, prediction, 0, latentSize);
                    }
                    samplers[i].step(call, prediction, latents[i], streams[i]);
                }
                stepsDone++;
                report();
            }

            /**
             * The negative and the prompt through the UNet in separate calls, each at its own sequence length, as
             * A1111 does by default when their chunk counts differ.
             */
            private void denoiseApart(Map<String, List<float[]>> rowVectors, float[][] latents)
                    throws InferenceException {
                int calls = samplers[0].calls();
                if (calls == 0) {
                    return;
                }
                PromptConditioning.Side uncond = uncondSide;
                float[] modelIn = new float[2 * count * latentSize];
                float[] modelOut = new float[2 * count * latentSize];
                FloatBuffer in = FloatBuffer.wrap(modelIn);
                FloatBuffer out = FloatBuffer.wrap(modelOut);
                float[] prediction = new float[latentSize];
                int half = count * latentSize;
                try (Unet.Batch uncondBatch = engine.unet().prepare(rowStates(uncond, null, 0), uncond.tokens(),
                        rows(rowVectors, 0), latentHeight, latentWidth);
                        Unet.Batch condBatch = engine.unet().prepare(rowStates(null, conds, 0), conds.get(0).tokens(),
                                rows(rowVectors, count), latentHeight, latentWidth)) {
                    for (int call = 0; call < calls; call++) {
                        checkCancelled();
                        if (call > 0 && uncond.entryAt(call - 1) != uncond.entryAt(call)) {
                            switchPrompt(uncondBatch, uncond, null, call);
                        }
                        if (call > 0 && changesBetween(call - 1, call)) {
                            switchPrompt(condBatch, null, conds, call);
                        }
                        for (int i = 0; i < count; i++) {
                            samplers[i].scaleModelInput(call, latents[i], in, i * latentSize);
                            samplers[i].scaleModelInput(call, latents[i], in, (count + i) * latentSize);
                        }
                        float timestep = samplers[0].timestep(call);
                        if (call == calls - 1) {
                            condBatch.releaseMemoryAfterNextRun();
                            uncondBatch.releaseMemoryAfterNextRun();
                        }
                        condBatch.run(modelIn, half, timestep, modelOut, half);
                        uncondBatch.run(modelIn, 0, timestep, modelOut, 0);
                        unetCalls += condBatch.callsPerStep() + uncondBatch.callsPerStep();
                        step(call, out, prediction, latents);
                    }
                }
            }

            /** A latent-sized array for the unconditional row of {@link #step}, made once per pass. */
            private float[] guidanceScratch() {
                if (guidanceScratch == null) {
                    guidanceScratch = new float[latentSize];
                }
                return guidanceScratch;
            }

            /** The {@code count} rows from {@code first} of every per-row UNet input. */
            private Map<String, List<float[]>> rows(Map<String, List<float[]>> rowVectors, int first) {
                Map<String, List<float[]>> part = new LinkedHashMap<>();
                rowVectors.forEach((name, rows) -> part.put(name, rows.subList(first, first + count)));
                return part;
            }

            private List<Supplier<BufferedImage>> decode(float[][] latents) throws InferenceException {
                List<Supplier<BufferedImage>> images = new ArrayList<>(count);
                float[] scaled = new float[latentSize];
                for (int i = 0; i < count; i++) {
                    for (int k = 0; k < latentSize; k++) {
                        scaled[k] = latents[i][k] / scale;
                    }
                    images.add(engine.vaeDecoder().decodeLater(scaled, latentHeight, latentWidth));
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
