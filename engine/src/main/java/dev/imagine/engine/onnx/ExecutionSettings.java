package dev.imagine.engine.onnx;

/**
 * How sessions are created: the execution provider and its options.
 *
 * @param provider CPU, CUDA, or AUTO (CUDA when it can be used, else CPU)
 * @param deviceId CUDA device ordinal
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime choose
 * @param gpuMemoryLimitBytes CUDA arena limit; 0 for none
 * @param convAlgoSearch cuDNN convolution algorithm search: {@code DEFAULT}, {@code HEURISTIC} or
 *     {@code EXHAUSTIVE}
 * @param arenaExtendStrategy {@code kSameAsRequested} or {@code kNextPowerOfTwo}
 * @param leanMemory for a full-size model on the CPU: the UNet runs one row per call and each graph's activation
 *     memory goes back to the system once a job no longer needs it (see {@link SessionFactory#leanMemory})
 */
public record ExecutionSettings(
        Provider provider,
        int deviceId,
        int intraOpThreads,
        int interOpThreads,
        long gpuMemoryLimitBytes,
        String convAlgoSearch,
        String arenaExtendStrategy,
        boolean leanMemory) {

    /** Where the graphs run. */
    public enum Provider {
        CPU, CUDA, AUTO
    }

    /** Checks ranges; values come from the engine's validated public options. */
    public ExecutionSettings {
        if (deviceId < 0 || intraOpThreads < 0 || interOpThreads < 0 || gpuMemoryLimitBytes < 0) {
            throw new IllegalArgumentException("device id, thread counts and memory limit must not be negative");
        }
    }

    /** CPU with ONNX Runtime's default threading. */
    public static ExecutionSettings cpu() {
        return new ExecutionSettings(Provider.CPU, 0, 0, 0, 0, "DEFAULT", "kSameAsRequested", false);
    }
}
