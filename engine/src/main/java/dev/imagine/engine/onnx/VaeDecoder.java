package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The VAE decoder: one image's latents in, its RGB planes in [-1, 1] out (8x the latent size). Owns its graph. */
public final class VaeDecoder implements AutoCloseable {
    private final Graph graph;
    private final Port latent;
    private final String output;

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
     * Decodes one image.
     *
     * @param latents {@code 4 * height * width} values already divided by the scaling factor
     * @return {@code 3 * 8height * 8width} values, channel-major
     */
    public float[] decode(float[] latents, int height, int width) throws InferenceException {
        long[] shape = {1, Unet.LATENT_CHANNELS, height, width};
        try (HostTensor input = HostTensor.allocate(graph.environment(), latent.type(), shape)) {
            input.write(latents, 0, latents.length, 0);
            try (OrtSession.Result result = graph.run(Map.of(latent.name(), input.tensor()))) {
                OnnxTensor pixels = Outputs.tensor(result, output, "vae_decoder");
                long[] got = Outputs.shape(pixels);
                long[] expected = {1, 3, 8L * height, 8L * width};
                if (!Arrays.equals(got, expected)) {
                    throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "vae_decoder returned shape "
                            + Arrays.toString(got) + "; expected " + Arrays.toString(expected));
                }
                return Outputs.floats(pixels, "vae_decoder");
            }
        } catch (OrtException e) {
            throw Graph.translate(e, "preparing vae_decoder input", false);
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
