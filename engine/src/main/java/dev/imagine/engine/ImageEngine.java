package dev.imagine.engine;

import java.nio.file.Path;

/**
 * Stable Diffusion text-to-image and image-to-image. One engine holds one model's ONNX Runtime sessions, created
 * once; it is safe to call from several threads, but calls share one device, so a dispatcher should run one job
 * at a time. The caller owns the engine and closes it, which releases every session.
 */
public interface ImageEngine extends AutoCloseable {

    /**
     * Opens a Stable Diffusion ONNX folder (as exported by diffusers or optimum).
     *
     * @throws EngineException with reason {@code INVALID_MODEL} naming a missing or broken file,
     *     {@code UNSUPPORTED_MODEL} for families such as SDXL, or {@code OUT_OF_MEMORY}
     */
    static ImageEngine open(Path modelDir, EngineOptions options) {
        return OnnxImageEngine.open(modelDir, options);
    }

    /** The model and the defaults this engine applies. */
    ModelInfo model();

    /**
     * Runs a job.
     *
     * @param listener sees each step, on this thread
     * @param cancellation checked between steps
     * @throws EngineException with a user-facing sentence: an invalid parameter for this model, img2img without a
     *     VAE encoder, out of memory, cancelled, or another ONNX Runtime failure
     */
    GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancellation);

    /** Runs a job without progress or cancellation. */
    default GenerationResult generate(GenerationRequest request) {
        return generate(request, ProgressListener.NONE, new CancellationToken());
    }

    /**
     * Makes an animation's frames (see {@link AnimationRequest}), up to {@link GenerationRequest#MAX_COUNT} frames per
     * UNet batch.
     *
     * @param listener sees each step, on this thread
     * @param cancellation checked between steps
     * @throws EngineException as {@link #generate} does
     */
    default AnimationResult animate(AnimationRequest request, AnimationListener listener,
            CancellationToken cancellation) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " makes no animations");
    }

    /** Releases the sessions. Jobs must not run during or after this call. */
    @Override
    void close();
}
