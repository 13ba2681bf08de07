package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading pixels straight from a (direct) float buffer gives exactly what the array path gives. */
class ImageTensorsBufferTest {

    @Test
    void bufferAndArrayConversionsAgreeOnEveryPixel() {
        int width = 37;
        int height = 23;
        float[] planes = new float[3 * width * height];
        Random random = new Random(5);
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (float) (random.nextGaussian() * 0.8);
        }
        planes[3] = Float.NaN;
        planes[4] = Float.POSITIVE_INFINITY;
        FloatBuffer direct = ByteBuffer.allocateDirect(planes.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(0, planes);

        BufferedImage fromArray = ImageTensors.fromTensor(planes, 0, width, height);
        BufferedImage fromBuffer = ImageTensors.fromTensor(direct, width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertThat(fromBuffer.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(fromArray.getRGB(x, y));
            }
        }
        assertThat(direct.position()).isZero();
    }

    /**
     * The chunked conversion gives {@code toByte}'s byte for every value, across chunk borders and on the values where
     * a different formula could slip: NaNs with payloads, signed zeros, infinities, subnormals, and values next to
     * the rounding halves {@code (k + 0.5) / 255}.
     */
    @Test
    void everyChannelIsTheScalarFormulasByte() {
        int width = 131;
        int height = 67;
        int plane = width * height;
        float[] planes = new float[3 * plane];
        Random random = new Random(11);
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (float) (random.nextGaussian() * 0.8);
        }
        float[] special = {Float.NaN, Float.intBitsToFloat(0x7fc000ff), Float.intBitsToFloat(0xffc00001),
            Float.intBitsToFloat(0x7f800001), 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Math.nextUp(1f), Math.nextDown(-1f)};
        int at = 4000;
        for (float v : special) {
            planes[at++] = v;
        }
        for (int k = 0; k < 255; k++) {
            float v = 2f * ((k + 0.5f) / 255f) - 1f;
            for (float near : new float[] {Math.nextDown(Math.nextDown(v)), Math.nextDown(v), v, Math.nextUp(v),
                Math.nextUp(Math.nextUp(v))}) {
                planes[at++] = near;
            }
        }
        FloatBuffer direct = ByteBuffer.allocateDirect(planes.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(0, planes);

        for (BufferedImage image : new BufferedImage[] {ImageTensors.fromTensor(planes, 0, width, height),
            ImageTensors.fromTensor(direct, width, height)}) {
            for (int i = 0; i < plane; i++) {
                int expected = ImageTensors.toByte(planes[i]) << 16 | ImageTensors.toByte(planes[plane + i]) << 8
                        | ImageTensors.toByte(planes[2 * plane + i]);
                assertThat(image.getRGB(i % width, i / width) & 0xFFFFFF).as("pixel %d", i).isEqualTo(expected);
            }
        }
    }

    @Test
    void tooShortBufferIsRefused() {
        assertThatThrownBy(() -> ImageTensors.fromTensor(FloatBuffer.allocate(10), 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 floats");
    }
}
