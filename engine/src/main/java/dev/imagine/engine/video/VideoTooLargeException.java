package dev.imagine.engine.video;

/** Even the smallest encoding is over the size limit; the message says by how much and what to change. */
public final class VideoTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    VideoTooLargeException(String message) {
        super(message);
    }
}
