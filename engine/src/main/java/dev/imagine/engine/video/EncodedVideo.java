package dev.imagine.engine.video;

/**
 * A finished video file.
 *
 * @param bytes the file; shared, do not change it
 * @param format its type
 * @param width frame width in pixels (even)
 * @param height frame height in pixels (even)
 * @param frames number of frames
 * @param fps frames per second, constant
 * @param reduced whether a smaller encoding than the first choice was needed to fit the size limit (lower quality
 *     or half size)
 */
public record EncodedVideo(byte[] bytes, VideoFormat format, int width, int height, int frames, int fps,
        boolean reduced) {

    /** The file name for {@code stem}, e.g. {@code animation.mp4}. */
    public String fileName(String stem) {
        return stem + "." + format.extension();
    }
}
