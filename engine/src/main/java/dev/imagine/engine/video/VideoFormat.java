package dev.imagine.engine.video;

import java.util.Locale;

/** The file types an animation can be written as. */
public enum VideoFormat {
    /** H.264 (baseline profile, yuv420p) in an MP4 container, constant frame rate, no audio; plays inline in chats. */
    MP4("mp4", "video/mp4"),
    /** Animated GIF that loops forever, one palette per frame, no dithering. */
    GIF("gif", "image/gif");

    private final String extension;
    private final String mediaType;

    VideoFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** The MIME type. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * The format a file name asks for by its extension.
     *
     * @throws IllegalArgumentException with a sentence naming the formats when the extension is none of them (animated
     *     WebP included: no maintained Java library writes it)
     */
    public static VideoFormat forFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (VideoFormat format : values()) {
            if (lower.endsWith("." + format.extension)) {
                return format;
            }
        }
        if (lower.endsWith(".webp")) {
            throw new IllegalArgumentException("animated WebP is not available (no maintained Java library writes it); "
                    + "use .mp4 or .gif");
        }
        throw new IllegalArgumentException("an animation is written as .mp4 or .gif, not '" + fileName + "'");
    }
}
