package dev.imagine.engine.image;

import com.twelvemonkeys.image.ResampleOp;
import java.awt.image.BufferedImage;
import java.util.Objects;

/** Resizes images with a Lanczos filter (TwelveMonkeys {@link ResampleOp}). Stateless and thread-safe. */
public final class ImageResizer {

    private ImageResizer() {
    }

    /**
     * Resamples {@code source} to {@code width x height} with a Lanczos filter, ignoring the aspect ratio;
     * when the size is unchanged, returns an RGB copy without resampling.
     *
     * @param source not modified
     * @return a new {@code TYPE_INT_RGB} image, never {@code source}
     * @throws IllegalArgumentException when a size is not positive
     */
    public static BufferedImage resizeLanczos(BufferedImage source, int width, int height) {
        Objects.requireNonNull(source, "source");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (source.getWidth() == width && source.getHeight() == height) {
            return RgbImages.copyToIntRgb(source);
        }
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        new ResampleOp(width, height, ResampleOp.FILTER_LANCZOS).filter(RgbImages.asIntRgb(source), target);
        return target;
    }
}
