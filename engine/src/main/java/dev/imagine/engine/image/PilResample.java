package dev.imagine.engine.image;

/**
 * Pillow's convolution resampling ({@code Image.resize} on an 8-bit RGB image, whole-image box, no reducing gap), so
 * a CLIP feature extractor's resize gives the same bytes as transformers' PIL path: per output pixel a filter
 * window scaled up when shrinking (antialiasing), weights normalised to sum 1 and turned into 22-bit fixed point,
 * a horizontal pass (when the width changes) into 8-bit rows, then a vertical pass (when the height changes), each
 * sum rounded and clamped to 0..255. Stateless and thread-safe.
 */
final class PilResample {
    /** Fixed-point bits of a weight: 32 bits less 8 for the sample and 2 for overflow, as Pillow reserves. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's resampling filters with their support radius. */
    enum Filter {
        BOX(0.5), BILINEAR(1.0), HAMMING(1.0), BICUBIC(2.0), LANCZOS(3.0);

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            switch (this) {
                case BOX:
                    return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR:
                    x = Math.abs(x);
                    return x < 1.0 ? 1.0 - x : 0.0;
                case HAMMING:
                    x = Math.abs(x);
                    if (x == 0.0) {
                        return 1.0;
                    }
                    if (x >= 1.0) {
                        return 0.0;
                    }
                    x = x * Math.PI;
                    return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
                case BICUBIC:
                    // Keys' cubic convolution with a = -0.5.
                    x = Math.abs(x);
                    if (x < 1.0) {
                        return ((-0.5 + 2.0) * x - (-0.5 + 3.0)) * x * x + 1;
                    }
                    if (x < 2.0) {
                        return (((x - 5) * x + 8) * x - 4) * -0.5;
                    }
                    return 0.0;
                case LANCZOS:
                    return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
                default:
                    throw new AssertionError(this);
            }
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            x = x * Math.PI;
            return Math.sin(x) / x;
        }
    }

    /** Per output position: the first input index, the number of inputs, and their fixed-point weights. */
    private record Coefficients(int[] first, int[] count, int[][] weights) {
    }

    private PilResample() {
    }

    /**
     * Resizes packed {@code 0xRRGGBB} pixels.
     *
     * @param rgb {@code width * height} pixels, row-major; not modified
     * @return {@code newWidth * newHeight} pixels
     */
    static int[] resize(int[] rgb, int width, int height, int newWidth, int newHeight, Filter filter) {
        if (width <= 0 || height <= 0 || newWidth <= 0 || newHeight <= 0) {
            throw new IllegalArgumentException("sizes must be positive, got " + width + "x" + height + " to "
                    + newWidth + "x" + newHeight);
        }
        int[] pixels = rgb;
        int rows = height;
        Coefficients vertical = coefficients(height, newHeight, filter);
        int firstRow = 0;
        if (newWidth != width) {
            // Only the rows the vertical pass reads are resampled, as Pillow does; the result is the same.
            firstRow = vertical.first[0];
            int lastRow = vertical.first[newHeight - 1] + vertical.count[newHeight - 1];
            rows = lastRow - firstRow;
            pixels = horizontal(pixels, width, firstRow, rows, newWidth, coefficients(width, newWidth, filter));
            width = newWidth;
        }
        if (newHeight != height) {
            return vertical(pixels, width, firstRow, newHeight, vertical);
        }
        return pixels == rgb ? rgb.clone() : pixels;
    }

    private static int[] horizontal(int[] in, int width, int firstRow, int rows, int newWidth, Coefficients c) {
        int[] out = new int[newWidth * rows];
        for (int y = 0; y < rows; y++) {
            int row = (y + firstRow) * width;
            for (int x = 0; x < newWidth; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                int[] w = c.weights[x];
                int start = c.first[x];
                for (int k = 0; k < c.count[x]; k++) {
                    int p = in[row + start + k];
                    r += ((p >> 16) & 0xFF) * w[k];
                    g += ((p >> 8) & 0xFF) * w[k];
                    b += (p & 0xFF) * w[k];
                }
                out[y * newWidth + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    private static int[] vertical(int[] in, int width, int firstRow, int newHeight, Coefficients c) {
        int[] out = new int[width * newHeight];
        for (int y = 0; y < newHeight; y++) {
            int[] w = c.weights[y];
            int start = c.first[y] - firstRow;
            for (int x = 0; x < width; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int k = 0; k < c.count[y]; k++) {
                    int p = in[(start + k) * width + x];
                    r += ((p >> 16) & 0xFF) * w[k];
                    g += ((p >> 8) & 0xFF) * w[k];
                    b += (p & 0xFF) * w[k];
                }
                out[y * width + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    /** The fixed-point sum back to a byte: an arithmetic shift, clamped. */
    private static int clip8(int sum) {
        int value = sum >> PRECISION_BITS;
        return value < 0 ? 0 : Math.min(value, 255);
    }

    /** Pillow's window per output position over the whole input {@code [0, inSize)}. */
    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double inverse = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double[] k = new double[Math.max(0, xmax)];
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * inverse);
                k[x] = w;
                sum += w;
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double normalised = sum != 0.0 ? k[x] / sum : k[x];
                fixed[x] = (int) (normalised < 0 ? -0.5 + normalised * (1 << PRECISION_BITS)
                        : 0.5 + normalised * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = k.length;
            weights[xx] = fixed;
        }
        return new Coefficients(first, count, weights);
    }
}
