package dev.imagine.engine.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Writes 8-bit RGB PNG files with text chunks (AUTOMATIC1111 keeps its {@code parameters} there) and
 * reads those text chunks back.
 *
 * <p>Stateless and thread-safe.
 */
public final class PngCodec {

    /** Text chunks larger than this after decompression are refused, so a tiny zTXt cannot fill the heap. */
    static final int MAX_TEXT_BYTES = 1 << 20;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** With the Huffman-only strategy any level from 1 up gives the same stream. */
    private static final int DEFLATE_LEVEL = 1;
    private static final int BYTES_PER_PIXEL = 3;

    private PngCodec() {
    }

    /**
     * Encodes {@code image} as an 8-bit RGB PNG (alpha dropped) with one text chunk per entry of
     * {@code text}, in the map's iteration order, before the image data: {@code tEXt} when key and value
     * are Latin-1, otherwise an uncompressed UTF-8 {@code iTXt} chunk, as PIL writes them. The same pixels
     * and text always give the same bytes.
     *
     * @param image the pixels; not modified
     * @param text  keywords (1 to 79 printable Latin-1 characters, no leading, trailing or double spaces)
     *              to values (no NUL characters); may be empty
     * @throws IllegalArgumentException naming the entry when a keyword or value cannot be stored
     */
    public static byte[] encodePng(BufferedImage image, Map<String, String> text) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
        int width = image.getWidth();
        int height = image.getHeight();
        ByteArrayOutputStream out = new ByteArrayOutputStream(initialCapacity(width, height));
        out.writeBytes(SIGNATURE);
        writeChunk(out, "IHDR", header(width, height));
        for (Map.Entry<String, String> entry : text.entrySet()) {
            writeTextChunk(out, entry.getKey(), entry.getValue());
        }
        writeChunk(out, "IDAT", compressedRows(RgbImages.readPixels(image), width, height));
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * Reads the {@code tEXt}, {@code zTXt} and {@code iTXt} chunks of a PNG file, in file order; a later
     * chunk with the same keyword replaces an earlier one, as in PIL's {@code info}. Pixels are not decoded.
     *
     * @param png the whole file; not modified
     * @return keyword to text, in the order the keywords first appear
     * @throws InvalidImageException (unchecked) when the data is not a PNG file, is cut off inside a chunk,
     *                               has a text chunk with a bad checksum or layout, or a text chunk that
     *                               inflates to more than 1 MiB
     */
    public static Map<String, String> readPngText(byte[] png) {
        Objects.requireNonNull(png, "png");
        if (!ImageFormat.isPng(png)) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_FORMAT,
                    "this file is not a PNG image", null);
        }
        Map<String, String> text = new LinkedHashMap<>();
        int position = SIGNATURE.length;
        while (position < png.length) {
            if (png.length - position < 12) {
                throw InvalidImageException.damaged(null);
            }
            long length = readInt(png, position) & 0xFFFFFFFFL;
            if (length > png.length - position - 12L) {
                throw InvalidImageException.damaged(null);
            }
            String type = new String(png, position + 4, 4, StandardCharsets.ISO_8859_1);
            int dataStart = position + 8;
            int dataEnd = dataStart + (int) length;
            if (type.equals("IEND")) {
                break;
            }
            if (type.equals("tEXt") || type.equals("zTXt") || type.equals("iTXt")) {
                CRC32 crc = new CRC32();
                crc.update(png, position + 4, 4 + (int) length);
                if ((int) crc.getValue() != readInt(png, dataEnd)) {
                    throw InvalidImageException.damaged(null);
                }
                parseTextChunk(type, png, dataStart, dataEnd, text);
            }
            position = dataEnd + 4;
        }
        return text;
    }

    private static byte[] header(int width, int height) {
        byte[] header = new byte[13];
        writeInt(header, 0, width);
        writeInt(header, 4, height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        return header; // compression, filter and interlace methods 0
    }

    private static void writeTextChunk(ByteArrayOutputStream out, String keyword, String value) {
        Objects.requireNonNull(keyword, "text keyword");
        Objects.requireNonNull(value, () -> "text value of '" + keyword + "'");
        checkKeyword(keyword);
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PNG text '" + keyword + "' contains a NUL character");
        }
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(keyword.length() + value.length() + 8);
        chunk.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        chunk.write(0);
        if (isLatin1(value)) {
            chunk.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
            writeChunk(out, "tEXt", chunk.toByteArray());
        } else {
            chunk.write(0); // compression flag: uncompressed
            chunk.write(0); // compression method
            chunk.write(0); // empty language tag
            chunk.write(0); // empty translated keyword
            chunk.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            writeChunk(out, "iTXt", chunk.toByteArray());
        }
    }

    private static void checkKeyword(String keyword) {
        boolean valid = !keyword.isEmpty() && keyword.length() <= 79
                && !keyword.startsWith(" ") && !keyword.endsWith(" ") && !keyword.contains("  ");
        for (int i = 0; valid && i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            valid = (c >= 0x20 && c <= 0x7E) || (c >= 0xA1 && c <= 0xFF);
        }
        if (!valid) {
            throw new IllegalArgumentException("PNG text keyword '" + keyword + "' must be 1 to 79 printable"
                    + " Latin-1 characters without leading, trailing or double spaces");
        }
    }

    private static boolean isLatin1(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /**
     * Filters each row with Paeth, then deflates the whole with Huffman coding only (no string matching). After
     * that filter most bytes are small differences, so string matching gains little: on generated pictures and
     * photos the files come out about as small as with per-row filter choice and zlib's default level 6 (within a
     * few percent either way) in a sixth of the time.
     */
    private static byte[] compressedRows(int[] pixels, int width, int height) {
        int rowBytes = width * BYTES_PER_PIXEL;
        byte[] previous = new byte[rowBytes];
        byte[] current = new byte[rowBytes];
        byte[] filtered = new byte[height * (rowBytes + 1)];
        for (int y = 0, p = 0; y < height; y++) {
            for (int i = 0; i < rowBytes; i += 3, p++) {
                int rgb = pixels[p];
                current[i] = (byte) (rgb >>> 16);
                current[i + 1] = (byte) (rgb >>> 8);
                current[i + 2] = (byte) rgb;
            }
            PngFilters.paethRow(current, previous, BYTES_PER_PIXEL, filtered, y * (rowBytes + 1));
            byte[] swap = previous;
            previous = current;
            current = swap;
        }
        Deflater deflater = new Deflater(DEFLATE_LEVEL);
        try {
            deflater.setStrategy(Deflater.HUFFMAN_ONLY);
            deflater.setInput(filtered);
            deflater.finish();
            byte[] out = new byte[initialCapacity(width, height)];
            int length = 0;
            while (!deflater.finished()) {
                if (length == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                length += deflater.deflate(out, length, out.length - length);
            }
            return Arrays.copyOf(out, length);
        } finally {
            deflater.end();
        }
    }

    /** About a third of the raw size, which is typical for generated images, capped at 16 MiB. */
    private static int initialCapacity(int width, int height) {
        return (int) Math.min(1 << 24, (long) width * height + 1024);
    }

    private static void parseTextChunk(String type, byte[] png, int start, int end, Map<String, String> text) {
        int keywordEnd = indexOfNul(png, start, end);
        if (keywordEnd < 0 || keywordEnd == start || keywordEnd - start > 79) {
            throw InvalidImageException.damaged(null);
        }
        String keyword = new String(png, start, keywordEnd - start, StandardCharsets.ISO_8859_1);
        int pos = keywordEnd + 1;
        switch (type) {
            case "tEXt" -> text.put(keyword, new String(png, pos, end - pos, StandardCharsets.ISO_8859_1));
            case "zTXt" -> {
                if (pos >= end || png[pos] != 0) {
                    throw InvalidImageException.damaged(null);
                }
                text.put(keyword, new String(inflate(png, pos + 1, end), StandardCharsets.ISO_8859_1));
            }
            default -> {
                if (end - pos < 2) {
                    throw InvalidImageException.damaged(null);
                }
                int flag = png[pos];
                boolean compressed = flag == 1;
                int method = png[pos + 1];
                int languageEnd = indexOfNul(png, pos + 2, end);
                int translatedEnd = languageEnd < 0 ? -1 : indexOfNul(png, languageEnd + 1, end);
                if (translatedEnd < 0 || flag < 0 || flag > 1 || (compressed && method != 0)) {
                    throw InvalidImageException.damaged(null);
                }
                byte[] utf8 = compressed
                        ? inflate(png, translatedEnd + 1, end)
                        : Arrays.copyOfRange(png, translatedEnd + 1, end);
                text.put(keyword, new String(utf8, StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] inflate(byte[] data, int start, int end) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, start, end - start);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int count = inflater.inflate(buffer);
                if (count == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw InvalidImageException.damaged(null);
                }
                if (out.size() + count > MAX_TEXT_BYTES) {
                    throw new InvalidImageException(InvalidImageException.Reason.DAMAGED,
                            "a text chunk in this PNG is larger than 1 MiB when decompressed", null);
                }
                out.write(buffer, 0, count);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw InvalidImageException.damaged(e);
        } finally {
            inflater.end();
        }
    }

    private static int indexOfNul(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        byte[] number = new byte[4];
        writeInt(number, 0, data.length);
        out.writeBytes(number);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        writeInt(number, 0, (int) crc.getValue());
        out.writeBytes(number);
    }

    private static void writeInt(byte[] target, int offset, int value) {
        target[offset] = (byte) (value >>> 24);
        target[offset + 1] = (byte) (value >>> 16);
        target[offset + 2] = (byte) (value >>> 8);
        target[offset + 3] = (byte) value;
    }

    private static int readInt(byte[] data, int offset) {
        return (data[offset] & 0xFF) << 24 | (data[offset + 1] & 0xFF) << 16
                | (data[offset + 2] & 0xFF) << 8 | (data[offset + 3] & 0xFF);
    }
}
