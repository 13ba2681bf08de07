package dev.imagine.bot.models;

/** A model could not be fetched, found or checked; the message says why and what to do, in one or two sentences. */
public final class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a user-facing message. */
    public ModelException(String message) {
        super(message);
    }

    /** A failure with a user-facing message and the exception behind it. */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
