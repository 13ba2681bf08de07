package dev.imagine.engine;

/**
 * How the engine runs its model.
 *
 * @param device where to run
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime choose
 * @param cuda options that apply when the device is CUDA
 */
public record EngineOptions(ExecutionDevice device, int intraOpThreads, int interOpThreads, CudaOptions cuda) {

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
    }

    /** Automatic device and threading with default CUDA options. */
    public static EngineOptions defaults() {
        return new EngineOptions(ExecutionDevice.auto(), 0, 0, CudaOptions.defaults());
    }

    /** These options on another device. */
    public EngineOptions withDevice(ExecutionDevice newDevice) {
        return new EngineOptions(newDevice, intraOpThreads, interOpThreads, cuda);
    }
}
