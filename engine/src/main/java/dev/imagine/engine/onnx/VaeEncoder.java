package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The VAE encoder for img2img: RGB planes in [-1, 1] in, latents out. An output named {@code latent_parameters}
 * (or with 8 channels) holds mean and log-variance for the caller to sample; {@code latent_sample} is used as
 * is. Owns its graph.
 */
public final class VaeEncoder implements AutoCloseable {
    private final Graph graph;
    private final Port pixels;
    private final String output;
    private final boolean parameters;

    /** What the encoder returned for one image. */
    public record Encoded(float[] values, boolean parameters) {
    }

    private VaeEncoder(Graph graph) throws InferenceException {
        this.graph = graph;
        this.pixels = graph.input("sample");
        if (!pixels.type().isFloat() || pixels.rank() != 4) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "vae_encoder sample is "
                    + pixels.describe() + "; expected float [batch, 3, height, width]");
        }
        Map<String, Port> outputs = graph.outputs();
        if (outputs.containsKey("latent_parameters")) {
            output = "latent_parameters";
        } else if (outputs.containsKey("latent_sample")) {
            output = "latent_sample";
        } else {
            output = outputs.keySet().iterator().next();
        }
        Port out = outputs.get(output);
        parameters = output.equals("latent_parameters") || (out.rank() == 4 && out.dim(1) == 8);
    }

    /** Opens {@code vae_encoder/model.onnx}; the caller owns the result. */
    public static VaeEncoder open(SessionFactory factory, Path model) throws InferenceException {
        Graph graph = factory.open(model, "vae_encoder");
        try {
            return new VaeEncoder(graph);
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
     * Encodes one image of {@code height x width} pixels (multiples of 8).
     *
     * @param planes {@code 3 * height * width} values in [-1, 1], channel-major
     */
    public Encoded encode(float[] planes, int height, int width) throws InferenceException {
        long[] shape = {1, 3, height, width};
        try (HostTensor input = HostTensor.allocate(graph.environment(), pixels.type(), shape)) {
            input.write(planes, 0, planes.length, 0);
            try (OrtSession.Result result = graph.run(Map.of(pixels.name(), input.tensor()),
                    (long) height * width >= Graph.LARGE_IMAGE_PIXELS)) {
                OnnxTensor latent = Outputs.tensor(result, output, "vae_encoder");
                long[] got = Outputs.shape(latent);
                long channels = parameters ? 8 : 4;
                long[] expected = {1, channels, height / 8, width / 8};
                if (!Arrays.equals(got, expected)) {
                    throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "vae_encoder returned shape "
                            + Arrays.toString(got) + "; expected " + Arrays.toString(expected));
                }
                return new Encoded(Outputs.floats(latent, "vae_encoder"), parameters);
            }
        } catch (OrtException e) {
            throw Graph.translate(e, "preparing vae_encoder input", false);
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
