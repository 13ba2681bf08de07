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

    @Test
    void tooShortBufferIsRefused() {
        assertThatThrownBy(() -> ImageTensors.fromTensor(FloatBuffer.allocate(10), 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 floats");
    }
}
