package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.imagine.engine.image.ImageTensors;
import java.awt.image.BufferedImage;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;

/** The VAE decoder: one image's latents in, its 8-bit RGB pixels out (8x the latent size). Owns its graph. */
public final class VaeDecoder implements AutoCloseable {
    private final Graph graph;
    private final Port latent;
    private final String output;
    private final Object lock = new Object();
    private HostTensor cachedInput;
    private HostTensor cachedOutput;
    private float[] cachedPixels;
    private int cachedHeight;
    private int cachedWidth;

    private VaeDecoder(Graph graph) throws InferenceException {
        this.graph = graph;
        this.latent = graph.input("latent_sample");
        if (!latent.type().isFloat() || latent.rank() != 4) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "vae_decoder latent_sample is "
                    + latent.describe() + "; expected float [batch, 4, height, width]");
        }
        this.output = graph.outputs().containsKey("sample") ? "sample" : graph.outputs().keySet().iterator().next();
    }

    /** Opens {@code vae_decoder/model.onnx}; the caller owns the result. */
    public static VaeDecoder open(SessionFactory factory, Path model) throws InferenceException {
        Graph graph = factory.open(model, "vae_decoder");
        try {
            return new VaeDecoder(graph);
        } catch (InferenceException | RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** The underlying graph, for timing. */
    public Graph graph() {
        return graph;
    }

    /**
     * Decodes one image into 8-bit RGB pixels. The buffers of the last size are kept for the next call (a
     * 2048x2048 image is 50 MB of floats), so calls are serialised.
     *
     * @param latents {@code 4 * height * width} values already divided by the scaling factor
     */
    public BufferedImage decode(float[] latents, int height, int width) throws InferenceException {
        long[] shape = {1, Unet.LATENT_CHANNELS, height, width};
        long[] outShape = {1, 3, 8L * height, 8L * width};
        synchronized (lock) {
            try {
                if (cachedInput == null || cachedHeight != height || cachedWidth != width) {
                    releaseCache();
                    cachedInput = HostTensor.allocate(graph.environment(), latent.type(), shape);
                    cachedOutput = HostTensor.allocate(graph.environment(), graph.outputs().get(output).type(), outShape);
                    cachedPixels = cachedOutput.floatView() == null ? new float[cachedOutput.size()] : null;
                    cachedHeight = height;
                    cachedWidth = width;
                }
                cachedInput.write(latents, 0, latents.length, 0);
                Map<String, OnnxTensor> feeds = Map.of(latent.name(), cachedInput.tensor());
                Map<String, OnnxTensor> pinned = Map.of(output, cachedOutput.tensor());
                try (OrtSession.Result ignored = 64L * height * width >= Graph.LARGE_IMAGE_PIXELS
                        ? graph.runReleasing(feeds, pinned) : graph.run(feeds, pinned)) {
                    if (cachedPixels == null) {
                        return ImageTensors.fromTensor(cachedOutput.floatView(), 8 * width, 8 * height);
                    }
                    cachedOutput.read(0, cachedPixels, 0, cachedPixels.length);
                    return ImageTensors.fromTensor(cachedPixels, 0, 8 * width, 8 * height);
                }
            } catch (OrtException e) {
                releaseCache();
                throw Graph.translate(e, "preparing vae_decoder tensors", false);
            }
        }
    }

    private void releaseCache() {
        if (cachedInput != null) {
            cachedInput.close();
            cachedOutput.close();
            cachedInput = null;
            cachedOutput = null;
            cachedPixels = null;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            releaseCache();
        }
        graph.close();
    }
}
