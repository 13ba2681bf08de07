package dev.imagine.engine;

/**
 * CUDA execution provider settings.
 *
 * @param memoryLimitBytes the most GPU memory ONNX Runtime's arena may take; 0 for no limit
 * @param convAlgorithmSearch how cuDNN picks convolution algorithms; {@code DEFAULT} avoids the first-run memory
 *     spike of {@code EXHAUSTIVE} that is behind many "CUDA out of memory" reports
 * @param arenaStrategy how the memory arena grows; {@code SAME_AS_REQUESTED} wastes less memory
 */
public record CudaOptions(long memoryLimitBytes, ConvAlgorithmSearch convAlgorithmSearch, ArenaStrategy arenaStrategy) {

    /** cuDNN convolution algorithm search. */
    public enum ConvAlgorithmSearch {
        /** cuDNN's default algorithm, no benchmarking: least memory. */
        DEFAULT,
        /** cuDNN's heuristics. */
        HEURISTIC,
        /** Benchmark every algorithm on first use: fastest, but needs much memory at the first step. */
        EXHAUSTIVE
    }

    /** How the CUDA memory arena grows. */
    public enum ArenaStrategy {
        /** Grow by what is requested. */
        SAME_AS_REQUESTED("kSameAsRequested"),
        /** Grow by doubling. */
        NEXT_POWER_OF_TWO("kNextPowerOfTwo");

        private final String onnxName;

        ArenaStrategy(String onnxName) {
            this.onnxName = onnxName;
        }

        /** The value ONNX Runtime's {@code arena_extend_strategy} takes. */
        public String onnxName() {
            return onnxName;
        }
    }

    /** Checks values. */
    public CudaOptions {
        if (memoryLimitBytes < 0) {
            throw new IllegalArgumentException("GPU memory limit must be 0 (none) or positive, got " + memoryLimitBytes);
        }
        if (convAlgorithmSearch == null) {
            convAlgorithmSearch = ConvAlgorithmSearch.DEFAULT;
        }
        if (arenaStrategy == null) {
            arenaStrategy = ArenaStrategy.SAME_AS_REQUESTED;
        }
    }

    /** No memory limit, {@code DEFAULT} convolution search, arena grown as requested. */
    public static CudaOptions defaults() {
        return new CudaOptions(0, ConvAlgorithmSearch.DEFAULT, ArenaStrategy.SAME_AS_REQUESTED);
    }
}
