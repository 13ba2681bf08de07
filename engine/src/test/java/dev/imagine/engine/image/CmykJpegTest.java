package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CMYK JPEGs without an ICC profile decode as PIL's {@code convert("RGB")} does (issue 12, problem 7: they came
 * out washed out through Java2D's CMYK colour space). The files are crafted: the JDK writes a four-band raster as
 * plain CMYK, and an inserted Adobe APP14 segment makes the same samples Adobe-inverted CMYK or YCCK.
 */
class CmykJpegTest {

    // Ink amounts 200, 100, 50, 30; PIL: nk = 255 - K = 225, each channel nk - ink * nk / 255, rounded.
    private static final int[] INK = {200, 100, 50, 30};
    private static final int EXPECTED = 49 << 16 | 137 << 8 | 181;

    /** How the JPEG stores the ink: inverted CMYK without or with an Adobe segment, or Adobe YCCK. */
    enum Encoding {
        PLAIN_CMYK, ADOBE_INVERTED_CMYK, ADOBE_YCCK
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void decodesCmykLikePil(Encoding encoding) throws IOException {
        BufferedImage decoded = ImageDecoder.decode(cmykJpeg(encoding, INK), ImageLimits.DEFAULT);

        int rgb = decoded.getRGB(5, 5) & 0xFFFFFF;
        assertThat(channelDistance(rgb, EXPECTED)).as("%06x against %06x", rgb, EXPECTED).isLessThanOrEqualTo(3);
    }

    private static int channelDistance(int a, int b) {
        int worst = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            worst = Math.max(worst, Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF)));
        }
        return worst;
    }

    /** A flat 16x16 JPEG of one CMYK ink colour, stored as {@code encoding} says. */
    static byte[] cmykJpeg(Encoding encoding, int[] ink) throws IOException {
        int[] stored = switch (encoding) {
            // Like PIL ("assume adobe conventions"), the reader takes CMYK without an Adobe segment as inverted too.
            case PLAIN_CMYK, ADOBE_INVERTED_CMYK -> new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]};
            case ADOBE_YCCK -> {
                // The encoder turns the inverted C, M, Y back into R, G, B (= the ink) and stores its YCbCr.
                double r = ink[0];
                double g = ink[1];
                double b = ink[2];
                yield new int[] {
                    (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b),
                    (int) Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
                    (int) Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
                    255 - ink[3]};
            }
        };
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, stored);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            writer.write(null, new IIOImage(raster, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] plain = bytes.toByteArray();
        if (encoding == Encoding.PLAIN_CMYK) {
            return plain;
        }
        int transform = encoding == Encoding.ADOBE_YCCK ? 2 : 0;
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        byte[] file = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, file, 0, 2);
        System.arraycopy(adobe, 0, file, 2, adobe.length);
        System.arraycopy(plain, 2, file, 2 + adobe.length, plain.length - 2);
        return file;
    }
}
