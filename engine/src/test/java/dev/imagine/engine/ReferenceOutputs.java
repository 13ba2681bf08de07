package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;

/** What the reference tests (raw ONNX Runtime loops written in the test) share: reading outputs and comparing pictures. */
final class ReferenceOutputs {
    private ReferenceOutputs() {
    }

    /** The float output {@code name} of a raw session call. */
    static float[] floats(OrtSession.Result result, String name) throws OrtException {
        FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** A decoded {@code [3, height, width]} tensor in -1..1 as a picture, rounded as the engine's reference does. */
    static BufferedImage toImage(float[] chw, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = Math.max(0f, Math.min(1f, chw[c * plane + y * width + x] / 2f + 0.5f));
                    rgb = (rgb << 8) | Math.round(v * 255f);
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** The largest difference of one colour channel between two pictures of the same size, 0 to 255. */
    static int maxDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
                }
            }
        }
        return max;
    }
}
