package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Expected numbers come from {@code tensor_reference.py} in this directory (float32 emulated in Python). */
class ImageTensorsTest {

    @Test
    void bytesMapToDiffusersFloat32Values() {
        BufferedImage image = new BufferedImage(6, 1, BufferedImage.TYPE_INT_RGB);
        int[] levels = {0, 1, 127, 128, 254, 255};
        for (int x = 0; x < levels.length; x++) {
            image.setRGB(x, 0, levels[x] * 0x010101);
        }
        float[] tensor = new float[18];

        ImageTensors.toTensor(image, tensor, 0);

        // tensor_reference.py: 2 * f32(p / 255) - 1 in float32, as bit patterns
        int[] expectedBits = {0xbf800000, 0xbf7dfdfe, 0xbb808080, 0x3b808100, 0x3f7dfdfe, 0x3f800000};
        for (int channel = 0; channel < 3; channel++) {
            for (int x = 0; x < levels.length; x++) {
                assertThat(Float.floatToRawIntBits(tensor[channel * 6 + x]))
                        .as("level %d channel %d", levels[x], channel)
                        .isEqualTo(expectedBits[x]);
            }
        }
        assertThat(tensor[0]).isEqualTo(-1f);
        assertThat(tensor[5]).isEqualTo(1f);
    }

    @Test
    void writesChannelMajorPlanesAtTheOffsetAndNothingElse() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        image.setRGB(1, 0, 0x00FF00);
        image.setRGB(0, 1, 0x0000FF);
        image.setRGB(1, 1, 0xFFFFFF);
        float[] tensor = new float[3 + 12 + 2];
        Arrays.fill(tensor, 42f);

        ImageTensors.toTensor(image, tensor, 3);

        assertThat(Arrays.copyOfRange(tensor, 0, 3)).containsExactly(42f, 42f, 42f);
        assertThat(Arrays.copyOfRange(tensor, 3, 7)).containsExactly(1f, -1f, -1f, 1f);   // red plane
        assertThat(Arrays.copyOfRange(tensor, 7, 11)).containsExactly(-1f, 1f, -1f, 1f);  // green plane
        assertThat(Arrays.copyOfRange(tensor, 11, 15)).containsExactly(-1f, -1f, 1f, 1f); // blue plane
        assertThat(Arrays.copyOfRange(tensor, 15, 17)).containsExactly(42f, 42f);
    }

    @Test
    void readsChannelMajorPlanesFromTheOffset() {
        float[] tensor = {9f, 1f, -1f, -1f, -1f, 1f, 1f, 9f}; // R plane, G plane, B plane between sentinels

        BufferedImage image = ImageTensors.fromTensor(tensor, 1, 2, 1);

        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF00FF);
        assertThat(image.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void exactHalvesRoundToEvenLikeNumpy() {
        // tensor_reference.py: float32 v whose f32(f32(v / 2 + 0.5) * 255) is exactly k + 0.5;
        // numpy rounds half to even, where Math.round would give 127, 129 and 255 in three of them.
        int[][] cases = {
            {0xbc008080, 126}, // 126.5
            {0x00000000, 128}, // 127.5
            {0x3c008080, 128}, // 128.5
            {0x3f7cfcfc, 254}, // 253.5
            {0x3f7efefe, 254}, // 254.5
        };
        for (int[] c : cases) {
            float v = Float.intBitsToFloat(c[0]);
            assertThat((v / 2f + 0.5f) * 255f % 1f).as("x * 255 of %s is a half", v).isEqualTo(0.5f);
            assertThat(ImageTensors.toByte(v)).as("v = %s", v).isEqualTo(c[1]);
        }
    }

    @Test
    void clampsOutOfRangeValuesAndTurnsNaNIntoZero() {
        float[] values = {1.5f, 100f, Float.POSITIVE_INFINITY, -1.5f, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f,
            -0f};
        int[] expected = {255, 255, 255, 0, 0, 0, 255, 0, 128};
        float[] tensor = new float[values.length * 3];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(values, 0, tensor, c * values.length, values.length);
        }

        BufferedImage image = ImageTensors.fromTensor(tensor, 0, values.length, 1);

        for (int x = 0; x < values.length; x++) {
            assertThat(image.getRGB(x, 0) & 0xFFFFFF).as("v = %s", values[x]).isEqualTo(expected[x] * 0x010101);
        }
    }

    @Test
    void everyByteSurvivesARoundTrip() {
        BufferedImage image = new BufferedImage(256, 3, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 256; x++) {
            image.setRGB(x, 0, x << 16 | (255 - x) << 8 | (x * 7 & 0xFF));
            image.setRGB(x, 1, x * 0x010101);
            image.setRGB(x, 2, (x * 13 & 0xFF) << 16 | x);
        }
        float[] tensor = new float[256 * 3 * 3];

        ImageTensors.toTensor(image, tensor, 0);
        BufferedImage back = ImageTensors.fromTensor(tensor, 0, 256, 3);

        PngCodecTest.assertSamePixels(back, image);
    }

    @Test
    void convertsNonCompactAndGreyImagesLikeDecodedOnes() {
        BufferedImage big = PngCodecTest.noisyGradient(10, 8, 3);
        BufferedImage sub = big.getSubimage(2, 3, 5, 4);
        BufferedImage copy = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                copy.setRGB(x, y, big.getRGB(x + 2, y + 3));
            }
        }
        float[] fromSub = new float[60];
        float[] fromCopy = new float[60];
        ImageTensors.toTensor(sub, fromSub, 0);
        ImageTensors.toTensor(copy, fromCopy, 0);
        assertThat(fromSub).containsExactly(fromCopy);

        BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 128);
        float[] greyTensor = new float[3];
        ImageTensors.toTensor(grey, greyTensor, 0);
        // tensor_reference.py: level 128 -> 0x3b808100 in every channel
        for (float v : greyTensor) {
            assertThat(Float.floatToRawIntBits(v)).isEqualTo(0x3b808100);
        }
    }

    @Test
    void refusesArraysThatAreTooShortAndBadSizes() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);

        assertThatThrownBy(() -> ImageTensors.toTensor(image, new float[48], 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 4x4 RGB tensor needs 48 floats from offset 1, but the array has 48");
        assertThatThrownBy(() -> ImageTensors.toTensor(image, new float[48], -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageTensors.fromTensor(new float[47], 0, 4, 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageTensors.fromTensor(new float[48], 0, 0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image size must be positive, got 0x4");
        assertThat(ImageTensors.fromTensor(new float[49], 1, 4, 4).getWidth()).isEqualTo(4);
    }
}
