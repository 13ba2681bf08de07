package dev.imagine.engine.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted PNG, JPEG and WebP files (e.g. chat uploads) into {@code TYPE_INT_RGB} images.
 *
 * <p>The file size is checked first, then the format from its magic bytes, then the width and height
 * from the header, and only then are pixels decoded, so a small file announcing a huge image (a
 * decompression bomb) is refused without allocating its pixels. Thread-safe: each call uses its own reader.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /**
     * Decodes the first image in {@code data} to RGB: alpha is dropped without compositing, and grey,
     * palette and 16-bit images are converted as PIL's {@code convert("RGB")} does. EXIF orientation and
     * colour profiles are not applied.
     *
     * @param data   the whole file; not modified
     * @param limits the largest file and image to accept
     * @return a new {@code TYPE_INT_RGB} image
     * @throws InvalidImageException (unchecked) with a sentence for the user when the file is too large,
     *                               has too many pixels, is not PNG, JPEG or WebP, or cannot be decoded
     */
    public static BufferedImage decode(byte[] data, ImageLimits limits) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(limits, "limits");
        if (data.length > limits.maxBytes()) {
            throw InvalidImageException.tooManyBytes(data.length, limits.maxBytes());
        }
        ImageFormat format = ImageFormat.detect(data);
        if (format == null) {
            throw InvalidImageException.unsupportedFormat();
        }
        if (format == ImageFormat.WEBP && !ImageFormat.isCompleteRiff(data)) {
            throw InvalidImageException.damaged(null);
        }
        ImageReader reader = readerFor(format);
        try (ImageInputStream input = new ByteArrayImageInputStream(data)) {
            // ignoreMetadata: the PNG reader then skips (rather than inflates) zTXt and iTXt chunks.
            reader.setInput(input, false, true);
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw InvalidImageException.damaged(e);
            }
            if (width <= 0 || height <= 0) {
                throw InvalidImageException.damaged(null);
            }
            if ((long) width * height > limits.maxPixels()) {
                throw InvalidImageException.tooManyPixels(width, height, limits.maxPixels());
            }
            TruncationListener truncation = new TruncationListener();
            reader.addIIOReadWarningListener(truncation);
            BufferedImage decoded;
            try {
                decoded = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw InvalidImageException.damaged(e);
            }
            if (truncation.truncated || decoded == null) {
                throw InvalidImageException.damaged(null);
            }
            return RgbImages.copyToIntRgb(decoded);
        } catch (IOException e) {
            throw InvalidImageException.damaged(e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " on the class path"
                    + (format == ImageFormat.WEBP ? " (com.twelvemonkeys.imageio:imageio-webp is missing)" : ""));
        }
        return readers.next();
    }

    /**
     * The JDK's JPEG reader reports a cut-off file only as a warning and returns the image with its
     * missing part filled in; we refuse such files instead.
     */
    private static final class TruncationListener implements IIOReadWarningListener {
        private boolean truncated;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String text = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (text.contains("truncated") || text.contains("premature end")) {
                truncated = true;
                source.abort();
            }
        }
    }
}
