package dev.imagine.engine;

import dev.imagine.engine.image.ClipImageProcessor;
import dev.imagine.engine.model.CheckerFiles;
import dev.imagine.engine.model.ModelFolder;
import dev.imagine.engine.model.ModelFolderException;
import dev.imagine.engine.onnx.ExecutionSettings;
import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.SafetyChecker;
import dev.imagine.engine.onnx.SessionFactory;
import dev.imagine.engine.onnx.TextEncoder;
import dev.imagine.engine.onnx.Unet;
import dev.imagine.engine.onnx.VaeDecoder;
import dev.imagine.engine.onnx.VaeEncoder;
import dev.imagine.engine.sampler.NoiseScheduleConfig;
import dev.imagine.engine.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ONNX Runtime engine: owns one model's sessions and runs jobs through {@link DiffusionPipeline}. */
final class OnnxImageEngine implements ImageEngine {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxImageEngine.class);

    static final int DEFAULT_STEPS = 25;
    static final double DEFAULT_GUIDANCE = 7.5;
    static final int DEFAULT_SIDE = 512;
    static final int SDXL_SIDE = 1024;

    private final ModelFolder folder;
    private final SessionFactory sessions;
    private final ClipTokenizer tokenizer;
    private final NoiseScheduleConfig schedule;
    private final TextEncoder textEncoder;
    private final PromptEncoder promptEncoder;
    private final Unet unet;
    private final VaeDecoder vaeDecoder;
    private final SafetyCheck safety;
    private final Object encoderLock = new Object();
    /** Generations inside the sessions right now; {@link #close()} waits for none before releasing a session. */
    private final Object inFlightLock = new Object();
    private int inFlight;
    private boolean closed;
    private VaeEncoder vaeEncoder;
    private final ModelInfo info;
    private final int maxSide;
    private final int maxPromptChunks;
    private final PromptSyntax promptSyntax;
    private final DiffusionPipeline pipeline;
    private final AnimationPipeline animation;
    /** Encodes finished pictures' PNGs so the engine's thread goes on at once; one daemon thread. */
    private final ExecutorService pngEncoder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imagine-png-encoder");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Work taken off the engine thread's critical path inside a generation (noise drawn ahead while the UNet runs);
     * one daemon thread, idle between jobs.
     */
    private final ExecutorService helper = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imagine-pipeline-helper");
        thread.setDaemon(true);
        return thread;
    });

    private OnnxImageEngine(ModelFolder folder, SessionFactory sessions, ClipTokenizer tokenizer,
            NoiseScheduleConfig schedule, TextEncoder textEncoder, PromptEncoder promptEncoder, Unet unet,
            VaeDecoder vaeDecoder, SafetyCheck safety, int maxSide, int maxPromptChunks, PromptSyntax promptSyntax) {
        this.promptEncoder = promptEncoder;
        this.maxSide = maxSide;
        this.maxPromptChunks = maxPromptChunks;
        this.promptSyntax = promptSyntax;
        this.folder = folder;
        this.sessions = sessions;
        this.tokenizer = tokenizer;
        this.schedule = schedule;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.safety = safety;
        this.info = describe();
        this.pipeline = new DiffusionPipeline(this);
        this.animation = new AnimationPipeline(pipeline, this);
    }

    static OnnxImageEngine open(java.nio.file.Path dir, EngineOptions options) {
        ModelFolder folder = FamilyDetection.openFolder(dir);
        ClipTokenizer tokenizer = FamilyDetection.tokenizer(folder, dir);
        ClipTokenizer tokenizer2 = folder.tokenizer2Dir().isPresent()
                ? FamilyDetection.tokenizer2(folder.tokenizer2Dir().get(), dir) : null;
        NoiseScheduleConfig schedule = FamilyDetection.schedule(folder, dir);
        SessionFactory sessions = new SessionFactory(settings(options, Unet.fullSize(folder.unet())));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TextEncoder textEncoder;
            PromptEncoder promptEncoder;
            Unet unet;
            if (folder.sdxl()) {
                textEncoder = track(opened, TextEncoder.openPenultimate(sessions, folder.textEncoder(), "text_encoder",
                        null));
                TextEncoder textEncoder2 = track(opened, TextEncoder.openPenultimate(sessions,
                        folder.textEncoder2().get(), "text_encoder_2", "text_embeds"));
                unet = track(opened, Unet.open(sessions, folder.unet()));
                String missing = unet.missingSdxlInputs().orElse(null);
                if (missing != null) {
                    throw new EngineException(EngineException.Reason.INVALID_MODEL, dir + ": " + missing);
                }
                checkSdxlCompatible(dir, textEncoder, textEncoder2, unet);
                promptEncoder = new SdxlPromptEncoder(tokenizer, textEncoder, tokenizer2, textEncoder2,
                        folder.forceZerosForEmptyPrompt());
            } else {
                textEncoder = track(opened, TextEncoder.open(sessions, folder.textEncoder()));
                unet = track(opened, Unet.open(sessions, folder.unet()));
                if (unet.takesAddedConditions()) {
                    throw new EngineException(EngineException.Reason.INVALID_MODEL, "the UNet of " + dir + " takes "
                            + "SDXL's text_embeds and time_ids, but the folder has no text_encoder_2 and tokenizer_2; "
                            + "an SDXL folder needs both text encoders");
                }
                checkCompatible(dir, textEncoder, unet);
                promptEncoder = new ClipPromptEncoder(tokenizer, textEncoder);
            }
            VaeDecoder vaeDecoder = track(opened, VaeDecoder.open(sessions, folder.vaeDecoder()));
            SafetyCheck safety = openSafetyCheck(folder, options.safetyChecker(), sessions);
            if (safety != null) {
                opened.add(safety);
            }
            OnnxImageEngine engine = new OnnxImageEngine(folder, sessions, tokenizer, schedule, textEncoder,
                    promptEncoder, unet, vaeDecoder, safety, options.maxSide(), options.maxPromptChunks(),
                    options.promptSyntax());
            LOG.info("Loaded model {} on {} ({} hidden, UNet {})", folder.name(), sessions.description(),
                    engine.info.hiddenSize(), unet.describeInputs());
            if (unet.halfPrecision() && !sessions.onGpu()) {
                LOG.warn("Model {} is a float16 export running on the CPU: ONNX Runtime converts its float16 operations "
                        + "to float32 one by one, which is slow; an fp32 export, or a CUDA GPU, is faster.", folder.name());
            }
            return engine;
        } catch (InferenceException e) {
            closeAll(opened);
            throw EngineErrors.loading(e.kind(), e.getMessage(), dir, sessions.onGpu(), e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * The checker the options ask for: none when off, the model's own when automatic (none, said once in the log, when
     * the folder has no {@code safety_checker/}), or the one in the given folder.
     */
    private static SafetyCheck openSafetyCheck(ModelFolder folder, SafetyCheckerSource source, SessionFactory sessions)
            throws InferenceException {
        if (source.mode() == SafetyCheckerSource.Mode.OFF) {
            LOG.info("Safety checker is off: pictures of model {} are not checked", folder.name());
            return null;
        }
        CheckerFiles files;
        try {
            Optional<CheckerFiles> found = source.mode() == SafetyCheckerSource.Mode.AUTO
                    ? CheckerFiles.inModel(folder.root()) : Optional.of(CheckerFiles.inFolder(source.folder()));
            if (found.isEmpty()) {
                LOG.info("Model {} has no safety_checker/model.onnx, so its pictures are not checked", folder.name());
                return null;
            }
            files = found.get();
        } catch (ModelFolderException e) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL, e.getMessage(), e);
        }
        ClipImageProcessor processor;
        try {
            processor = ClipImageProcessor.fromConfig(files.preprocessorConfig().orElseGet(() -> {
                LOG.warn("No {} beside the safety checker; using CLIP's defaults (224 pixels, bicubic, OpenAI mean "
                        + "and std)", files.configPath());
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }));
        } catch (IllegalArgumentException e) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL, files.configPath() + ": " + e.getMessage(),
                    e);
        }
        SafetyChecker checker = SafetyChecker.open(sessions, files.model());
        long[] clip = checker.clipSize();
        if ((clip[0] > 0 && clip[0] != processor.outputHeight()) || (clip[1] > 0 && clip[1] != processor.outputWidth())) {
            checker.close();
            throw new EngineException(EngineException.Reason.INVALID_MODEL, "the safety checker " + files.model()
                    + " takes " + clip[0] + "x" + clip[1] + " pixels but " + files.configPath() + " crops to "
                    + processor.outputHeight() + "x" + processor.outputWidth());
        }
        SafetyCheck check = new SafetyCheck(checker, processor);
        LOG.info("Safety checker {} ({}) runs on every picture", files.model(), check.precision());
        return check;
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T part) {
        opened.add(part);
        return part;
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Closing a model part failed: {}", e.getMessage());
            }
        }
    }

    private static void checkCompatible(java.nio.file.Path dir, TextEncoder textEncoder, Unet unet) {
        int fromText = textEncoder.declaredHiddenSize();
        int fromUnet = unet.declaredHiddenSize();
        if (fromText > 0 && fromUnet > 0 && fromText != fromUnet) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL, "the text encoder of " + dir + " gives " + fromText
                    + " values per token but its UNet expects " + fromUnet
                    + "; the text_encoder and unet folders come from different models");
        }
    }

    private static void checkSdxlCompatible(java.nio.file.Path dir, TextEncoder first, TextEncoder second, Unet unet) {
        int one = first.declaredHiddenSize();
        int two = second.declaredHiddenSize();
        int fromUnet = unet.declaredHiddenSize();
        if (one > 0 && two > 0 && fromUnet > 0 && one + two != fromUnet) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL, "the text encoders of " + dir + " give "
                    + one + " + " + two + " values per token but its UNet expects " + fromUnet
                    + "; the text_encoder, text_encoder_2 and unet folders come from different models");
        }
        int pooled = second.declaredPooledSize();
        int fromUnetPooled = unet.declaredTextEmbedsSize();
        if (pooled > 0 && fromUnetPooled > 0 && pooled != fromUnetPooled) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL, "text_encoder_2 of " + dir + " gives "
                    + pooled + " text_embeds values but its UNet's text_embeds takes " + fromUnetPooled
                    + "; the text_encoder_2 and unet folders come from different models");
        }
    }

    private static ExecutionSettings settings(EngineOptions options, boolean fullSizeModel) {
        ExecutionSettings.Provider provider;
        switch (options.device().kind()) {
            case CPU:
                provider = ExecutionSettings.Provider.CPU;
                break;
            case CUDA:
                provider = ExecutionSettings.Provider.CUDA;
                break;
            default:
                provider = ExecutionSettings.Provider.AUTO;
                break;
        }
        CudaOptions cuda = options.cuda();
        return new ExecutionSettings(provider, options.device().index(), options.intraOpThreads(),
                options.interOpThreads(), cuda.memoryLimitBytes(), cuda.convAlgorithmSearch().name(),
                cuda.arenaStrategy().onnxName(), fullSizeModel);
    }

    private ModelInfo describe() {
        int hidden = promptEncoder.declaredWidth() > 0 ? promptEncoder.declaredWidth() : unet.declaredHiddenSize();
        ModelFamily family = FamilyDetection.detect(folder, schedule, tokenizer, hidden,
                unet.takesGuidanceEmbedding());
        SamplerKind sampler = family == ModelFamily.LCM ? SamplerKind.LCM
                : SamplerKind.forDiffusersClass(schedule.className());
        if (sampler == SamplerKind.DPMPP_2M && schedule.usesKarrasSigmas()) {
            sampler = SamplerKind.DPMPP_2M_KARRAS;
        }
        if (sampler == null) {
            sampler = SamplerKind.EULER_ANCESTRAL;
        }
        int side = family == ModelFamily.SD2_V ? 768 : family == ModelFamily.SDXL ? SDXL_SIDE : DEFAULT_SIDE;
        if (unet.fixedLatentHeight() > 0) {
            side = unet.fixedLatentHeight() * 8;
        } else if (folder.unetSampleSize().isPresent()) {
            side = folder.unetSampleSize().get() * 8;
        }
        int width = unet.fixedLatentWidth() > 0 ? unet.fixedLatentWidth() * 8 : side;
        return new ModelInfo(folder.name(), folder.root(), folder.pipelineClass(), family,
                schedule.predictionType().configName(), hidden, textEncoder.idsType(), unet.describeInputs(),
                unet.halfPrecision(), unet.fixedBatch(), folder.vaeEncoder().isPresent(), sampler,
                family.defaultSteps(), family.defaultGuidance(), width, side, ModelFingerprint.of(folder.root()),
                sessions.description(), safety == null ? ModelInfo.NO_SAFETY_CHECKER : safety.precision());
    }

    DiffusionPipeline pipeline() {
        return pipeline;
    }

    ModelFolder folder() {
        return folder;
    }

    NoiseScheduleConfig schedule() {
        return schedule;
    }

    PromptEncoder promptEncoder() {
        return promptEncoder;
    }

    Unet unet() {
        return unet;
    }

    /** The helper thread for work a generation takes off its critical path; see {@link NoiseAhead}. */
    java.util.concurrent.Executor helper() {
        return helper;
    }

    VaeDecoder vaeDecoder() {
        return vaeDecoder;
    }

    /** The (first) tokenizer, for reading prompts with A1111's syntax. */
    ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** The (first) text encoder, for encoding A1111's chunks. */
    TextEncoder textEncoder() {
        return textEncoder;
    }

    int maxPromptChunks() {
        return maxPromptChunks;
    }

    /** The syntax of requests that name none. */
    PromptSyntax promptSyntax() {
        return promptSyntax;
    }

    int maxSide() {
        return maxSide;
    }

    /** The safety check after decoding, or {@code null} when no checker runs. */
    SafetyCheck safety() {
        return safety;
    }

    boolean onGpu() {
        return sessions.onGpu();
    }

    /** The VAE encoder, opened on first use; img2img without one is refused with a clear sentence. */
    VaeEncoder vaeEncoder() throws InferenceException {
        synchronized (encoderLock) {
            if (vaeEncoder == null) {
                if (folder.vaeEncoder().isEmpty()) {
                    throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + folder.name()
                            + " has no vae_encoder/model.onnx, so it cannot start from an image (img2img); "
                            + "use a text prompt alone or an export that includes the VAE encoder");
                }
                vaeEncoder = VaeEncoder.open(sessions, folder.vaeEncoder().get());
            }
            return vaeEncoder;
        }
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener,
            CancellationToken cancellation) {
        synchronized (inFlightLock) {
            if (closed) {
                throw new EngineException(EngineException.Reason.FAILED, "the engine is stopping; try again after "
                        + "the restart");
            }
            inFlight++;
        }
        try {
            GenerationResult result = pipeline.generate(request, listener, cancellation);
            result.images().forEach(image -> image.encodeOn(pngEncoder));
            return result;
        } finally {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    /**
     * Releases every session, after the generations running inside them have returned: a native session freed under
     * a running thread crashes the JVM, so this waits (uninterruptibly, without a bound) rather than close early. Callers
     * bound the wait by cancelling the running job first; a step, a VAE decode or a PNG takes seconds at most.
     */
    @Override
    public AnimationResult animate(AnimationRequest request, AnimationListener listener,
            CancellationToken cancellation) {
        AnimationResult result = animation.animate(request, listener, cancellation);
        result.frames().forEach(frame -> frame.encodeOn(pngEncoder));
        return result;
    }

    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (inFlightLock) {
            if (closed && inFlight == 0 && pngEncoder.isShutdown()) {
                return;
            }
            closed = true;
            while (inFlight > 0) {
                try {
                    inFlightLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<AutoCloseable> parts = new ArrayList<>(List.of(promptEncoder, unet, vaeDecoder));
        if (safety != null) {
            parts.add(safety);
        }
        synchronized (encoderLock) {
            if (vaeEncoder != null) {
                parts.add(vaeEncoder);
                vaeEncoder = null;
            }
        }
        closeAll(parts);
        pngEncoder.shutdown();
        helper.shutdown();
    }
}
