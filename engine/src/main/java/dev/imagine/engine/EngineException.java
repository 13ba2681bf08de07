package dev.imagine.engine;

/**
 * A job or model the engine could not handle. {@link #getMessage()} is a sentence for the person who asked:
 * what went wrong and what to do, never a stack trace or a secret.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Reason {
        /** A parameter is out of range or inconsistent with the model. */
        INVALID_REQUEST,
        /** The model folder is missing files or holds broken ones. */
        INVALID_MODEL,
        /** The model is of a family or precision this engine cannot run here. */
        UNSUPPORTED_MODEL,
        /** The GPU or host ran out of memory. */
        OUT_OF_MEMORY,
        /** The job was cancelled through its {@link CancellationToken}. */
        CANCELLED,
        /** ONNX Runtime failed in another way. */
        FAILED
    }

    private final Reason reason;

    /** A failure with its user-facing sentence. */
    public EngineException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A failure with its user-facing sentence and the underlying cause (kept for logs). */
    public EngineException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The failure's kind. */
    public Reason reason() {
        return reason;
    }
}
