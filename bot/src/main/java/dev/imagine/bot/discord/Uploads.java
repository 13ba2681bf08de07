package dev.imagine.bot.discord;

import dev.imagine.engine.GeneratedImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns a generation's pictures into files Discord accepts: the original PNG (parameters inside) when it fits the
 * upload limit, else a JPEG at decreasing quality and then at decreasing size, with a note saying so. Stateless.
 */
final class Uploads {
    private static final float[] QUALITIES = {0.9f, 0.8f, 0.65f, 0.5f};
    private static final double SHRINK = 0.75;
    private static final int SMALLEST_SIDE = 64;

    private Uploads() {
    }

    /**
     * A file to attach.
     *
     * @param fileName such as {@code imagine-12-1.png}
     * @param bytes the file
     * @param reencoded whether this is a smaller JPEG instead of the original PNG
     */
    record Upload(String fileName, byte[] bytes, boolean reencoded) {
    }

    /**
     * The files for a generation's pictures, each within {@code limit} bytes.
     *
     * @throws IllegalArgumentException when a picture does not fit even as a small JPEG (a limit of a few KB)
     */
    static List<Upload> fit(long generationId, List<GeneratedImage> images, long limit) {
        List<Upload> uploads = new ArrayList<>();
        for (GeneratedImage image : images) {
            uploads.add(fit(generationId, image, limit));
        }
        return uploads;
    }

    /** One picture within {@code limit} bytes; see {@link #fit(long, List, long)}. */
    static Upload fit(long generationId, GeneratedImage image, long limit) {
        String name = "imagine-" + generationId + "-" + (image.index() + 1);
        byte[] png = image.png();
        if (png.length <= limit) {
            return new Upload(name + ".png", png, false);
        }
        BufferedImage picture = opaque(image.image());
        while (true) {
            for (float quality : QUALITIES) {
                byte[] jpeg = jpeg(picture, quality);
                if (jpeg.length <= limit) {
                    return new Upload(name + ".jpg", jpeg, true);
                }
            }
            int width = (int) Math.round(picture.getWidth() * SHRINK);
            int height = (int) Math.round(picture.getHeight() * SHRINK);
            if (Math.min(width, height) < SMALLEST_SIDE) {
                throw new IllegalArgumentException("picture " + (image.index() + 1) + " does not fit in "
                        + limit + " bytes even as a small JPEG");
            }
            picture = scaled(picture, width, height);
        }
    }

    /** The note for a caption when some pictures were re-encoded; empty when none was. */
    static Optional<String> note(List<Upload> uploads, long limit) {
        List<String> pictures = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            if (uploads.get(i).reencoded()) {
                pictures.add(Integer.toString(i + 1));
            }
        }
        if (pictures.isEmpty()) {
            return Optional.empty();
        }
        String which;
        if (uploads.size() == 1) {
            which = "The picture was";
        } else if (pictures.size() == 1) {
            which = "Picture " + pictures.get(0) + " was";
        } else {
            which = "Pictures " + String.join(", ", pictures.subList(0, pictures.size() - 1)) + " and "
                    + pictures.get(pictures.size() - 1) + " were";
        }
        return Optional.of(which + " made smaller (JPEG) to fit the upload limit here (" + size(limit) + ").");
    }

    /** A byte count for people: {@code 8 MB}, {@code 512 KB}. */
    static String size(long bytes) {
        if (bytes >= 1 << 20) {
            double mb = bytes / (double) (1 << 20);
            return (mb == Math.rint(mb) ? Long.toString((long) mb) : String.format(Locale.ROOT, "%.1f", mb)) + " MB";
        }
        return Math.max(1, bytes >> 10) + " KB";
    }

    private static BufferedImage opaque(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        return scaled(image, image.getWidth(), image.getHeight());
    }

    private static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
