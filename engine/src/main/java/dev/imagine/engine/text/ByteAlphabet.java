package dev.imagine.engine.text;

/**
 * CLIP's reversible map from the 256 byte values to printable characters ({@code bytes_to_unicode}).
 *
 * <p>Printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for themselves; the other 68
 * bytes get the characters U+0100 upwards, in byte order. No symbol is whitespace, so BPE symbols never
 * contain a space.
 */
final class ByteAlphabet {
    private static final char[] SYMBOLS = new char[256];
    private static final int[] BYTES;

    static {
        char next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            SYMBOLS[b] = printable ? (char) b : next++;
        }
        BYTES = new int[next];
        java.util.Arrays.fill(BYTES, -1);
        for (int b = 0; b < 256; b++) {
            BYTES[SYMBOLS[b]] = b;
        }
    }

    private ByteAlphabet() {
    }

    /** The symbol standing for byte {@code b} (0..255). */
    static char symbol(int b) {
        return SYMBOLS[b];
    }

    /** The byte a symbol stands for, or -1 if {@code c} is not a byte symbol. */
    static int byteOf(char c) {
        return c < BYTES.length ? BYTES[c] : -1;
    }
}
