package dev.imagine.bot.malformed;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Writes the malformed and unusual files of {@link MalformedInputTest}: pictures and broken model folders. */
final class MalformedFiles {

    /** Pictures that are unusual but valid: they must be accepted. */
    static final List<String> ACCEPTED = List.of("grey.png", "grey16.png", "rgb16.png", "palette.png", "alpha.png",
            "cmyk.jpg", "ycck.jpg");

    /** Broken copies of the tiny model: folder name, then the key words of the refusal separated by |. */
    static final String[][] BROKEN_MODELS = {
        {"no-index", "model_index.json"},
        {"empty-index", "model_index.json"},
        {"garbled-index", "model_index.json"},
        {"no-vocab", "vocab.json"},
        {"empty-vocab", "vocab.json"},
        {"no-merges", "merges.txt"},
        {"empty-merges", "merges.txt|no merges"},
        {"no-unet", "unet/model.onnx"},
        {"garbage-unet", "unet"},
        {"wrong-text-encoder", "text_encoder"},
        {"empty-scheduler", "scheduler_config.json"},
        {"bad-scheduler", "beta_start|'noise'|steps_offset"},
    };

    private MalformedFiles() {
    }

    static void write(Path dir, Path model) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "hello, not a picture");
        Files.write(dir.resolve("empty.png"), new byte[0]);
        BufferedImage noisy = noisy(96, 96);
        byte[] png = encode(noisy, "png");
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        byte[] jpeg = encode(noisy, "jpeg");
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(dir.resolve("bomb.png"), bombPng(100_000, 100_000));
        byte[] garbage = new byte[400];
        new Random(3).nextBytes(garbage);
        System.arraycopy(png, 0, garbage, 0, 8);
        Files.write(dir.resolve("garbage-after-png-signature.png"), garbage);
        Files.write(dir.resolve("large.png"), encode(noisy(256, 256), "png"));

        BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        Files.write(dir.resolve("grey.png"), encode(grey, "png"));
        Files.write(dir.resolve("grey16.png"), encode(new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY),
                "png"));
        Files.write(dir.resolve("rgb16.png"), encode(rgb16(), "png"));
        IndexColorModel palette = new IndexColorModel(2, 4, new byte[] {0, (byte) 255, 0, 0},
                new byte[] {0, 0, (byte) 255, 0}, new byte[] {0, 0, 0, (byte) 255});
        Files.write(dir.resolve("palette.png"), encode(new BufferedImage(64, 64,
                BufferedImage.TYPE_BYTE_BINARY, palette), "png"));
        Files.write(dir.resolve("alpha.png"), encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB), "png"));
        Files.write(dir.resolve("cmyk.jpg"), cmykJpeg(0));
        Files.write(dir.resolve("ycck.jpg"), cmykJpeg(2));

        for (String[] broken : BROKEN_MODELS) {
            Path copy = dir.resolve(broken[0]);
            copyFolder(model, copy);
            breakModel(broken[0], copy);
        }
    }

    private static void breakModel(String name, Path folder) throws IOException {
        switch (name) {
            case "no-index" -> Files.delete(folder.resolve("model_index.json"));
            case "empty-index" -> Files.writeString(folder.resolve("model_index.json"), "");
            case "garbled-index" -> Files.writeString(folder.resolve("model_index.json"), "{\"_class_name\": [");
            case "no-vocab" -> Files.delete(folder.resolve("tokenizer/vocab.json"));
            case "empty-vocab" -> Files.writeString(folder.resolve("tokenizer/vocab.json"), "");
            case "no-merges" -> Files.delete(folder.resolve("tokenizer/merges.txt"));
            case "empty-merges" -> Files.writeString(folder.resolve("tokenizer/merges.txt"), "");
            case "no-unet" -> Files.delete(folder.resolve("unet/model.onnx"));
            case "garbage-unet" -> Files.writeString(folder.resolve("unet/model.onnx"), "not an onnx file");
            case "wrong-text-encoder" -> Files.copy(folder.resolve("vae_decoder/model.onnx"),
                    folder.resolve("text_encoder/model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            case "empty-scheduler" -> Files.writeString(scheduler(folder), "");
            case "bad-scheduler" -> Files.writeString(scheduler(folder),
                    "{\"beta_start\": \"tiny\", \"prediction_type\": \"noise\", \"steps_offset\": -2}");
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static Path scheduler(Path folder) throws IOException {
        return Files.createDirectories(folder.resolve("scheduler")).resolve("scheduler_config.json");
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static BufferedImage noisy(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    private static BufferedImage rgb16() {
        java.awt.color.ColorSpace space = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        java.awt.image.ComponentColorModel colours = new java.awt.image.ComponentColorModel(space, false, false,
                java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = colours.createCompatibleWritableRaster(64, 64);
        raster.setPixel(3, 3, new int[] {65535, 1000, 30000});
        return new BufferedImage(colours, raster, false, null);
    }

    /** A PNG whose header announces {@code width} x {@code height} pixels but whose data is a few bytes. */
    private static byte[] bombPng(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        out.writeBytes(name);
        out.writeBytes(body);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(body);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A flat four-component JPEG with an Adobe segment of the given transform (0 CMYK, 2 YCCK). */
    private static byte[] cmykJpeg(int transform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 64, 4, null);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setPixel(x, y, new int[] {55, 155, 205, 225});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] plain = bytes.toByteArray();
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        byte[] file = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, file, 0, 2);
        System.arraycopy(adobe, 0, file, 2, adobe.length);
        System.arraycopy(plain, 2, file, 2 + adobe.length, plain.length - 2);
        return file;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
