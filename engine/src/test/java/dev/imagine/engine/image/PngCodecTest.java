package dev.imagine.engine.image;

import static dev.imagine.engine.image.PngBytes.bytes;
import static dev.imagine.engine.image.PngBytes.chunk;
import static dev.imagine.engine.image.PngBytes.iend;
import static dev.imagine.engine.image.PngBytes.ihdr;
import static dev.imagine.engine.image.PngBytes.latin1;
import static dev.imagine.engine.image.PngBytes.utf8;
import static dev.imagine.engine.image.PngBytes.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

class PngCodecTest {

    private static final String PARAMETERS = "a photo of a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42";
    private static final String UNICODE_PROMPT = "a cat 🐱 sitting, 猫, Katze";

    @Test
    void pixelsSurviveARoundTripThroughTheJdkDecoder() throws IOException {
        BufferedImage image = noisyGradient(67, 41, 1);

        byte[] png = PngCodec.encodePng(image, Map.of());

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(decoded.getWidth()).isEqualTo(67);
        assertThat(decoded.getHeight()).isEqualTo(41);
        assertSamePixels(decoded, image);
    }

    @Test
    void largerImageSpanningManyDeflateBuffersRoundTrips() throws IOException {
        BufferedImage image = noisyGradient(300, 257, 2);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PngCodec.encodePng(image, Map.of())));

        assertSamePixels(decoded, image);
    }

    @Test
    void randomPixelsAndOnePixelWideOrHighImagesRoundTrip() throws IOException {
        java.util.Random random = new java.util.Random(17);
        for (int[] size : new int[][] {{1, 1}, {1, 9}, {9, 1}, {64, 48}}) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PngCodec.encodePng(image, Map.of())));
            assertSamePixels(decoded, image);
        }
    }

    @Test
    void writesEightBitRgbHeader() {
        byte[] png = PngCodec.encodePng(new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB), Map.of());

        assertThat(Arrays.copyOf(png, 8)).isEqualTo(PngBytes.SIGNATURE);
        byte[] header = PngBytes.chunks(png).get(0).data();
        // width 5, height 3, bit depth 8, colour type 2 (RGB), compression 0, filter 0, interlace 0
        assertThat(header).isEqualTo(bytes(0, 0, 0, 5, 0, 0, 0, 3, 8, 2, 0, 0, 0));
    }

    @Test
    void alphaIsDroppedWithoutCompositing() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00123456);
        image.setRGB(1, 0, 0x80ABCDEF);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PngCodec.encodePng(image, Map.of())));

        assertThat(decoded.getColorModel().hasAlpha()).isFalse();
        assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x123456);
        assertThat(decoded.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xABCDEF);
    }

    @Test
    void greyImagesKeepTheirRawLevels() {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});

        BufferedImage decoded = ImageDecoder.decode(PngCodec.encodePng(grey, Map.of()), ImageLimits.DEFAULT);

        // PIL's L -> RGB copies the level; Java2D's getRGB would gamma-shift 128 to 0xBC.
        assertThat(decoded.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x808080);
        assertThat(decoded.getRGB(2, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void latin1TextBecomesTextChunksInInsertionOrderBeforeTheImageData() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", PARAMETERS);
        text.put("Comment", "café");

        byte[] png = PngCodec.encodePng(noisyGradient(4, 4, 3), text);

        assertThat(PngBytes.chunkTypes(png)).containsExactly("IHDR", "tEXt", "tEXt", "IDAT", "IEND");
        List<PngBytes.Chunk> chunks = PngBytes.chunks(png);
        // tEXt layout: keyword, NUL, Latin-1 text (PNG specification 11.3.4.3)
        assertThat(chunks.get(1).data()).isEqualTo(concat(latin1("parameters"), bytes(0), latin1(PARAMETERS)));
        assertThat(chunks.get(2).data()).isEqualTo(concat(latin1("Comment"), bytes(0), bytes('c', 'a', 'f', 0xE9)));
        assertThat(PngCodec.readPngText(png)).containsExactly(
                Map.entry("parameters", PARAMETERS), Map.entry("Comment", "café"));
    }

    @Test
    void textBeyondLatin1BecomesAnUncompressedUtf8InternationalTextChunk() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", UNICODE_PROMPT);
        text.put("Software", "imagine");

        byte[] png = PngCodec.encodePng(noisyGradient(4, 4, 4), text);

        assertThat(PngBytes.chunkTypes(png)).containsExactly("IHDR", "iTXt", "tEXt", "IDAT", "IEND");
        // iTXt layout: keyword, NUL, compression flag 0, method 0, empty language tag + NUL,
        // empty translated keyword + NUL, UTF-8 text (PNG specification 11.3.4.5), as PIL's add_itxt writes it
        assertThat(PngBytes.chunks(png).get(1).data())
                .isEqualTo(concat(latin1("parameters"), bytes(0, 0, 0, 0, 0), utf8(UNICODE_PROMPT)));
        assertThat(PngCodec.readPngText(png)).containsExactly(
                Map.entry("parameters", UNICODE_PROMPT), Map.entry("Software", "imagine"));
    }

    @Test
    void theJdkPngReaderSeesTheSameTextChunks() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", PARAMETERS);
        text.put("prompt", UNICODE_PROMPT);
        byte[] png = PngCodec.encodePng(noisyGradient(3, 3, 5), text);

        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(input);
            IIOMetadata metadata = reader.getImageMetadata(0);
            Node root = metadata.getAsTree("javax_imageio_png_1.0");
            assertThat(entries(root, "tEXtEntry", "value")).containsExactly("parameters=" + PARAMETERS);
            assertThat(entries(root, "iTXtEntry", "text")).containsExactly("prompt=" + UNICODE_PROMPT);
        } finally {
            reader.dispose();
        }
    }

    @Test
    void sameImageAndTextGiveTheSameBytes() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", UNICODE_PROMPT);

        byte[] first = PngCodec.encodePng(noisyGradient(50, 30, 6), text);
        byte[] second = PngCodec.encodePng(noisyGradient(50, 30, 6), new LinkedHashMap<>(text));

        assertThat(second).isEqualTo(first);
        assertThat(PngCodec.encodePng(noisyGradient(50, 30, 7), text)).isNotEqualTo(first);
    }

    @Test
    void refusesKeywordsAndValuesPngCannotHold() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);

        for (String keyword : List.of("", " lead", "trail ", "two  spaces", "x".repeat(80), "tab\t", "猫")) {
            assertThatThrownBy(() -> PngCodec.encodePng(image, Map.of(keyword, "v")))
                    .as("keyword '%s'", keyword)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("keyword");
        }
        assertThatThrownBy(() -> PngCodec.encodePng(image, Map.of("parameters", "a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThat(PngCodec.encodePng(image, Map.of("x".repeat(79), "v"))).isNotEmpty();
    }

    @Test
    void readsCompressedTextChunks() {
        byte[] png = PngBytes.png(
                ihdr(1, 1),
                chunk("zTXt", latin1("Comment"), bytes(0, 0), zlib(latin1("squeezed café"))),
                chunk("iTXt", latin1("parameters"), bytes(0, 1, 0), latin1("en"), bytes(0), utf8("Parameter"),
                        bytes(0), zlib(utf8(UNICODE_PROMPT))),
                iend());

        assertThat(PngCodec.readPngText(png)).containsExactly(
                Map.entry("Comment", "squeezed café"), Map.entry("parameters", UNICODE_PROMPT));
    }

    @Test
    void readsTextAfterTheImageDataAndLetsALaterKeywordWin() {
        byte[] png = PngBytes.png(
                ihdr(1, 1),
                chunk("tEXt", latin1("parameters"), bytes(0), latin1("first")),
                chunk("IDAT", zlib(bytes(0, 1, 2, 3))),
                chunk("tEXt", latin1("parameters"), bytes(0), latin1("second")),
                iend());

        assertThat(PngCodec.readPngText(png)).containsExactly(Map.entry("parameters", "second"));
    }

    @Test
    void refusesTextThatInflatesBeyondTheLimit() {
        byte[] bomb = zlib(new byte[PngCodec.MAX_TEXT_BYTES + 1]);
        byte[] png = PngBytes.png(ihdr(1, 1), chunk("zTXt", latin1("Comment"), bytes(0, 0), bomb), iend());

        assertThat(bomb.length).isLessThan(10_000);
        assertThatThrownBy(() -> PngCodec.readPngText(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("a text chunk in this PNG is larger than 1 MiB when decompressed");
    }

    @Test
    void refusesFilesThatAreNotPngOrAreDamaged() {
        byte[] good = PngCodec.encodePng(noisyGradient(8, 8, 8), Map.of("parameters", PARAMETERS));
        byte[] badChecksum = good.clone();
        int textChunkData = 8 + 25 + 8; // signature, IHDR (4 + 4 + 13 + 4), text chunk length and type
        badChecksum[textChunkData + 3] ^= 1;

        assertThatThrownBy(() -> PngCodec.readPngText(latin1("GIF89a....")))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("this file is not a PNG image");
        assertThatThrownBy(() -> PngCodec.readPngText(Arrays.copyOf(good, textChunkData + 10)))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("the image data is damaged or truncated");
        assertThatThrownBy(() -> PngCodec.readPngText(badChecksum))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("the image data is damaged or truncated");
    }

    private static List<String> entries(Node root, String entryName, String valueAttribute) {
        List<String> found = new ArrayList<>();
        for (Node group = root.getFirstChild(); group != null; group = group.getNextSibling()) {
            for (Node entry = group.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
                if (entry.getNodeName().equals(entryName)) {
                    found.add(entry.getAttributes().getNamedItem("keyword").getNodeValue() + "="
                            + entry.getAttributes().getNamedItem(valueAttribute).getNodeValue());
                }
            }
        }
        return found;
    }

    /** Smooth gradients (which favour the prediction filters) plus noise (which favours none). */
    static BufferedImage noisyGradient(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / Math.max(1, width - 1)) & 0xFF;
                int g = (y * 255 / Math.max(1, height - 1)) & 0xFF;
                int b = x % 7 == 0 ? random.nextInt(256) : (x + y) & 0xFF;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int got = actual.getRGB(x, y) & 0xFFFFFF;
                int want = expected.getRGB(x, y) & 0xFFFFFF;
                if (got != want) {
                    throw new AssertionError(String.format("pixel (%d, %d) is %06x, expected %06x", x, y, got, want));
                }
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        return chunk("", parts).data();
    }
}
