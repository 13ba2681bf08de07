package dev.imagine.engine.image;

/**
 * PNG's Paeth row filter, the one the encoder uses for every row. On generated pictures and photos it gives the
 * same compressed size as choosing the best of the five filters per row (the sum-of-absolute-values heuristic
 * picks it for almost every row) at a fifth of the cost.
 */
final class PngFilters {

    /** The Paeth filter's type byte. */
    static final int PAETH = 4;

    private PngFilters() {
    }

    /**
     * Writes the Paeth type byte and {@code row} filtered with it into {@code out} from {@code offset}
     * ({@code row.length + 1} bytes).
     *
     * @param previous the unfiltered row above, all zeros for the first row
     */
    static void paethRow(byte[] row, byte[] previous, int bytesPerPixel, byte[] out, int offset) {
        out[offset] = (byte) PAETH;
        int o = offset + 1;
        int first = Math.min(bytesPerPixel, row.length);
        for (int i = 0; i < first; i++) {
            // No pixel to the left (a = c = 0): Paeth predicts b, the byte above.
            out[o + i] = (byte) (row[i] - previous[i]);
        }
        for (int i = first; i < row.length; i++) {
            out[o + i] = (byte) (row[i] - paeth(row[i - bytesPerPixel] & 0xFF, previous[i] & 0xFF,
                    previous[i - bytesPerPixel] & 0xFF));
        }
    }

    /** The Paeth predictor: of a (left), b (above) and c (upper left), the one nearest to a + b - c. */
    static int paeth(int a, int b, int c) {
        // The distances from p = a + b - c to a, b and c.
        int pa = Math.abs(b - c);
        int pb = Math.abs(a - c);
        int pc = Math.abs(a + b - c - c);
        // a when pa <= pb and pa <= pc, else b when pb <= pc, else c; written as selects the JIT can turn into
        // conditional moves, since on image data the branches are unpredictable.
        int nearer = pa <= pb ? a : b;
        int distance = pa <= pb ? pa : pb;
        return distance <= pc ? nearer : c;
    }
}
