package dev.imagine.engine.image;

/**
 * A width and height in pixels, both positive.
 *
 * @param width  pixels across
 * @param height pixels down
 */
public record PixelSize(int width, int height) {

    /** Validates the size. */
    public PixelSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }

    /**
     * The largest multiple of {@code multiple} that is not above {@code value}.
     *
     * @throws IllegalArgumentException when {@code value} is negative or {@code multiple} is not positive
     */
    public static int snapDown(int value, int multiple) {
        if (multiple <= 0) {
            throw new IllegalArgumentException("multiple must be positive, got " + multiple);
        }
        if (value < 0) {
            throw new IllegalArgumentException("value must not be negative, got " + value);
        }
        return value - value % multiple;
    }

    /**
     * The size to generate at for an image of this size when the user gave none: this size scaled down
     * (keeping the aspect ratio) until the long side is at most {@code maxSide}, or scaled up until the
     * short side is {@code minSide} if it is shorter, then each side snapped down to a multiple of 8.
     * Sides end up between {@code minSide} and {@code maxSide}, so an image more elongated than
     * {@code maxSide : minSide} loses some of its aspect ratio.
     *
     * @param maxSide the longest side allowed, at least {@code minSide}
     * @param minSide the shortest side allowed: a positive multiple of 8, e.g. 64
     * @throws IllegalArgumentException when the bounds are invalid
     */
    public PixelSize fitWithin(int maxSide, int minSide) {
        if (minSide <= 0 || minSide % 8 != 0) {
            throw new IllegalArgumentException("the minimum side must be a positive multiple of 8, got " + minSide);
        }
        if (maxSide < minSide) {
            throw new IllegalArgumentException(
                    "the maximum side " + maxSide + " is below the minimum side " + minSide);
        }
        long longSide = Math.max(width, height);
        long shortSide = Math.min(width, height);
        long numerator = 1;
        long denominator = 1;
        if (longSide > maxSide) {
            numerator = maxSide;
            denominator = longSide;
        }
        if (shortSide * numerator / denominator < minSide) {
            numerator = minSide;
            denominator = shortSide;
        }
        int upper = snapDown(maxSide, 8);
        return new PixelSize(scaleSide(width, numerator, denominator, minSide, upper),
                scaleSide(height, numerator, denominator, minSide, upper));
    }

    private static int scaleSide(int side, long numerator, long denominator, int lower, int upper) {
        long scaled = Math.min(side * numerator / denominator, upper);
        return Math.max(lower, snapDown((int) scaled, 8));
    }
}
