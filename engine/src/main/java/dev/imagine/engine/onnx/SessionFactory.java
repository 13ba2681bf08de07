package dev.imagine.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the sessions of one model on one execution provider, decided once: CUDA when asked for and usable,
 * otherwise CPU with one clear log line saying why.
 */
public final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    private final OrtEnvironment environment;
    private final ExecutionSettings settings;
    private final boolean cuda;
    private final String description;

    /** Decides the provider; never fails, because CPU is always there. */
    public SessionFactory(ExecutionSettings settings) {
        this.environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "imagine");
        NativeLibraryFolder.tidy();
        this.settings = settings;
        boolean useCuda = false;
        if (settings.provider() != ExecutionSettings.Provider.CPU) {
            String reason = cudaUnavailableReason();
            if (reason == null) {
                reason = probeCuda();
            }
            if (reason == null) {
                useCuda = true;
            } else if (settings.provider() == ExecutionSettings.Provider.CUDA) {
                LOG.warn("CUDA was requested but {}; running on the CPU instead (slow). "
                        + "Build with -Pcuda and install CUDA 12 with cuDNN 9 to use the GPU.", reason);
            } else {
                LOG.info("Device auto: {}; running on the CPU.", reason);
            }
        }
        this.cuda = useCuda;
        this.description = useCuda ? "CUDA device " + settings.deviceId() : "CPU";
    }

    private static String cudaUnavailableReason() {
        EnumSet<OrtProvider> providers;
        try {
            providers = OrtEnvironment.getAvailableProviders();
        } catch (RuntimeException | LinkageError e) {
            return "ONNX Runtime could not list its providers (" + e.getMessage() + ")";
        }
        if (!providers.contains(OrtProvider.CUDA)) {
            return "this build of ONNX Runtime has no CUDA provider";
        }
        return null;
    }

    private String probeCuda() {
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            addCuda(probe);
            return null;
        } catch (OrtException | RuntimeException | LinkageError e) {
            return "the CUDA provider could not start (" + e.getMessage() + ")";
        }
    }

    /** True when sessions run on the GPU. */
    public boolean onGpu() {
        return cuda;
    }

    /**
     * True for a full-size model on the CPU ({@link ExecutionSettings#leanMemory}): the UNet runs each row of a step
     * in a call of its own ({@link Unet}), no session plans a memory pattern, and the memory ONNX Runtime took for the
     * UNet's activations goes back to the system after its last call of a job, so that the peak is the weights plus
     * the larger of the UNet's and the VAE's activations, not their sum (each session has a memory arena of its own
     * that keeps its largest size). Small models keep their memory: for them the page faults of taking it again cost
     * more than it is worth.
     */
    public boolean leanMemory() {
        return !cuda && settings.leanMemory();
    }

    /** "CPU" or "CUDA device N", for logs and results. */
    public String description() {
        return description;
    }

    /**
     * Opens one graph. The caller owns the returned graph and closes it.
     *
     * @param part a label for messages, e.g. {@code unet}
     */
    public Graph open(Path model, String part) throws InferenceException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(settings.interOpThreads());
            }
            if (cuda) {
                addCuda(options);
            }
            // ONNX Runtime's pool threads otherwise spin after each call, holding a core the engine's own thread and
            // helper need between calls; on a shared 2-core VM, jobs of the cheap-UNet model took 2.7-2.9x longer
            // with spinning (README, Performance). Not yet measured on the full-size SD 1.5 UNet.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (leanMemory()) {
                // The memory pattern plans one block for all of a run's activations at the size the first run needed
                // and keeps it beside the arena. On the full-size SD 1.5 graph at 512x512 (2 steps, 2-core VM) peak
                // memory was 9.6 GB with it and 7.4 GB without, and a UNet step took 22 s with it and 17 s without
                // (README, Performance). Small models keep it (no gain measured there).
                options.setMemoryPatternOptimization(false);
            }
            OrtSession session = environment.createSession(model.toString(), options);
            return new Graph(environment, session, part, cuda, leanMemory());
        } catch (OrtException e) {
            throw Graph.translate(e, "loading " + part + " from " + model, cuda);
        }
    }

    private void addCuda(OrtSession.SessionOptions options) throws OrtException {
        try (OrtCUDAProviderOptions cudaOptions = new OrtCUDAProviderOptions(settings.deviceId())) {
            if (settings.gpuMemoryLimitBytes() > 0) {
                cudaOptions.add("gpu_mem_limit", Long.toString(settings.gpuMemoryLimitBytes()));
            }
            cudaOptions.add("arena_extend_strategy", settings.arenaExtendStrategy());
            cudaOptions.add("cudnn_conv_algo_search", settings.convAlgoSearch());
            cudaOptions.add("do_copy_in_default_stream", "1");
            options.addCUDA(cudaOptions);
        }
    }
}
