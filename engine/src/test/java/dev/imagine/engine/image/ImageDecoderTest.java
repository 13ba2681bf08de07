package dev.imagine.engine.image;

import static dev.imagine.engine.image.PngBytes.iend;
import static dev.imagine.engine.image.PngBytes.ihdr;
import static dev.imagine.engine.image.PngCodecTest.assertSamePixels;
import static dev.imagine.engine.image.PngCodecTest.noisyGradient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.imagine.engine.image.InvalidImageException.Reason;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private static final ImageLimits LIMITS = ImageLimits.DEFAULT;

    @Test
    void decodesRgbPngExactly() throws IOException {
        BufferedImage original = noisyGradient(31, 17, 11);

        BufferedImage decoded = ImageDecoder.decode(write(original, "png"), LIMITS);

        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertSamePixels(decoded, original);
    }

    @Test
    void dropsAlphaWithoutCompositing() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00FF8040);
        rgba.setRGB(1, 0, 0x80102030);
        rgba.setRGB(2, 0, 0xFFABCDEF);

        BufferedImage decoded = ImageDecoder.decode(write(rgba, "png"), LIMITS);

        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(rgbRow(decoded)).containsExactly(0xFF8040, 0x102030, 0xABCDEF);
    }

    @Test
    void copiesGreyLevelsIntoAllThreeChannels() throws IOException {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 1, 128, 255});

        BufferedImage decoded = ImageDecoder.decode(write(grey, "png"), LIMITS);

        assertThat(rgbRow(decoded)).containsExactly(0x000000, 0x010101, 0x808080, 0xFFFFFF);
    }

    @Test
    void keepsTheHighByteOfSixteenBitGrey() throws IOException {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0x12FF, 0x8000, 0xFFFF});

        BufferedImage decoded = ImageDecoder.decode(write(grey, "png"), LIMITS);

        assertThat(rgbRow(decoded)).containsExactly(0x121212, 0x808080, 0xFFFFFF);
    }

    @Test
    void keepsTheHighByteOfSixteenBitRgbWithAlpha() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {0x1234, 0xABCD, 0xFF00, 0});
        raster.setPixel(1, 0, new int[] {0x00FF, 0x8080, 0x7FFF, 0x8000});
        BufferedImage deep = new BufferedImage(model, raster, false, null);

        byte[] png = write(deep, "png");
        BufferedImage decoded = ImageDecoder.decode(png, LIMITS);

        // colour type 6 (RGBA), bit depth 16: the file really is 16-bit
        assertThat(PngBytes.chunks(png).get(0).data()[8]).isEqualTo((byte) 16);
        assertThat(rgbRow(decoded)).containsExactly(0x12ABFF, 0x00807F);
    }

    @Test
    void decodesGreyWithAlpha() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {200, 0});
        raster.setPixel(1, 0, new int[] {7, 255});

        BufferedImage decoded = ImageDecoder.decode(write(new BufferedImage(model, raster, false, null), "png"), LIMITS);

        assertThat(rgbRow(decoded)).containsExactly(0xC8C8C8, 0x070707);
    }

    @Test
    void looksUpPaletteColoursIncludingTransparentEntries() throws IOException {
        byte[] reds = {(byte) 0xFF, 0x00, 0x12};
        byte[] greens = {0x00, (byte) 0x80, 0x34};
        byte[] blues = {0x00, 0x00, 0x56};
        byte[] alphas = {(byte) 0xFF, (byte) 0xFF, 0x00};
        IndexColorModel palette = new IndexColorModel(8, 3, reds, greens, blues, alphas);
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {2, 0, 1});

        BufferedImage decoded = ImageDecoder.decode(write(indexed, "png"), LIMITS);

        assertThat(rgbRow(decoded)).containsExactly(0x123456, 0xFF0000, 0x008000);
    }

    @Test
    void unpacksTwoBitPalettes() throws IOException {
        byte[] reds = {0, (byte) 0xFF, 0, 0x11};
        byte[] greens = {0, 0, (byte) 0xFF, 0x22};
        byte[] blues = {0, 0, 0, 0x33};
        IndexColorModel palette = new IndexColorModel(2, 4, reds, greens, blues);
        BufferedImage packed = new BufferedImage(5, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        packed.getRaster().setSamples(0, 0, 5, 1, 0, new int[] {3, 2, 1, 0, 3});

        BufferedImage decoded = ImageDecoder.decode(write(packed, "png"), LIMITS);

        assertThat(rgbRow(decoded)).containsExactly(0x112233, 0x00FF00, 0xFF0000, 0x000000, 0x112233);
    }

    @Test
    void decodesJpegLikeTheJdkDecoderAndCloseToTheOriginal() throws IOException {
        BufferedImage original = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                original.setRGB(x, y, x < 16 ? 0xC03020 : 0x2060A0);
            }
        }
        byte[] jpeg = write(original, "jpeg");

        BufferedImage decoded = ImageDecoder.decode(jpeg, LIMITS);

        assertSamePixels(decoded, ImageIO.read(new ByteArrayInputStream(jpeg)));
        int left = decoded.getRGB(4, 8);
        assertThat(channelDistance(left, 0xC03020)).isLessThanOrEqualTo(6);
        assertThat(channelDistance(decoded.getRGB(27, 8), 0x2060A0)).isLessThanOrEqualTo(6);
    }

    @Test
    void decodesGreyJpegWithoutGammaShift() throws IOException {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        Arrays.fill(((java.awt.image.DataBufferByte) grey.getRaster().getDataBuffer()).getData(), (byte) 100);
        byte[] jpeg = write(grey, "jpeg");
        int level = ImageIO.read(new ByteArrayInputStream(jpeg)).getRaster().getSample(8, 8, 0);

        BufferedImage decoded = ImageDecoder.decode(jpeg, LIMITS);

        assertThat(level).isBetween(98, 102);
        assertThat(decoded.getRGB(8, 8) & 0xFFFFFF).isEqualTo(level * 0x010101);
    }

    @Test
    void decodesHandMadeLosslessWebP() {
        int[] argb = {
            0xFFFF0000, 0xFF00FF00, 0xFF0000FF,
            0xFFFFFFFF, 0xFF000000, 0xFFFF00FF,
        };

        BufferedImage decoded = ImageDecoder.decode(WebPFixtures.lossless(3, 2, argb, false), LIMITS);

        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(decoded.getWidth()).isEqualTo(3);
        assertThat(decoded.getHeight()).isEqualTo(2);
        assertThat(rgbRows(decoded)).containsExactly(0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0xFF00FF);
    }

    @Test
    void dropsWebPAlphaWithoutCompositing() {
        int[] argb = {0x80FF0000, 0xFF00FF00, 0xFFFF0000, 0x8000FF00};

        BufferedImage decoded = ImageDecoder.decode(WebPFixtures.lossless(2, 2, argb, true), LIMITS);

        assertThat(rgbRows(decoded)).containsExactly(0xFF0000, 0x00FF00, 0xFF0000, 0x00FF00);
    }

    @Test
    void refusesFilesOverTheByteLimitBeforeLookingAtThem() {
        byte[] big = new byte[25_300_000];

        InvalidImageException error = catchThrowableOfType(InvalidImageException.class,
                () -> ImageDecoder.decode(big, LIMITS));

        assertThat(error).hasMessage("the image is 25.3 MB; the limit is 10 MB");
        assertThat(error.reason()).isEqualTo(Reason.TOO_MANY_BYTES);
    }

    @Test
    void showsMorePrecisionWhenOneDecimalWouldHideTheExcess() {
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[10_000_001], LIMITS))
                .hasMessage("the image is 10.000001 MB; the limit is 10 MB");
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[2_000], new ImageLimits(1_500, 100)))
                .hasMessage("the image is 2 kB; the limit is 1.5 kB");
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[600], new ImageLimits(500, 100)))
                .hasMessage("the image is 600 bytes; the limit is 500 bytes");
    }

    @Test
    void refusesTooManyPixelsFromThePngHeaderAlone() {
        // IHDR claims 50000x50000 and there is no image data at all: decoding pixels could only fail as
        // damaged, so this message proves the header was checked first.
        byte[] bomb = PngBytes.png(ihdr(50_000, 50_000), iend());

        InvalidImageException error = catchThrowableOfType(InvalidImageException.class,
                () -> ImageDecoder.decode(bomb, LIMITS));

        assertThat(error).hasMessage(
                "the image is 50000x50000 pixels (2500 megapixels); the limit is 16.8 megapixels");
        assertThat(error.reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThatThrownBy(() -> ImageDecoder.decode(PngBytes.png(ihdr(20_000, 20_000), iend()), LIMITS))
                .hasMessage("the image is 20000x20000 pixels (400 megapixels); the limit is 16.8 megapixels");
    }

    @Test
    void refusesTooManyPixelsFromJpegAndWebPHeaders() throws IOException {
        byte[] jpeg = write(noisyGradient(16, 16, 1), "jpeg");
        patchJpegSize(jpeg, 30_000, 20_000);

        assertThatThrownBy(() -> ImageDecoder.decode(jpeg, LIMITS))
                .hasMessage("the image is 30000x20000 pixels (600 megapixels); the limit is 16.8 megapixels");
        assertThatThrownBy(() -> ImageDecoder.decode(WebPFixtures.losslessHeaderOnly(16_384, 16_384), LIMITS))
                .hasMessage("the image is 16384x16384 pixels (268.4 megapixels); the limit is 16.8 megapixels");
    }

    @Test
    void acceptsExactlyThePixelLimitAndNamesSmallLimitsInPixels() throws IOException {
        byte[] png = write(noisyGradient(10, 10, 3), "png");

        assertThat(ImageDecoder.decode(png, new ImageLimits(10_000, 100)).getWidth()).isEqualTo(10);
        assertThatThrownBy(() -> ImageDecoder.decode(png, new ImageLimits(10_000, 99)))
                .hasMessage("the image is 10x10 pixels; the limit is 99 pixels");
        assertThatThrownBy(() -> ImageDecoder.decode(PngBytes.png(ihdr(4097, 4096), iend()), LIMITS))
                .hasMessage("the image is 4097x4096 pixels (16.781 megapixels); the limit is 16.777 megapixels");
    }

    @Test
    void refusesOtherFormatsAndRandomBytes() throws IOException {
        byte[] gif = write(noisyGradient(8, 8, 4), "gif");
        byte[] bmp = write(noisyGradient(8, 8, 5), "bmp");
        byte[] random = new byte[1000];
        new Random(42).nextBytes(random);
        random[0] = 0x13;

        for (byte[] data : new byte[][] {gif, bmp, random, new byte[0], "<svg></svg>".getBytes()}) {
            InvalidImageException error = catchThrowableOfType(InvalidImageException.class,
                    () -> ImageDecoder.decode(data, LIMITS));
            assertThat(error).hasMessage("this file is not a PNG, JPEG or WebP image");
            assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        }
    }

    @Test
    void refusesTruncatedFiles() throws IOException {
        byte[] png = write(noisyGradient(40, 40, 6), "png");
        byte[] jpeg = write(noisyGradient(40, 40, 7), "jpeg");
        byte[] webp = WebPFixtures.lossless(64, 64, checkerboard(64, 64), false);

        for (byte[] data : new byte[][] {
            Arrays.copyOf(png, 20), Arrays.copyOf(png, png.length / 2), Arrays.copyOf(png, png.length - 30),
            Arrays.copyOf(jpeg, 100), Arrays.copyOf(jpeg, jpeg.length / 2), Arrays.copyOf(jpeg, jpeg.length - 2),
            Arrays.copyOf(webp, 14), Arrays.copyOf(webp, webp.length / 2),
        }) {
            InvalidImageException error = catchThrowableOfType(InvalidImageException.class,
                    () -> ImageDecoder.decode(data, LIMITS));
            assertThat(error).as("%d bytes", data.length).hasMessage("the image data is damaged or truncated");
            assertThat(error.reason()).isEqualTo(Reason.DAMAGED);
        }
    }

    @Test
    void acceptsAPngWhoseImageDataIsCompleteButEndChunkIsMissing() throws IOException {
        BufferedImage original = noisyGradient(12, 12, 6);
        byte[] png = write(original, "png");

        // PIL reads such files too: all pixels are there, only the 12-byte IEND chunk is gone.
        assertSamePixels(ImageDecoder.decode(Arrays.copyOf(png, png.length - 12), LIMITS), original);
    }

    @Test
    void refusesGarbageBehindAKnownSignature() {
        byte[] garbage = new byte[200];
        new Random(7).nextBytes(garbage);
        byte[] png = garbage.clone();
        System.arraycopy(PngBytes.SIGNATURE, 0, png, 0, 8);
        byte[] jpeg = garbage.clone();
        jpeg[0] = (byte) 0xFF;
        jpeg[1] = (byte) 0xD8;
        jpeg[2] = (byte) 0xFF;
        byte[] webp = garbage.clone();
        System.arraycopy("RIFF".getBytes(), 0, webp, 0, 4);
        System.arraycopy("WEBP".getBytes(), 0, webp, 8, 4);

        for (byte[] data : new byte[][] {png, jpeg, webp}) {
            assertThatThrownBy(() -> ImageDecoder.decode(data, LIMITS))
                    .isInstanceOf(InvalidImageException.class)
                    .hasMessage("the image data is damaged or truncated");
        }
    }

    @Test
    void corruptedFilesNeverEscapeAsAnotherException() throws IOException {
        byte[][] samples = {
            write(noisyGradient(24, 24, 8), "png"),
            write(noisyGradient(24, 24, 9), "jpeg"),
            WebPFixtures.lossless(24, 24, checkerboard(24, 24), false),
        };
        // A corrupted size field may announce a large image; a small pixel limit keeps the test fast.
        ImageLimits small = new ImageLimits(100_000, 256 * 256);
        Random random = new Random(2024);
        for (byte[] sample : samples) {
            for (int round = 0; round < 150; round++) {
                byte[] corrupt = sample.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    int at = 12 + random.nextInt(corrupt.length - 12);
                    corrupt[at] = (byte) random.nextInt(256);
                }
                try {
                    BufferedImage decoded = ImageDecoder.decode(corrupt, small);
                    assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
                } catch (InvalidImageException expected) {
                    assertThat(expected.reason()).isIn(Reason.DAMAGED, Reason.TOO_MANY_PIXELS);
                }
            }
        }
    }

    @Test
    void runtimeErrorsInsideAReaderBecomeTheDamagedMessage() {
        byte[] webp = WebPFixtures.lossless(24, 24, checkerboard(24, 24), false);
        // Byte 25 is the first byte after the 5-byte VP8L header (12 RIFF + 8 chunk header bytes before it).
        // 39 = 0b100111 switches on a colour-indexing transform read from the pixel bits that follow; found
        // by fuzzing: TwelveMonkeys 3.14 then fails with ArrayIndexOutOfBoundsException, not an IOException.
        webp[25] = 39;

        InvalidImageException error = catchThrowableOfType(InvalidImageException.class,
                () -> ImageDecoder.decode(webp, LIMITS));

        assertThat(error).hasMessage("the image data is damaged or truncated");
        assertThat(error.reason()).isEqualTo(Reason.DAMAGED);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ImageLimits(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file size limit must be positive");
        assertThatThrownBy(() -> new ImageLimits(1, -5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pixel limit must be positive");
        assertThat(ImageLimits.DEFAULT).isEqualTo(new ImageLimits(10_000_000, 16_777_216));
    }

    @Test
    void pngTextDoesNotGetInTheWayOfDecoding() {
        BufferedImage original = noisyGradient(9, 9, 10);

        BufferedImage decoded = ImageDecoder.decode(PngCodec.encodePng(original, Map.of("parameters", "x")), LIMITS);

        assertSamePixels(decoded, original);
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("ImageIO can write %s", format).isTrue();
        return out.toByteArray();
    }

    /** Rewrites the height and width of the first SOFn segment (JPEG specification B.2.2). */
    private static void patchJpegSize(byte[] jpeg, int width, int height) {
        int at = 2;
        while (at < jpeg.length) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = (jpeg[at + 2] & 0xFF) << 8 | (jpeg[at + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xC2) {
                jpeg[at + 5] = (byte) (height >> 8);
                jpeg[at + 6] = (byte) height;
                jpeg[at + 7] = (byte) (width >> 8);
                jpeg[at + 8] = (byte) width;
                return;
            }
            at += 2 + length;
        }
        throw new AssertionError("no SOF segment");
    }

    private static int[] checkerboard(int width, int height) {
        int[] argb = new int[width * height];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = ((i % width + i / width) & 1) == 0 ? 0xFF000000 : 0xFFFFFFFF;
        }
        return argb;
    }

    private static int channelDistance(int a, int b) {
        int distance = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            distance = Math.max(distance, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
        }
        return distance;
    }

    private static int[] rgbRow(BufferedImage image) {
        int[] row = new int[image.getWidth()];
        for (int x = 0; x < row.length; x++) {
            row[x] = image.getRGB(x, 0) & 0xFFFFFF;
        }
        return row;
    }

    private static int[] rgbRows(BufferedImage image) {
        int[] all = new int[image.getWidth() * image.getHeight()];
        for (int i = 0; i < all.length; i++) {
            all[i] = image.getRGB(i % image.getWidth(), i / image.getWidth()) & 0xFFFFFF;
        }
        return all;
    }
}
