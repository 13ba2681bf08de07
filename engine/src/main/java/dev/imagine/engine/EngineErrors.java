package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import java.nio.file.Path;

/** Turns ONNX Runtime failures into the sentences users see. */
final class EngineErrors {
    private EngineErrors() {
    }

    static final String FP16_ON_CPU = "this model cannot run on the CPU, probably because it is a float16 (fp16) "
            + "export: use an fp32 export or run on a CUDA GPU (device cuda). ";

    /** A failure while opening a model folder's sessions. */
    static EngineException loading(InferenceException.Kind kind, String message, Path dir, boolean gpu, Throwable cause) {
        switch (kind) {
            case OUT_OF_MEMORY:
                return new EngineException(EngineException.Reason.OUT_OF_MEMORY, (gpu ? "GPU" : "host")
                        + " out of memory while loading " + dir + "; free memory, use an fp16 export"
                        + (gpu ? " or set a smaller engine.cuda.memory-limit" : ""), cause);
            case UNSUPPORTED_OPERATOR:
                return new EngineException(EngineException.Reason.UNSUPPORTED_MODEL, (gpu ? "" : FP16_ON_CPU)
                        + message, cause);
            default:
                return new EngineException(EngineException.Reason.INVALID_MODEL, message, cause);
        }
    }

    /** A failure while running a job. */
    static EngineException running(InferenceException.Kind kind, String message, GenerationRequest job, boolean gpu,
            Throwable cause) {
        String images = job.count() + " image" + (job.count() == 1 ? "" : "s");
        switch (kind) {
            case OUT_OF_MEMORY:
                return new EngineException(EngineException.Reason.OUT_OF_MEMORY, (gpu ? "GPU" : "Host")
                        + " out of memory at " + job.outputWidth() + "x" + job.outputHeight() + " with " + images
                        + "; try a smaller size or fewer images", cause);
            case UNSUPPORTED_OPERATOR:
                return new EngineException(EngineException.Reason.UNSUPPORTED_MODEL, (gpu ? "" : FP16_ON_CPU)
                        + message, cause);
            case INVALID_MODEL:
                return new EngineException(EngineException.Reason.INVALID_MODEL, message, cause);
            default:
                return new EngineException(EngineException.Reason.FAILED, "the engine failed: " + message, cause);
        }
    }
}
