package dev.imagine.bot.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** The JDK's own PNG writer, as the yardstick {@code imagine bench} prints beside the engine's encoder. */
final class ImageIoPng {
    private ImageIoPng() {
    }

    /** Encodes {@code image} with ImageIO's default PNG writer and returns the file's size in bytes. */
    static int encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this JDK has no ImageIO PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }
}
