package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The safety checker of diffusers' ONNX export ({@code safety_checker/model.onnx}): inputs {@code clip_input}
 * float {@code [batch, 3, H, W]} (the CLIP feature extractor's output) and {@code images} float
 * {@code [batch, height, width, 3]} (pixels in 0..1, channels last); outputs {@code out_images} and
 * {@code has_nsfw_concepts} bool {@code [batch]}. Like diffusers' {@code OnnxStableDiffusionPipeline}, each image is
 * checked alone (batch 1), and only the verdict is read: {@code out_images}, where the export blacks out flagged
 * pictures, is not computed. Float16 exports are fed float16. The input tensors of the last size are kept for the
 * next call, so calls are serialised. Owns its graph.
 */
public final class SafetyChecker implements AutoCloseable {
    static final String CLIP_INPUT = "clip_input";
    static final String IMAGES = "images";
    static final String VERDICT = "has_nsfw_concepts";

    private final Graph graph;
    private final Port clipInput;
    private final Port images;
    private final Object lock = new Object();
    private HostTensor cachedClip;
    private HostTensor cachedImages;
    private int[] row = new int[0];
    private float[] samples = new float[0];

    private SafetyChecker(Graph graph) throws InferenceException {
        this.graph = graph;
        this.clipInput = graph.input(CLIP_INPUT);
        this.images = graph.input(IMAGES);
        if (!clipInput.type().isFloat() || clipInput.rank() != 4) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "safety_checker clip_input is "
                    + clipInput.describe() + "; expected float [batch, 3, height, width]");
        }
        if (!images.type().isFloat() || images.rank() != 4) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "safety_checker images is "
                    + images.describe() + "; expected float [batch, height, width, 3]");
        }
        Port verdict = graph.outputs().get(VERDICT);
        if (verdict == null || verdict.type() != TensorType.BOOL) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "safety_checker has no bool output "
                    + "'" + VERDICT + "' (its outputs: " + graph.outputs().values() + "); is this diffusers' ONNX "
                    + "safety checker?");
        }
    }

    /** Opens a checker graph; the caller owns the result. */
    public static SafetyChecker open(SessionFactory factory, Path model) throws InferenceException {
        Graph graph = factory.open(model, "safety_checker");
        try {
            return new SafetyChecker(graph);
        } catch (InferenceException | RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Whether the graph takes float16. */
    public boolean halfPrecision() {
        return clipInput.type() == TensorType.FLOAT16;
    }

    /** The size {@code clip_input} fixes, as {@code [height, width]}, with -1 where the graph leaves it open. */
    public long[] clipSize() {
        return new long[] {clipInput.dim(2), clipInput.dim(3)};
    }

    /**
     * Checks one picture.
     *
     * @param clip the feature extractor's output for it, {@code 3 * clipHeight * clipWidth} floats
     * @param image the picture itself, fed as {@code images} (8-bit samples divided by 255)
     * @return the checker's verdict: true when it flags the picture
     */
    public boolean flagged(float[] clip, int clipHeight, int clipWidth, BufferedImage image)
            throws InferenceException {
        int width = image.getWidth();
        int height = image.getHeight();
        synchronized (lock) {
            try {
                HostTensor clipTensor = tensor(true, new long[] {1, 3, clipHeight, clipWidth});
                HostTensor imageTensor = tensor(false, new long[] {1, height, width, 3});
                clipTensor.write(clip, 0, clip.length, 0);
                if (row.length < width) {
                    row = new int[width];
                    samples = new float[3 * width];
                }
                for (int y = 0; y < height; y++) {
                    image.getRGB(0, y, width, 1, row, 0, width);
                    for (int x = 0; x < width; x++) {
                        int p = row[x];
                        samples[3 * x] = ((p >> 16) & 0xFF) / 255f;
                        samples[3 * x + 1] = ((p >> 8) & 0xFF) / 255f;
                        samples[3 * x + 2] = (p & 0xFF) / 255f;
                    }
                    imageTensor.write(samples, 0, 3 * width, y * 3 * width);
                }
                try (OrtSession.Result result = graph.run(Map.of(CLIP_INPUT, clipTensor.tensor(), IMAGES,
                        imageTensor.tensor()), Set.of(VERDICT))) {
                    OnnxValue value = result.get(VERDICT).orElse(null);
                    if (!(value instanceof OnnxTensor tensor) || !(tensor.getValue() instanceof boolean[] verdicts)
                            || verdicts.length < 1) {
                        throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                                "safety_checker returned no bool [batch] '" + VERDICT + "'");
                    }
                    return verdicts[0];
                }
            } catch (OrtException e) {
                releaseCache();
                throw Graph.translate(e, "preparing safety_checker tensors", false);
            }
        }
    }

    /** The input tensor of that shape, kept from the last call of the same size (pictures of a server repeat sizes). */
    private HostTensor tensor(boolean clip, long[] shape) throws OrtException {
        HostTensor cached = clip ? cachedClip : cachedImages;
        if (cached != null && Arrays.equals(cached.tensor().getInfo().getShape(), shape)) {
            return cached;
        }
        if (cached != null) {
            cached.close();
        }
        HostTensor fresh = HostTensor.allocate(graph.environment(), (clip ? clipInput : images).type(), shape);
        if (clip) {
            cachedClip = fresh;
        } else {
            cachedImages = fresh;
        }
        return fresh;
    }

    private void releaseCache() {
        if (cachedClip != null) {
            cachedClip.close();
            cachedClip = null;
        }
        if (cachedImages != null) {
            cachedImages.close();
            cachedImages = null;
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
