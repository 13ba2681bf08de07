package dev.imagine.engine.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Turns any {@link BufferedImage} into packed {@code 0xRRGGBB} pixels the way PIL's {@code convert("RGB")}
 * does: alpha is dropped without compositing, grey is copied into all three channels, palettes are looked
 * up, 16-bit samples keep their high byte, and 8-bit CMYK (a JPEG's CMYK or YCCK samples, which the JDK's reader,
 * like PIL, reads with Adobe's inverted convention and hands over as ink amounts) becomes {@code (255 - C) * (255 - K) / 255} per channel, PIL's naive
 * conversion. Colour profiles are ignored (raw samples are used) except for other colour spaces, which Java2D
 * converts.
 */
final class RgbImages {

    private RgbImages() {
    }

    /** A new {@code TYPE_INT_RGB} image with the pixels of {@code image}; never {@code image} itself. */
    static BufferedImage copyToIntRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage copy = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] target = pixelArray(copy);
        if (isCompactIntRgb(image)) {
            System.arraycopy(pixelArray(image), 0, target, 0, width * height);
        } else {
            convert(image, target);
        }
        return copy;
    }

    /** {@code image} itself when it is already a compact {@code TYPE_INT_RGB} image, otherwise a copy. */
    static BufferedImage asIntRgb(BufferedImage image) {
        return isCompactIntRgb(image) ? image : copyToIntRgb(image);
    }

    /**
     * The pixels as {@code 0xRRGGBB}, row by row; the image's own array (to be read, never written) when
     * it is a compact {@code TYPE_INT_RGB} image, otherwise a new array.
     */
    static int[] readPixels(BufferedImage image) {
        if (isCompactIntRgb(image)) {
            return pixelArray(image);
        }
        int[] pixels = new int[image.getWidth() * image.getHeight()];
        convert(image, pixels);
        return pixels;
    }

    /** The {@code int[]} behind a compact {@code TYPE_INT_RGB} image, e.g. one made by {@code new BufferedImage}. */
    static int[] pixelArray(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    /**
     * Whether the image is {@code TYPE_INT_RGB} with pixel (x, y) at index {@code y * width + x} of its
     * array; sub-images made by {@code getSubimage} usually are not.
     */
    static boolean isCompactIntRgb(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            return false;
        }
        Raster raster = image.getRaster();
        return raster.getDataBuffer() instanceof DataBufferInt buffer
                && buffer.getNumBanks() == 1
                && buffer.getOffset() == 0
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel model
                && model.getScanlineStride() == image.getWidth()
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && buffer.getSize() >= image.getWidth() * image.getHeight();
    }

    private static void convert(BufferedImage image, int[] target) {
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel palette) {
            convertIndexed(image, palette, target);
        } else if (model instanceof ComponentColorModel components && hasIntegralSamples(image)
                && !components.isAlphaPremultiplied() && isGreyOrRgb(components) && hasShallowSamples(components)) {
            convertComponents(image, components, target);
        } else if (isByteCmyk(image, model)) {
            convertCmyk(image, target);
        } else {
            convertWithJava2d(image, target);
        }
    }

    private static boolean isByteCmyk(BufferedImage image, ColorModel model) {
        return model.getColorSpace().getType() == ColorSpace.TYPE_CMYK && model.getNumComponents() == 4
                && !model.hasAlpha() && image.getRaster().getNumBands() == 4
                && image.getRaster().getDataBuffer().getDataType() == DataBuffer.TYPE_BYTE;
    }

    /** Pillow's {@code cmyk2rgb}: each colour is {@code nk - C * nk / 255} with {@code nk = 255 - K}, rounded. */
    private static void convertCmyk(BufferedImage image, int[] target) {
        int width = image.getWidth();
        Raster raster = image.getRaster();
        int[] row = new int[width * 4];
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getPixels(0, y, width, 1, row);
            int base = y * width;
            for (int x = 0, i = 0; x < width; x++, i += 4) {
                int nk = 255 - row[i + 3];
                target[base + x] = inkToLight(row[i], nk) << 16 | inkToLight(row[i + 1], nk) << 8
                        | inkToLight(row[i + 2], nk);
            }
        }
    }

    private static int inkToLight(int ink, int nk) {
        int product = ink * nk + 128;
        return Math.max(0, Math.min(255, nk - (((product >> 8) + product) >> 8)));
    }

    private static boolean hasIntegralSamples(BufferedImage image) {
        int type = image.getRaster().getDataBuffer().getDataType();
        return type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT || type == DataBuffer.TYPE_INT;
    }

    private static boolean hasShallowSamples(ColorModel model) {
        for (int bits : model.getComponentSize()) {
            if (bits > 16) {
                return false;
            }
        }
        return true;
    }

    private static boolean isGreyOrRgb(ColorModel model) {
        int space = model.getColorSpace().getType();
        int colours = model.getNumColorComponents();
        return (space == ColorSpace.TYPE_GRAY && colours == 1) || (space == ColorSpace.TYPE_RGB && colours == 3);
    }

    private static void convertIndexed(BufferedImage image, IndexColorModel palette, int[] target) {
        int[] colours = new int[palette.getMapSize()];
        palette.getRGBs(colours);
        int width = image.getWidth();
        int[] row = new int[width];
        Raster raster = image.getRaster();
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            int base = y * width;
            for (int x = 0; x < width; x++) {
                int index = row[x];
                target[base + x] = index < colours.length ? colours[index] & 0xFFFFFF : 0;
            }
        }
    }

    private static void convertComponents(BufferedImage image, ComponentColorModel model, int[] target) {
        int width = image.getWidth();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int[] row = new int[width * bands];
        boolean grey = model.getNumColorComponents() == 1;
        int[][] toByte = new int[grey ? 1 : 3][];
        for (int c = 0; c < toByte.length; c++) {
            toByte[c] = byteScale(model.getComponentSize(c));
        }
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getPixels(0, y, width, 1, row);
            int base = y * width;
            for (int x = 0, i = 0; x < width; x++, i += bands) {
                if (grey) {
                    target[base + x] = toByte[0][row[i]] * 0x010101;
                } else {
                    target[base + x] = toByte[0][row[i]] << 16 | toByte[1][row[i + 1]] << 8 | toByte[2][row[i + 2]];
                }
            }
        }
    }

    /** Sample value to 8 bits: the high byte of deeper samples, scaled up from shallower ones. */
    private static int[] byteScale(int bits) {
        int max = (1 << bits) - 1;
        int[] table = new int[max + 1];
        for (int s = 0; s <= max; s++) {
            table[s] = bits >= 8 ? s >>> (bits - 8) : (s * 255 + max / 2) / max;
        }
        return table;
    }

    private static void convertWithJava2d(BufferedImage image, int[] target) {
        int width = image.getWidth();
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, width, 1, target, y * width, width);
        }
        for (int i = 0; i < target.length; i++) {
            target[i] &= 0xFFFFFF;
        }
    }
}
