package dev.imagine.engine.image;

/** The five PNG row filters and the usual heuristic for choosing between them. */
final class PngFilters {

    private PngFilters() {
    }

    /**
     * Filters {@code row} with each filter type into {@code candidates[type]} (filter byte first) and
     * returns the candidate with the smallest sum of absolute values of its bytes read as signed,
     * the first one on ties.
     *
     * @param previous the unfiltered row above, all zeros for the first row
     */
    static byte[] bestFilteredRow(byte[] row, byte[] previous, int bytesPerPixel, byte[][] candidates) {
        int length = row.length;
        long bestCost = Long.MAX_VALUE;
        byte[] best = null;
        for (int type = 0; type < 5; type++) {
            byte[] out = candidates[type];
            out[0] = (byte) type;
            long cost = 0;
            for (int i = 0; i < length; i++) {
                int x = row[i] & 0xFF;
                int a = i >= bytesPerPixel ? row[i - bytesPerPixel] & 0xFF : 0;
                int b = previous[i] & 0xFF;
                int c = i >= bytesPerPixel ? previous[i - bytesPerPixel] & 0xFF : 0;
                int predicted = switch (type) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) >>> 1;
                    default -> paeth(a, b, c);
                };
                byte filtered = (byte) (x - predicted);
                out[i + 1] = filtered;
                cost += Math.abs(filtered);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = out;
            }
        }
        return best;
    }

    static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }
}
