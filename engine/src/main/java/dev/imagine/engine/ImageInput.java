package dev.imagine.engine;

import dev.imagine.engine.image.ImageDecoder;
import dev.imagine.engine.image.ImageLimits;
import dev.imagine.engine.image.InvalidImageException;
import java.awt.image.BufferedImage;

/**
 * Decodes untrusted init images (img2img) with limits checked before any pixel is decoded: file size first, then
 * the width and height from the header (a decompression-bomb guard). PNG, JPEG and WebP are accepted.
 */
public final class ImageInput {
    /** Default byte limit: 10 MB. */
    public static final long DEFAULT_MAX_BYTES = ImageLimits.DEFAULT.maxBytes();
    /** Default pixel limit: 4096 x 4096. */
    public static final long DEFAULT_MAX_PIXELS = ImageLimits.DEFAULT.maxPixels();

    private ImageInput() {
    }

    /**
     * The generation parameters a PNG carries in its {@code parameters} text chunk (AUTOMATIC1111's format), if any.
     * Reads only the chunks before the image data; a damaged file yields empty.
     */
    public static java.util.Optional<String> parameters(byte[] png) {
        try {
            return java.util.Optional.ofNullable(dev.imagine.engine.image.PngCodec.readPngText(png)
                    .get(GeneratedImage.PARAMETERS_KEY));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Decodes with the default limits.
     *
     * @throws IllegalArgumentException with a sentence for the user: too large, too many pixels, not a PNG, JPEG or
     *     WebP image, or damaged
     */
    public static BufferedImage decode(byte[] data) {
        return decode(data, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes with the given limits; the result is 8-bit RGB (alpha dropped).
     *
     * @throws IllegalArgumentException with a sentence for the user when the image is refused
     */
    public static BufferedImage decode(byte[] data, long maxBytes, long maxPixels) {
        try {
            return ImageDecoder.decode(data, new ImageLimits(maxBytes, maxPixels));
        } catch (InvalidImageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
