package dev.imagine.engine.image;

/**
 * How big an untrusted image may be before {@link ImageDecoder#decode} refuses it.
 *
 * @param maxBytes  the largest file size in bytes, positive
 * @param maxPixels the largest width times height, positive; checked from the header before any pixel
 *                  is decoded
 */
public record ImageLimits(long maxBytes, long maxPixels) {

    /** 10 MB (10,000,000 bytes) and 4096x4096 pixels (16.8 megapixels). */
    public static final ImageLimits DEFAULT = new ImageLimits(10_000_000L, 4096L * 4096L);

    /** Validates both limits. */
    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the image file size limit must be positive, got " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("the image pixel limit must be positive, got " + maxPixels);
        }
    }
}
