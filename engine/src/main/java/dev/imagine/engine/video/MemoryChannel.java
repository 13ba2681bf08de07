package dev.imagine.engine.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jcodec.common.io.SeekableByteChannel;

/** A growing in-memory file for JCodec's muxer, which seeks back to write the header. Not thread-safe. */
final class MemoryChannel implements SeekableByteChannel {
    private byte[] data = new byte[1 << 16];
    private int size;
    private int position;
    private boolean open = true;

    @Override
    public int read(ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = Math.min(dst.remaining(), size - position);
        dst.put(data, position, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        int end = position + n;
        if (end > data.length) {
            data = Arrays.copyOf(data, Math.max(end, data.length * 2));
        }
        src.get(data, position, n);
        position = end;
        size = Math.max(size, end);
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel setPosition(long newPosition) {
        position = Math.toIntExact(newPosition);
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        size = Math.min(size, Math.toIntExact(newSize));
        position = Math.min(position, size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
    }

    /** The bytes written. */
    byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }
}
