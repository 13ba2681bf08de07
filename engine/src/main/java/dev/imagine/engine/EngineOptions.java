package dev.imagine.engine;

/**
 * How the engine runs its model.
 *
 * @param device where to run
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime choose
 * @param cuda options that apply when the device is CUDA
 * @param maxSide the largest image side this engine makes, after any upscale ({@value #MIN_MAX_SIDE} to
 *     {@value #MAX_MAX_SIDE}; default {@value #DEFAULT_MAX_SIDE}): a limit on memory and time per job
 * @param maxPromptChunks the most 75-token chunks a prompt read with A1111's syntax may use (1 to
 *     {@value #MAX_MAX_PROMPT_CHUNKS}; default {@value #DEFAULT_MAX_PROMPT_CHUNKS}, 600 tokens); words past it are
 *     cut and reported
 * @param promptSyntax how prompts of requests that name no syntax are read; {@code null} for
 *     {@link PromptSyntax#DEFAULT}
 * @param safetyChecker which safety checker runs on every picture (default {@link SafetyCheckerSource#auto()})
 */
public record EngineOptions(ExecutionDevice device, int intraOpThreads, int interOpThreads, CudaOptions cuda,
        int maxSide, int maxPromptChunks, PromptSyntax promptSyntax, SafetyCheckerSource safetyChecker) {

    /** Default for {@link #maxSide()}. */
    public static final int DEFAULT_MAX_SIDE = 2048;
    /** Smallest allowed {@link #maxSide()}. */
    public static final int MIN_MAX_SIDE = 64;
    /** Largest allowed {@link #maxSide()}. */
    public static final int MAX_MAX_SIDE = 8192;
    /** Default for {@link #maxPromptChunks()}. */
    public static final int DEFAULT_MAX_PROMPT_CHUNKS = 8;
    /** Largest allowed {@link #maxPromptChunks()}. */
    public static final int MAX_MAX_PROMPT_CHUNKS = 64;

    /** Checks ranges with messages that name the option. */
    public EngineOptions {
        if (device == null) {
            throw new IllegalArgumentException("device is required");
        }
        if (intraOpThreads < 0 || intraOpThreads > 1024) {
            throw new IllegalArgumentException("intra-op threads must be between 0 (automatic) and 1024, got " + intraOpThreads);
        }
        if (interOpThreads < 0 || interOpThreads > 1024) {
            throw new IllegalArgumentException("inter-op threads must be between 0 (automatic) and 1024, got " + interOpThreads);
        }
        if (cuda == null) {
            cuda = CudaOptions.defaults();
        }
        if (maxSide < MIN_MAX_SIDE || maxSide > MAX_MAX_SIDE || maxSide % 8 != 0) {
            throw new IllegalArgumentException("maximum image side must be a multiple of 8 between " + MIN_MAX_SIDE
                    + " and " + MAX_MAX_SIDE + ", got " + maxSide);
        }
        if (maxPromptChunks < 1 || maxPromptChunks > MAX_MAX_PROMPT_CHUNKS) {
            throw new IllegalArgumentException("maximum prompt chunks must be between 1 and " + MAX_MAX_PROMPT_CHUNKS
                    + ", got " + maxPromptChunks);
        }
        if (promptSyntax == null) {
            promptSyntax = PromptSyntax.DEFAULT;
        }
        if (safetyChecker == null) {
            safetyChecker = SafetyCheckerSource.auto();
        }
    }

    /** Options with the default prompt chunk limit and syntax and the model's own safety checker, if any. */
    public EngineOptions(ExecutionDevice device, int intraOpThreads, int interOpThreads, CudaOptions cuda,
            int maxSide) {
        this(device, intraOpThreads, interOpThreads, cuda, maxSide, DEFAULT_MAX_PROMPT_CHUNKS, PromptSyntax.DEFAULT,
                SafetyCheckerSource.auto());
    }

    /** Options with the default maximum image side. */
    public EngineOptions(ExecutionDevice device, int intraOpThreads, int interOpThreads, CudaOptions cuda) {
        this(device, intraOpThreads, interOpThreads, cuda, DEFAULT_MAX_SIDE);
    }

    /** Automatic device and threading with default CUDA options. */
    public static EngineOptions defaults() {
        return new EngineOptions(ExecutionDevice.auto(), 0, 0, CudaOptions.defaults());
    }

    /** These options on another device. */
    public EngineOptions withDevice(ExecutionDevice newDevice) {
        return new EngineOptions(newDevice, intraOpThreads, interOpThreads, cuda, maxSide, maxPromptChunks,
                promptSyntax, safetyChecker);
    }

    /** These options with another maximum image side. */
    public EngineOptions withMaxSide(int newMaxSide) {
        return new EngineOptions(device, intraOpThreads, interOpThreads, cuda, newMaxSide, maxPromptChunks,
                promptSyntax, safetyChecker);
    }

    /** These options with another safety checker. */
    public EngineOptions withSafetyChecker(SafetyCheckerSource source) {
        return new EngineOptions(device, intraOpThreads, interOpThreads, cuda, maxSide, maxPromptChunks, promptSyntax,
                source);
    }

    /** These options with another prompt chunk limit. */
    public EngineOptions withMaxPromptChunks(int newMaxPromptChunks) {
        return new EngineOptions(device, intraOpThreads, interOpThreads, cuda, maxSide, newMaxPromptChunks,
                promptSyntax, safetyChecker);
    }

    /** These options with another syntax for requests that name none. */
    public EngineOptions withPromptSyntax(PromptSyntax newPromptSyntax) {
        return new EngineOptions(device, intraOpThreads, interOpThreads, cuda, maxSide, maxPromptChunks,
                newPromptSyntax, safetyChecker);
    }
}
