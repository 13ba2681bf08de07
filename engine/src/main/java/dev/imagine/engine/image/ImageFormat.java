package dev.imagine.engine.image;

/** The formats {@link ImageDecoder} reads, recognised by their first bytes. */
enum ImageFormat {
    PNG("png"),
    JPEG("jpeg"),
    WEBP("webp");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format name ImageIO registers readers under. */
    String imageIoName() {
        return imageIoName;
    }

    /** The format whose magic bytes {@code data} starts with, or {@code null} if none matches. */
    static ImageFormat detect(byte[] data) {
        if (startsWith(data, 0, PNG_SIGNATURE)) {
            return PNG;
        }
        if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (startsWith(data, 0, new byte[] {'R', 'I', 'F', 'F'}) && startsWith(data, 8, new byte[] {'W', 'E', 'B', 'P'})) {
            return WEBP;
        }
        return null;
    }

    /**
     * Whether a WebP file's RIFF size and chunk sizes fit inside {@code data}. TwelveMonkeys' lossless
     * decoder returns a partly blank image instead of failing when the file is cut off, so a truncated
     * WebP file has to be recognised by its container.
     */
    static boolean isCompleteRiff(byte[] data) {
        long end = 8 + littleEndian(data, 4);
        if (end > data.length || end < 12) {
            return false;
        }
        long position = 12;
        while (position < end) {
            if (end - position < 8) {
                return false;
            }
            long chunkEnd = position + 8 + littleEndian(data, (int) position + 4);
            if (chunkEnd > end) {
                return false;
            }
            position = chunkEnd + (chunkEnd & 1);
        }
        return true;
    }

    private static long littleEndian(byte[] data, int offset) {
        return (data[offset] & 0xFFL) | (data[offset + 1] & 0xFFL) << 8 | (data[offset + 2] & 0xFFL) << 16
                | (data[offset + 3] & 0xFFL) << 24;
    }

    static boolean isPng(byte[] data) {
        return startsWith(data, 0, PNG_SIGNATURE);
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        if (data.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
