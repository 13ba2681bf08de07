package dev.imagine.engine;

/**
 * Sees each finished denoising step. Called on the generating thread: return quickly (hand the event to another
 * thread for network I/O). An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = progress -> { };

    /** Called after each step. */
    void onProgress(Progress progress);
}
