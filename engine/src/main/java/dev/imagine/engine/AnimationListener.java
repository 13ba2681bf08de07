package dev.imagine.engine;

/**
 * Sees each finished denoising step of an animation. Called on the generating thread: return quickly. An exception
 * it throws is logged and ignored.
 */
@FunctionalInterface
public interface AnimationListener {

    /** A listener that ignores progress. */
    AnimationListener NONE = progress -> { };

    /** Called after each step. */
    void onProgress(AnimationProgress progress);
}
