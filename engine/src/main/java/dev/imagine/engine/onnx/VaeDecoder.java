package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.imagine.engine.image.ImageTensors;
import java.awt.image.BufferedImage;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The VAE decoder: one image's latents in, its 8-bit RGB pixels out (8x the latent size). Owns its graph. */
public final class VaeDecoder implements AutoCloseable {
    /** Output buffers, so that a picture can wait for conversion while the next one is decoded. */
    static final int OUTPUT_BUFFERS = 2;
    private final Graph graph;
    private final Port latent;
    private final String output;
    private final Object lock = new Object();
    /** Output buffers of the cached size (guarded by itself); see {@link #decodeLater}. */
    private final List<Output> outputs = new ArrayList<>();
    /** Pictures decoded, to find the oldest waiting one; guarded by {@link #lock}. */
    private long decoded;
    private HostTensor cachedInput;
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
        return decodeLater(latents, height, width).get();
    }

    /**
     * Decodes one image, leaving its conversion to pixels for later: the decoder's output stays in a buffer of its
     * own until the first {@code get()} of the result, on any thread, turns it into the pixels {@link #decode} gives
     * (and frees the buffer). So the engine's thread need not wait for the conversion: the thread that encodes the
     * PNG does it. At most {@value #OUTPUT_BUFFERS} pictures wait at a time; a further call converts the oldest on
     * the calling thread first. A picture still waiting when the size changes or the decoder closes keeps its
     * buffer until it is converted.
     *
     * @param latents {@code 4 * height * width} values already divided by the scaling factor
     */
    public Supplier<BufferedImage> decodeLater(float[] latents, int height, int width) throws InferenceException {
        long[] shape = {1, Unet.LATENT_CHANNELS, height, width};
        synchronized (lock) {
            try {
                if (cachedInput == null || cachedHeight != height || cachedWidth != width) {
                    releaseCache();
                    cachedInput = HostTensor.allocate(graph.environment(), latent.type(), shape);
                    cachedHeight = height;
                    cachedWidth = width;
                }
                Output out = freeOutput();
                cachedInput.write(latents, 0, latents.length, 0);
                Map<String, OnnxTensor> feeds = Map.of(latent.name(), cachedInput.tensor());
                Map<String, OnnxTensor> pinned = Map.of(output, out.tensor.tensor());
                try (OrtSession.Result ignored = 64L * height * width >= Graph.LARGE_IMAGE_PIXELS
                        ? graph.runReleasing(feeds, pinned) : graph.run(feeds, pinned)) {
                    Waiting waiting = new Waiting(out, 8 * width, 8 * height);
                    synchronized (outputs) {
                        out.waiting = waiting;
                    }
                    return waiting;
                }
            } catch (OrtException e) {
                releaseCache();
                throw Graph.translate(e, "preparing vae_decoder tensors", false);
            }
        }
    }

    /**
     * An output buffer no picture waits in, allocating one while there are fewer than {@value #OUTPUT_BUFFERS};
     * otherwise converts the oldest waiting picture here to free its buffer. Called under {@link #lock}.
     */
    private Output freeOutput() throws OrtException {
        while (true) {
            Waiting oldest = null;
            synchronized (outputs) {
                for (Output out : outputs) {
                    if (out.waiting == null) {
                        return out;
                    }
                    if (oldest == null || out.waiting.order < oldest.order) {
                        oldest = out.waiting;
                    }
                }
                if (outputs.size() < OUTPUT_BUFFERS) {
                    long[] outShape = {1, 3, 8L * cachedHeight, 8L * cachedWidth};
                    Output out = new Output(HostTensor.allocate(graph.environment(),
                            graph.outputs().get(output).type(), outShape));
                    outputs.add(out);
                    return out;
                }
            }
            oldest.get(); // outside the buffers' lock: the conversion takes it to hand the buffer back
        }
    }

    /**
     * Lets go of the buffers. A picture still waiting keeps its buffer, which is memory of the JVM's (a direct
     * buffer the tensor only points at), until it is converted. Called under {@link #lock}.
     */
    private void releaseCache() {
        synchronized (outputs) {
            outputs.forEach(out -> out.tensor.close());
            outputs.clear();
        }
        if (cachedInput != null) {
            cachedInput.close();
            cachedInput = null;
        }
    }

    /** A buffer the decoder writes a picture into, and the picture waiting in it for conversion, if any. */
    private static final class Output {
        final HostTensor tensor;
        /** Guarded by the decoder's {@code outputs}. */
        Waiting waiting;

        Output(HostTensor tensor) {
            this.tensor = tensor;
        }
    }

    /** A decoded picture still in its output buffer; the first {@link #get} converts it and frees the buffer. */
    private final class Waiting implements Supplier<BufferedImage> {
        final long order = ++decoded;
        private final int width;
        private final int height;
        private Output out;
        private BufferedImage image;

        Waiting(Output out, int width, int height) {
            this.out = out;
            this.width = width;
            this.height = height;
        }

        @Override
        public synchronized BufferedImage get() {
            if (image == null) {
                HostTensor tensor = out.tensor;
                FloatBuffer floats = tensor.floatView();
                if (floats != null) {
                    image = ImageTensors.fromTensor(floats, width, height);
                } else {
                    float[] values = new float[tensor.size()];
                    tensor.read(0, values, 0, values.length);
                    image = ImageTensors.fromTensor(values, 0, width, height);
                }
                synchronized (outputs) {
                    out.waiting = null;
                }
                out = null;
            }
            return image;
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
