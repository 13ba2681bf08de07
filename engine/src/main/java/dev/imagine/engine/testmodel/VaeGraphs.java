package dev.imagine.engine.testmodel;

import static dev.imagine.engine.testmodel.OnnxGraph.intAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.intsAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.stringAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.uniform;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Random;

/**
 * A VAE pair that inverts itself on low frequencies. The encoder averages 8x8 pixel blocks and maps RGB to
 * four latent channels with a fixed matrix {@code M}, times {@code 1 / scalingFactor} so that scaled
 * latents are about unit size; the decoder applies the left inverse of {@code M}, times
 * {@code scalingFactor}, and upsamples by 8. Hence {@code decode(encode(img))} is a blocky (or, with the
 * smooth decoder, blurred and lightly textured) copy of {@code img}.
 */
final class VaeGraphs {

    static final int SCALE = 8;
    static final double DEFAULT_SCALING_FACTOR = 0.18215;
    static final float LOG_VARIANCE = -6f;

    /** Rows: latent channels; columns: R, G, B. Full column rank, rows of norm about 1.1. */
    private static final double[][] RGB_TO_LATENT = {
        {0.55, 0.70, 0.45},
        {0.95, -0.30, -0.50},
        {-0.35, 0.90, -0.55},
        {-0.40, -0.45, 0.90},
    };

    private VaeGraphs() {
    }

    static ModelProto decoder(TinyModelSpec spec, long seed) {
        double scalingFactor = scalingFactor(spec);
        DataType floatType = floatType(spec);
        OnnxGraph g = new OnnxGraph("vae_decoder");
        g.input("latent_sample", floatType, "batch", UnetGraph.LATENT_CHANNELS, "height", "width");
        g.output("sample", floatType, "batch", 3, "image_height", "image_width");

        double[][] inverse = leftInverse(RGB_TO_LATENT);
        float[] weight = new float[3 * UnetGraph.LATENT_CHANNELS];
        for (int rgb = 0; rgb < 3; rgb++) {
            for (int latent = 0; latent < UnetGraph.LATENT_CHANNELS; latent++) {
                weight[rgb * UnetGraph.LATENT_CHANNELS + latent] = (float) (inverse[rgb][latent] * scalingFactor);
            }
        }
        String latents = floatType == DataType.FLOAT ? "latent_sample" : g.cast("latent_sample", DataType.FLOAT);
        String rgb = g.conv(latents,
                g.floats("latent_to_rgb.weight", new long[] {3, UnetGraph.LATENT_CHANNELS, 1, 1}, weight), null, 1);
        String scales = g.floats("upsample_scales", new long[] {4}, new float[] {1, 1, SCALE, SCALE});
        String image;
        if (spec.smoothDecoder()) {
            String upsampled = g.op("Resize", new String[] {rgb, "", scales}, stringAttr("mode", "linear"));
            image = g.op("Add", g.conv(upsampled, blurWeight(g), null, 3), texture(g, new Random(seed), upsampled));
        } else {
            image = g.op("Resize", new String[] {rgb, "", scales},
                    stringAttr("mode", "nearest"),
                    stringAttr("coordinate_transformation_mode", "asymmetric"),
                    stringAttr("nearest_mode", "floor"));
        }
        castOut(g, image, "sample", floatType);
        return g.model("Made-up VAE decoder written by imagine's TinyModelWriter; not a real model.");
    }

    static ModelProto encoder(TinyModelSpec spec) {
        boolean parameters = spec.vaeEncoder() == TinyModelSpec.VaeEncoder.LATENT_PARAMETERS;
        int outChannels = parameters ? 2 * UnetGraph.LATENT_CHANNELS : UnetGraph.LATENT_CHANNELS;
        String outName = parameters ? "latent_parameters" : "latent_sample";
        DataType floatType = floatType(spec);
        OnnxGraph g = new OnnxGraph("vae_encoder");
        g.input("sample", floatType, "batch", 3, "image_height", "image_width");
        g.output(outName, floatType, "batch", outChannels, "height", "width");

        double gain = 1 / scalingFactor(spec);
        float[] weight = new float[outChannels * 3];
        float[] bias = new float[outChannels];
        for (int latent = 0; latent < UnetGraph.LATENT_CHANNELS; latent++) {
            for (int rgb = 0; rgb < 3; rgb++) {
                weight[latent * 3 + rgb] = (float) (RGB_TO_LATENT[latent][rgb] * gain);
            }
        }
        for (int c = UnetGraph.LATENT_CHANNELS; c < outChannels; c++) {
            bias[c] = LOG_VARIANCE;
        }
        String pixels = floatType == DataType.FLOAT ? "sample" : g.cast("sample", DataType.FLOAT);
        String pooled = g.op("AveragePool", pixels, intsAttr("kernel_shape", SCALE, SCALE), intsAttr("strides", SCALE, SCALE));
        String latents = g.conv(pooled,
                g.floats("rgb_to_latent.weight", new long[] {outChannels, 3, 1, 1}, weight),
                g.floats("rgb_to_latent.bias", new long[] {outChannels}, bias), 1);
        castOut(g, latents, outName, floatType);
        return g.model("Made-up VAE encoder written by imagine's TinyModelWriter; not a real model.");
    }

    /** The factor the encoder divides by and the decoder multiplies by: the spec's, else SD's 0.18215. */
    static double scalingFactor(TinyModelSpec spec) {
        return spec.scalingFactor() == null ? DEFAULT_SCALING_FACTOR : spec.scalingFactor();
    }

    /** A per-channel 3x3 binomial blur. */
    private static String blurWeight(OnnxGraph g) {
        float[] kernel = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        float[] weight = new float[3 * 3 * 9];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 9; i++) {
                weight[(c * 3 + c) * 9 + i] = kernel[i] / 16f;
            }
        }
        return g.floats("blur.weight", new long[] {3, 3, 3, 3}, weight);
    }

    /** {@code 0.08 * sin(mix(rgb))} with mixing weights up to 4: colour bands along the contours of the field. */
    private static String texture(OnnxGraph g, Random random, String rgb) {
        String mix = g.floats("texture.weight", new long[] {3, 3, 1, 1}, uniform(random, 9, 4.0));
        return g.op("Mul", g.op("Sin", g.conv(rgb, mix, null, 1)), g.scalar("texture_gain", 0.08f));
    }

    private static void castOut(OnnxGraph g, String value, String name, DataType floatType) {
        if (floatType == DataType.FLOAT16) {
            g.opTo(name, "Cast", new String[] {value}, intAttr("to", DataType.FLOAT16_VALUE));
        } else {
            g.opTo(name, "Identity", new String[] {value});
        }
    }

    private static DataType floatType(TinyModelSpec spec) {
        return spec.precision() == TinyModelSpec.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
    }

    /** {@code (M^T M)^-1 M^T} for a 4x3 matrix of full column rank. */
    static double[][] leftInverse(double[][] m) {
        double[][] gram = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (double[] row : m) {
                    gram[i][j] += row[i] * row[j];
                }
            }
        }
        double[][] inverseGram = invert3(gram);
        double[][] result = new double[3][m.length];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < m.length; k++) {
                for (int j = 0; j < 3; j++) {
                    result[i][k] += inverseGram[i][j] * m[k][j];
                }
            }
        }
        return result;
    }

    private static double[][] invert3(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        double[][] inverse = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int r0 = (j + 1) % 3;
                int r1 = (j + 2) % 3;
                int c0 = (i + 1) % 3;
                int c1 = (i + 2) % 3;
                inverse[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
            }
        }
        return inverse;
    }
}
