package dev.imagine.engine.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Converts between images and channel-major float tensors in [-1, 1], with the same float32 arithmetic as
 * diffusers' {@code VaeImageProcessor}, so the numbers match it bit for bit.
 *
 * <p>Both directions run once per generation; they do not allocate per pixel. Stateless and thread-safe.
 */
public final class ImageTensors {

    /** {@code 2 * (p / 255) - 1} in float32 for every byte value {@code p}. */
    private static final float[] NORMALISED = new float[256];

    static {
        for (int p = 0; p < 256; p++) {
            float v = (float) p / 255f;
            NORMALISED[p] = 2f * v - 1f;
        }
    }

    private ImageTensors() {
    }

    /**
     * Writes {@code image} as three planes (red, green, blue), each {@code height x width} row-major, into
     * {@code target} from {@code offset}; sample {@code p} becomes {@code 2f * ((float) p / 255f) - 1f}.
     * Non-RGB images are first converted as {@link ImageDecoder#decode} does.
     *
     * @param image  the pixels; not modified
     * @param target receives {@code 3 * width * height} floats; nothing else is written
     * @throws IllegalArgumentException when {@code target} is too short from {@code offset}
     */
    public static void toTensor(BufferedImage image, float[] target, int offset) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(target, "target");
        int plane = image.getWidth() * image.getHeight();
        checkRange(target.length, offset, image.getWidth(), image.getHeight());
        int[] pixels = RgbImages.readPixels(image);
        int red = offset;
        int green = offset + plane;
        int blue = offset + 2 * plane;
        for (int i = 0; i < plane; i++) {
            int p = pixels[i];
            target[red + i] = NORMALISED[(p >>> 16) & 0xFF];
            target[green + i] = NORMALISED[(p >>> 8) & 0xFF];
            target[blue + i] = NORMALISED[p & 0xFF];
        }
    }

    /**
     * Reads three planes (red, green, blue) of {@code height x width} floats from {@code source} at
     * {@code offset} into a new {@code TYPE_INT_RGB} image: each value {@code v} becomes
     * {@code rint(clamp(v / 2f + 0.5f, 0, 1) * 255f)}, rounding halves to even as numpy does.
     * NaN becomes 0.
     *
     * @param source not modified
     * @throws IllegalArgumentException when a size is not positive or {@code source} is too short
     */
    public static BufferedImage fromTensor(float[] source, int offset, int width, int height) {
        Objects.requireNonNull(source, "source");
        checkRange(source.length, offset, width, height);
        return fromPlanes((from, target, length) -> System.arraycopy(source, offset + from, target, 0, length), width,
                height);
    }

    /**
     * As {@link #fromTensor(float[], int, int, int)}, reading the planes from a float buffer (for example ONNX
     * Runtime's output memory) from its index 0, a chunk at a time rather than copying the whole tensor first.
     *
     * @param source holds at least {@code 3 * width * height} floats; not modified, position unchanged
     * @throws IllegalArgumentException when a size is not positive or {@code source} is too short
     */
    public static BufferedImage fromTensor(java.nio.FloatBuffer source, int width, int height) {
        Objects.requireNonNull(source, "source");
        checkRange(source.limit(), 0, width, height);
        return fromPlanes((from, target, length) -> source.get(from, target, 0, length), width, height);
    }

    /** Copies {@code length} floats of the planes, from index {@code from}, to the start of {@code target}. */
    @FunctionalInterface
    private interface PlaneReader {
        void read(int from, float[] target, int length);
    }

    /** Pixels per chunk: three chunk arrays of floats stay in the L1/L2 cache. */
    private static final int CHUNK = 4096;

    /**
     * The conversion of {@link #fromTensor(float[], int, int, int)}, a chunk of each plane at a time: the float
     * arithmetic runs over plain arrays, where the JIT uses vector instructions, and the packing reads the results.
     * Each value is {@code toByte}'s, bit for bit: {@code v * 0.5f} equals {@code v / 2f}, and {@code (int)} of the
     * float {@code 2^23 + n} (already rounded half to even by the addition) is {@code 2^23 + n}, or 0 for NaN.
     */
    private static BufferedImage fromPlanes(PlaneReader planes, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = RgbImages.pixelArray(image);
        int plane = width * height;
        int chunk = Math.min(CHUNK, plane);
        float[] red = new float[chunk];
        float[] green = new float[chunk];
        float[] blue = new float[chunk];
        for (int start = 0; start < plane; start += chunk) {
            int n = Math.min(chunk, plane - start);
            planes.read(start, red, n);
            planes.read(plane + start, green, n);
            planes.read(2 * plane + start, blue, n);
            toRounded(red, n);
            toRounded(green, n);
            toRounded(blue, n);
            for (int i = 0; i < n; i++) {
                pixels[start + i] = ((int) red[i] & 0xFF) << 16 | ((int) green[i] & 0xFF) << 8 | ((int) blue[i] & 0xFF);
            }
        }
        return image;
    }

    /** {@code clamp(v * 0.5f + 0.5f, 0, 1) * 255f + 2^23} in place: the byte in the low bits, NaN kept. */
    private static void toRounded(float[] values, int n) {
        for (int k = 0; k < n; k++) {
            values[k] = Math.min(Math.max(values[k] * 0.5f + 0.5f, 0f), 1f) * 255f + 0x1.0p23f;
        }
    }

    static int toByte(float value) {
        // Branch-free so the loop stays fast: max/min clamp to [0, 1]; NaN passes through them and becomes 0 below.
        float x = Math.min(Math.max(value / 2f + 0.5f, 0f), 1f);
        // Adding 2^23 leaves a float whose unit is 1, so the hardware's round-half-to-even does numpy's rint, and
        // the integer sits in the low mantissa bits (floatToIntBits maps every NaN to 0x7fc00000, low byte 0).
        return Float.floatToIntBits(x * 255f + 0x1.0p23f) & 0xFF;
    }

    private static void checkRange(int length, int offset, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long needed = 3L * width * height;
        if (offset < 0 || offset + needed > length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB tensor needs " + needed
                    + " floats from offset " + offset + ", but the array has " + length);
        }
    }
}
