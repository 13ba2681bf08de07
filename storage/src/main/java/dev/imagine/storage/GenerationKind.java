package dev.imagine.storage;

import java.util.Locale;

/** What a generation does; stored by {@link #id()}. */
public enum GenerationKind {
    /** Text to image. */
    TXT2IMG,
    /** Image to image from an init image. */
    IMG2IMG,
    /** A variation of an earlier image (its parent). */
    VARIATION,
    /** An enlarged copy of an earlier image (its parent). */
    UPSCALE,
    /**
     * Frames travelling between keyframes: images {@code 0..N-1} are the frames (PNG), image {@code N} the video file
     * (MP4 or GIF).
     */
    ANIMATION;

    /** The stored name, e.g. {@code txt2img}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static GenerationKind fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
