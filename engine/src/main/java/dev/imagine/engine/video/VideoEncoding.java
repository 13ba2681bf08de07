package dev.imagine.engine.video;

import dev.imagine.engine.image.ImageResizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes frames as a video file that fits a size limit (a chat platform's upload limit). The first encoding is full
 * size at good quality; when the file is over the limit, smaller ones are tried in turn (for MP4: coarser quantisers
 * {@value #QP_STEP} and {@value #QP_STEP}x2 apart, then half size; for GIF: half size), and when none fits a
 * {@link VideoTooLargeException} says so. Stateless and thread-safe.
 */
public final class VideoEncoding {
    /** Fewest frames per second. */
    public static final int MIN_FPS = 1;
    /** Most frames per second. */
    public static final int MAX_FPS = 60;
    /** How much coarser each smaller MP4 quantiser is. */
    static final int QP_STEP = 8;

    private VideoEncoding() {
    }

    /**
     * Encodes {@code frames} (all the same size, even sides) at {@code fps} frames per second.
     *
     * @param maxBytes the largest file accepted; {@link Long#MAX_VALUE} for no limit
     * @throws IllegalArgumentException for no frames, odd or differing sizes, or fps outside {@value #MIN_FPS} to
     *     {@value #MAX_FPS}
     * @throws VideoTooLargeException when even the smallest encoding is over {@code maxBytes}
     */
    public static EncodedVideo encode(List<BufferedImage> frames, int fps, VideoFormat format, long maxBytes)
            throws VideoTooLargeException {
        check(frames, fps);
        BufferedImage first = frames.get(0);
        List<Attempt> attempts = attempts(format, first.getWidth(), first.getHeight());
        long smallest = Long.MAX_VALUE;
        for (int a = 0; a < attempts.size(); a++) {
            Attempt attempt = attempts.get(a);
            List<BufferedImage> sized = attempt.width() == first.getWidth() ? frames
                    : resized(frames, attempt.width(), attempt.height());
            byte[] bytes = write(format, sized, fps, attempt.qp());
            if (bytes.length <= maxBytes) {
                return new EncodedVideo(bytes, format, attempt.width(), attempt.height(), frames.size(), fps, a > 0);
            }
            smallest = Math.min(smallest, bytes.length);
        }
        throw new VideoTooLargeException("the animation is " + megabytes(smallest) + " even at its smallest "
                + format.extension().toUpperCase(Locale.ROOT) + " encoding, over the limit of " + megabytes(maxBytes)
                + "; use fewer frames or a smaller size");
    }

    private static void check(List<BufferedImage> frames, int fps) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a video needs at least one frame");
        }
        if (fps < MIN_FPS || fps > MAX_FPS) {
            throw new IllegalArgumentException("fps must be between " + MIN_FPS + " and " + MAX_FPS + ", got " + fps);
        }
        BufferedImage first = frames.get(0);
        if (first.getWidth() % 2 != 0 || first.getHeight() % 2 != 0) {
            throw new IllegalArgumentException("video frames need even sides, got " + first.getWidth() + "x"
                    + first.getHeight());
        }
        for (BufferedImage frame : frames) {
            if (frame.getWidth() != first.getWidth() || frame.getHeight() != first.getHeight()) {
                throw new IllegalArgumentException("every frame must be " + first.getWidth() + "x" + first.getHeight()
                        + ", got " + frame.getWidth() + "x" + frame.getHeight());
            }
        }
    }

    /** One encoding to try. */
    private record Attempt(int width, int height, int qp) {
    }

    private static List<Attempt> attempts(VideoFormat format, int width, int height) {
        List<Attempt> attempts = new ArrayList<>();
        int halfWidth = even(width / 2);
        int halfHeight = even(height / 2);
        boolean canHalve = halfWidth >= 2 && halfHeight >= 2;
        if (format == VideoFormat.MP4) {
            for (int qp = Mp4Writer.DEFAULT_QP; qp <= Mp4Writer.DEFAULT_QP + 2 * QP_STEP; qp += QP_STEP) {
                attempts.add(new Attempt(width, height, qp));
            }
            if (canHalve) {
                attempts.add(new Attempt(halfWidth, halfHeight, Mp4Writer.DEFAULT_QP + QP_STEP));
            }
        } else {
            attempts.add(new Attempt(width, height, 0));
            if (canHalve) {
                attempts.add(new Attempt(halfWidth, halfHeight, 0));
            }
        }
        return attempts;
    }

    private static int even(int side) {
        return side - side % 2;
    }

    private static List<BufferedImage> resized(List<BufferedImage> frames, int width, int height) {
        List<BufferedImage> out = new ArrayList<>(frames.size());
        for (BufferedImage frame : frames) {
            out.add(ImageResizer.resizeLanczos(frame, width, height));
        }
        return out;
    }

    private static byte[] write(VideoFormat format, List<BufferedImage> frames, int fps, int qp) {
        try {
            return format == VideoFormat.MP4 ? Mp4Writer.write(frames, fps, qp) : GifWriter.write(frames, fps);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the " + format.extension() + " file failed: " + e.getMessage(), e);
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }
}
