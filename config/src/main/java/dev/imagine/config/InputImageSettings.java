package dev.imagine.config;

/**
 * Limits on a picture a user sends for image-to-image (key {@code engine.input-image}). Adapters refuse a larger
 * attachment before downloading it; the engine checks the pixels from the header before decoding.
 *
 * @param maxSize the largest file in bytes, 1K to 100M (key {@code engine.input-image.max-size}, default 10M)
 * @param maxPixels the largest width times height, {@value #MIN_PIXELS} to {@value #MAX_PIXELS} (key
 *     {@code engine.input-image.max-pixels}, default {@value #DEFAULT_MAX_PIXELS}, 4096 x 4096)
 */
public record InputImageSettings(long maxSize, long maxPixels) {

    /** Default {@code max-size}: 10M (10 x 1024 x 1024 bytes). */
    public static final long DEFAULT_MAX_SIZE = 10L << 20;
    /** Smallest {@code max-size}. */
    public static final long MIN_SIZE = 1L << 10;
    /** Largest {@code max-size}. */
    public static final long MAX_SIZE = 100L << 20;
    /** Default {@code max-pixels}. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    /** Smallest {@code max-pixels}: 64 x 64. */
    public static final long MIN_PIXELS = 64L * 64L;
    /** Largest {@code max-pixels}: 16384 x 16384. */
    public static final long MAX_PIXELS = 16384L * 16384L;

    /** What {@code max-size} allows, for messages. */
    static final String MAX_SIZE_ALLOWED = Rules.sizeRange(MIN_SIZE, MAX_SIZE, "10M");

    /** Checks ranges. */
    public InputImageSettings {
        Rules.between("engine.input-image.max-size", maxSize, MIN_SIZE, MAX_SIZE, MAX_SIZE_ALLOWED);
        Rules.between("engine.input-image.max-pixels", maxPixels, MIN_PIXELS, MAX_PIXELS,
                Rules.wholeNumber(MIN_PIXELS, MAX_PIXELS));
    }

    /** 10M and 4096 x 4096 pixels. */
    public static InputImageSettings defaults() {
        return new InputImageSettings(DEFAULT_MAX_SIZE, DEFAULT_MAX_PIXELS);
    }
}
