package dev.imagine.config;

/**
 * CUDA settings, used when the engine runs on a GPU (key {@code engine.cuda}).
 *
 * @param memoryLimit the most GPU memory in bytes ONNX Runtime's arena may take; 0 for no limit, else 64M to 1T (key
 *     {@code engine.cuda.memory-limit}, default 0)
 * @param convAlgoSearch how cuDNN picks convolution algorithms (key {@code engine.cuda.conv-algo-search}, default
 *     {@code DEFAULT})
 * @param arenaStrategy how the memory arena grows (key {@code engine.cuda.arena-strategy}, default
 *     {@code SAME_AS_REQUESTED})
 */
public record CudaSettings(long memoryLimit, ConvAlgoSearch convAlgoSearch, ArenaStrategy arenaStrategy) {

    /** Smallest non-zero {@code memory-limit}. */
    public static final long MIN_MEMORY_LIMIT = 64L << 20;
    /** Largest {@code memory-limit}. */
    public static final long MAX_MEMORY_LIMIT = 1L << 40;

    /** cuDNN convolution algorithm search; the names match the engine's. */
    public enum ConvAlgoSearch {
        /** cuDNN's default algorithm, no benchmarking: least memory. */
        DEFAULT,
        /** cuDNN's heuristics. */
        HEURISTIC,
        /** Benchmark every algorithm on first use: fastest, but a large memory spike at the first step. */
        EXHAUSTIVE
    }

    /** How the CUDA memory arena grows; the names match the engine's. */
    public enum ArenaStrategy {
        /** Grow by what is requested. */
        SAME_AS_REQUESTED,
        /** Grow by doubling. */
        NEXT_POWER_OF_TWO
    }

    /** What {@code memory-limit} allows, for messages. */
    static final String MEMORY_LIMIT_ALLOWED = "use 0 (no limit) or a size from " + ByteSizes.format(MIN_MEMORY_LIMIT)
            + " to " + ByteSizes.format(MAX_MEMORY_LIMIT) + ", such as 6G";

    /** Checks the memory limit; the enums are required. */
    public CudaSettings {
        if (memoryLimit != 0) {
            Rules.between("engine.cuda.memory-limit", memoryLimit, MIN_MEMORY_LIMIT, MAX_MEMORY_LIMIT, MEMORY_LIMIT_ALLOWED);
        }
        Rules.present("engine.cuda.conv-algo-search", convAlgoSearch);
        Rules.present("engine.cuda.arena-strategy", arenaStrategy);
    }

    /** No memory limit, {@code DEFAULT} search, arena grown as requested. */
    public static CudaSettings defaults() {
        return new CudaSettings(0, ConvAlgoSearch.DEFAULT, ArenaStrategy.SAME_AS_REQUESTED);
    }
}
