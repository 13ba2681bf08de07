package dev.imagine.engine.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Reads and crafts raw PNG chunks for tests, following the PNG specification's chunk layout. */
final class PngBytes {

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** One chunk: its four-letter type and data. */
    record Chunk(String type, byte[] data) {
    }

    private PngBytes() {
    }

    /** The chunks of a well-formed PNG file, in order. */
    static List<Chunk> chunks(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.position(SIGNATURE.length);
        List<Chunk> chunks = new ArrayList<>();
        while (buffer.remaining() >= 12) {
            int length = buffer.getInt();
            byte[] type = new byte[4];
            buffer.get(type);
            byte[] data = new byte[length];
            buffer.get(data);
            buffer.getInt();
            chunks.add(new Chunk(new String(type, StandardCharsets.US_ASCII), data));
        }
        return chunks;
    }

    static List<String> chunkTypes(byte[] png) {
        return chunks(png).stream().map(Chunk::type).toList();
    }

    /** A PNG file made of the signature and these chunks, each with a correct CRC. */
    static byte[] png(Chunk... chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        for (Chunk chunk : chunks) {
            out.writeBytes(chunkBytes(chunk.type(), chunk.data()));
        }
        return out.toByteArray();
    }

    static byte[] chunkBytes(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** An IHDR chunk: 8-bit RGB unless told otherwise. */
    static Chunk ihdr(int width, int height) {
        return new Chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
    }

    static Chunk iend() {
        return new Chunk("IEND", new byte[0]);
    }

    static Chunk chunk(String type, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return new Chunk(type, out.toByteArray());
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 1024];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Arrays.copyOf(buffer, length);
    }
}
