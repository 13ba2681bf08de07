package dev.imagine.storage;

/**
 * The database or the image files failed: locked by another process, damaged, full disk, or closed. The message
 * says what happened and, where there is one, what to do; it never holds a prompt or a secret.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with its message. */
    public StorageException(String message) {
        super(message);
    }

    /** A failure with its message and cause (kept for logs). */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
