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
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = RgbImages.pixelArray(image);
        int plane = width * height;
        int red = offset;
        int green = offset + plane;
        int blue = offset + 2 * plane;
        for (int i = 0; i < plane; i++) {
            pixels[i] = toByte(source[red + i]) << 16 | toByte(source[green + i]) << 8 | toByte(source[blue + i]);
        }
        return image;
    }

    /**
     * As {@link #fromTensor(float[], int, int, int)}, reading the planes from a float buffer (for example ONNX
     * Runtime's output memory) from its index 0, without copying them first.
     *
     * @param source holds at least {@code 3 * width * height} floats; not modified, position unchanged
     * @throws IllegalArgumentException when a size is not positive or {@code source} is too short
     */
    public static BufferedImage fromTensor(java.nio.FloatBuffer source, int width, int height) {
        Objects.requireNonNull(source, "source");
        checkRange(source.limit(), 0, width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = RgbImages.pixelArray(image);
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            pixels[i] = toByte(source.get(i)) << 16 | toByte(source.get(plane + i)) << 8
                    | toByte(source.get(2 * plane + i));
        }
        return image;
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
