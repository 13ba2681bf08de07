package dev.imagine.engine.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * Builds small lossless WebP files by hand, because TwelveMonkeys only reads WebP and the JDK has no
 * WebP writer.
 *
 * <p>Layout from the WebP container and lossless bitstream specification (RFC 9649): a RIFF header,
 * then a {@code VP8L} chunk holding the signature byte 0x2F, width - 1 and height - 1 in 14 bits each,
 * the alpha hint bit and a 3-bit version 0. The image data follows with no transform, no colour cache
 * and no meta prefix codes, then five prefix codes (green, red, blue, alpha, distance). Each is a
 * "simple" code of one or two 8-bit symbols; with two symbols each gets a 1-bit code (the smaller symbol
 * 0, as canonical codes are assigned in symbol order), with one symbol no bits are spent. Each pixel is
 * then written as its green, red, blue and alpha codes. So every channel may hold at most two distinct
 * values, which is all these tests need. Bits are packed least significant first.
 */
final class WebPFixtures {

    private WebPFixtures() {
    }

    /** A lossless WebP of {@code argb} pixels (row-major, {@code 0xAARRGGBB}). */
    static byte[] lossless(int width, int height, int[] argb, boolean alphaUsed) {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8);
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(alphaUsed ? 1 : 0, 1);
        bits.write(0, 3);
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        int[] shifts = {8, 16, 0, 24}; // green, red, blue, alpha
        int[][] symbols = new int[4][];
        for (int c = 0; c < 4; c++) {
            TreeSet<Integer> values = new TreeSet<>();
            for (int p : argb) {
                values.add((p >>> shifts[c]) & 0xFF);
            }
            if (values.size() > 2) {
                throw new IllegalArgumentException("a channel has more than two values");
            }
            symbols[c] = values.stream().mapToInt(Integer::intValue).toArray();
            writeSimpleCode(bits, symbols[c]);
        }
        writeSimpleCode(bits, new int[] {0}); // distance code, never used
        for (int p : argb) {
            for (int c = 0; c < 4; c++) {
                if (symbols[c].length == 2) {
                    bits.write(((p >>> shifts[c]) & 0xFF) == symbols[c][0] ? 0 : 1, 1);
                }
            }
        }
        return riff("VP8L", bits.toByteArray());
    }

    /**
     * A lossless WebP header announcing {@code width x height}, followed by eight zero bytes instead of
     * image data (TwelveMonkeys' bit reader fetches 64 bits at a time, so the header alone would read as
     * cut off).
     */
    static byte[] losslessHeaderOnly(int width, int height) {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8);
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(0, 1);
        bits.write(0, 3);
        bits.write(0, 32);
        bits.write(0, 32);
        return riff("VP8L", bits.toByteArray());
    }

    private static void writeSimpleCode(BitWriter bits, int[] symbols) {
        bits.write(1, 1); // simple code length code
        bits.write(symbols.length - 1, 1);
        bits.write(1, 1); // first symbol in 8 bits
        bits.write(symbols[0], 8);
        if (symbols.length == 2) {
            bits.write(symbols[1], 8);
        }
    }

    private static byte[] riff(String fourCc, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int padded = payload.length + (payload.length & 1);
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(out, 4 + 8 + padded);
        out.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(out, payload.length);
        out.writeBytes(payload);
        if ((payload.length & 1) == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }

    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void write(int value, int count) {
            for (int i = 0; i < count; i++) {
                current |= ((value >>> i) & 1) << used;
                if (++used == 8) {
                    out.write(current);
                    current = 0;
                    used = 0;
                }
            }
        }

        byte[] toByteArray() {
            if (used > 0) {
                out.write(current);
                current = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
