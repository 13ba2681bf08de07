package dev.imagine.engine.onnx;

/** A model part that could not be loaded or run, classified so the engine can tell the user what to do. */
public final class InferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Kind {
        /** The device (GPU or host) ran out of memory. */
        OUT_OF_MEMORY,
        /** The execution provider has no kernel for an operator, e.g. float16 convolutions on the CPU. */
        UNSUPPORTED_OPERATOR,
        /** The graph does not have the inputs, outputs, dtypes or shapes of a Stable Diffusion part. */
        INVALID_MODEL,
        /** Anything else ONNX Runtime reported. */
        RUNTIME
    }

    private final Kind kind;

    InferenceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    InferenceException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** The failure's class. */
    public Kind kind() {
        return kind;
    }
}
