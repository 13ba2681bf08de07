package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageResizerTest {

    @Test
    void resizesToTheRequestedSizeAsRgb() {
        BufferedImage source = new BufferedImage(100, 60, BufferedImage.TYPE_INT_ARGB);

        BufferedImage resized = ImageResizer.resizeLanczos(source, 37, 81);

        assertThat(resized.getWidth()).isEqualTo(37);
        assertThat(resized.getHeight()).isEqualTo(81);
        assertThat(resized.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    }

    @Test
    void aFlatColourStaysThatColourUpAndDown() {
        BufferedImage flat = flat(90, 70, 0x3A7FC1);

        for (int[] size : new int[][] {{37, 81}, {512, 512}, {1, 1}, {90, 35}, {300, 70}}) {
            BufferedImage resized = ImageResizer.resizeLanczos(flat, size[0], size[1]);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    assertThat(resized.getRGB(x, y) & 0xFFFFFF)
                            .as("(%d, %d) at %dx%d", x, y, size[0], size[1])
                            .isEqualTo(0x3A7FC1);
                }
            }
        }
    }

    @Test
    void greyImagesAreResizedAtTheirRawLevels() {
        BufferedImage grey = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                grey.getRaster().setSample(x, y, 0, 128);
            }
        }

        BufferedImage resized = ImageResizer.resizeLanczos(grey, 16, 16);

        assertThat(resized.getRGB(8, 8) & 0xFFFFFF).isEqualTo(0x808080);
    }

    @Test
    void keepsStructureWhenShrinking() {
        BufferedImage halves = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 32; x < 64; x++) {
                halves.setRGB(x, y, 0xFFFFFF);
            }
        }

        BufferedImage resized = ImageResizer.resizeLanczos(halves, 16, 16);

        assertThat(resized.getRGB(2, 8) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(resized.getRGB(13, 8) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        int edge = resized.getRGB(8, 8) & 0xFF;
        assertThat(edge).isBetween(100, 255);
    }

    @Test
    void sameSizeGivesAnIndependentRgbCopy() {
        BufferedImage source = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        source.setRGB(1, 1, 0x40A1B2C3);

        BufferedImage copy = ImageResizer.resizeLanczos(source, 3, 2);
        copy.setRGB(0, 0, 0xFFFFFF);

        assertThat(copy).isNotSameAs(source);
        assertThat(copy.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(copy.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xA1B2C3);
        assertThat(source.getRGB(0, 0)).isZero();

        BufferedImage rgb = flat(4, 4, 0x123456);
        BufferedImage rgbCopy = ImageResizer.resizeLanczos(rgb, 4, 4);
        rgbCopy.setRGB(0, 0, 0);
        assertThat(rgb.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x123456);
    }

    @Test
    void refusesSizesThatAreNotPositive() {
        BufferedImage source = flat(4, 4, 0);

        assertThatThrownBy(() -> ImageResizer.resizeLanczos(source, 0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image size must be positive, got 0x4");
        assertThatThrownBy(() -> ImageResizer.resizeLanczos(source, 4, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static BufferedImage flat(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
