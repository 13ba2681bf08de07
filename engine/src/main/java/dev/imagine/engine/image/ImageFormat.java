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
