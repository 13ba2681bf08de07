package dev.imagine.engine.testmodel;

import static dev.imagine.engine.testmodel.OnnxGraph.intAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.uniform;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Random;

/**
 * A UNet-shaped noise predictor: {@code out = denoiser(sample, t) + 0.06 * tanh(convs(sample, temb(t), ctx))}.
 *
 * <p>The denoiser part is linear in the sample: it splits the sample into a blurred part and the rest and
 * scales each by a timestep-dependent gain, so that samplers using SD's schedule end in smooth colour
 * fields (see {@link #denoiser}). The learned-looking part is a small stack of random convolutions: the
 * timestep enters as sines of the float timestep times per-channel frequencies, broadcast over the batch
 * (so {@code [1]}, {@code [batch]} and scalar timesteps all work), and the text as a projection of
 * {@code encoder_hidden_states} pooled over the sequence. Batch rows never mix, and only operators that
 * ONNX Runtime computes row by row are used, so a batch-2 run equals two batch-1 runs bit for bit.
 */
final class UnetGraph {

    static final double LOW_POWER = 80;
    static final double HIGH_POWER = 0.01;
    static final double BLUR_SIGMA = 2.5;
    static final int BLUR_RADIUS = 7;
    static final float RESIDUAL_GAIN = 0.06f;
    static final int LATENT_CHANNELS = 4;
    /** SDXL's micro-conditioning: original size, crop top-left and target size, as (height, width) pairs. */
    static final int TIME_IDS = 6;
    private static final float[] TIME_ID_FREQUENCIES = {1f / 3, 1f / 29, 1f / 263, 1f / 2477};

    private UnetGraph() {
    }

    static ModelProto build(TinyModelSpec spec, long seed) {
        int channels = spec.unetChannels();
        int width = spec.sdxlLayout() ? spec.hiddenSize() + spec.secondHiddenSize() : spec.hiddenSize();
        Random random = new Random(seed);
        DataType floatType = spec.precision() == TinyModelSpec.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
        Object batch = spec.unetBatchFixedToOne() ? (Object) 1 : "batch";

        OnnxGraph g = new OnnxGraph("unet");
        g.input("sample", floatType, batch, LATENT_CHANNELS, "height", "width");
        switch (spec.timestep()) {
            case FLOAT32_1 -> g.input("timestep", DataType.FLOAT, 1);
            case FLOAT32_BATCH -> g.input("timestep", DataType.FLOAT, batch);
            case INT64_BATCH -> g.input("timestep", DataType.INT64, batch);
            case FLOAT32_SCALAR -> g.input("timestep", DataType.FLOAT);
            case FLOAT16_1 -> g.input("timestep", DataType.FLOAT16, 1);
        }
        g.input("encoder_hidden_states", floatType, batch, spec.unetSequenceFixed() ? (Object) 77 : "sequence", width);
        if (spec.timestepCondDim() > 0) {
            g.input("timestep_cond", floatType, batch, spec.timestepCondDim());
        }
        if (spec.sdxlLayout()) {
            g.input("text_embeds", floatType, batch, spec.secondHiddenSize());
            g.input("time_ids", floatType, batch, TIME_IDS);
        }
        g.output("out_sample", floatType, batch, LATENT_CHANNELS, "height", "width");

        String sample = floatType == DataType.FLOAT ? "sample" : g.cast("sample", DataType.FLOAT);
        String states = floatType == DataType.FLOAT
                ? "encoder_hidden_states"
                : g.cast("encoder_hidden_states", DataType.FLOAT);
        String time = spec.timestep() == TinyModelSpec.Timestep.FLOAT32_1
                || spec.timestep() == TinyModelSpec.Timestep.FLOAT32_BATCH
                || spec.timestep() == TinyModelSpec.Timestep.FLOAT32_SCALAR
                ? "timestep"
                : g.cast("timestep", DataType.FLOAT);

        String timeEmbedding = timeEmbedding(g, random, time, channels);
        String context = context(g, random, states, width, channels);

        String weight = convWeight(g, random, "conv_in", channels, LATENT_CHANNELS, 3, 1.0);
        String bias = g.floats("conv_in.bias", new long[] {channels}, uniform(random, channels, 0.1));
        String h = g.op("Add", g.op("Add", g.conv(sample, weight, bias, 3), timeEmbedding), context);
        if (spec.timestepCondDim() > 0) {
            h = g.op("Add", h, guidanceEmbedding(g, new Random(seed ^ 0x4C434DL), floatType, spec.timestepCondDim(),
                    channels));
        }
        if (spec.sdxlLayout()) {
            h = g.op("Add", h, addedConditions(g, new Random(seed ^ 0x5344584CL), floatType, spec.secondHiddenSize(),
                    channels));
        }
        h = g.op("Mul", h, g.op("Sigmoid", h));
        for (int layer = 0; layer < spec.unetLayers(); layer++) {
            String name = "block" + layer;
            String blockWeight = convWeight(g, random, name, channels, channels, 3, 1.6);
            String blockBias = g.floats(name + ".bias", new long[] {channels}, uniform(random, channels, 0.1));
            h = g.op("Tanh", g.conv(h, blockWeight, blockBias, 3));
        }
        String outWeight = convWeight(g, random, "conv_out", LATENT_CHANNELS, channels, 3, 1.6);
        String outBias = g.floats("conv_out.bias", new long[] {LATENT_CHANNELS}, uniform(random, LATENT_CHANNELS, 0.1));
        String residual = g.op("Tanh", g.conv(h, outWeight, outBias, 3));
        String prediction = g.op("Add",
                denoiser(g, sample, time, spec.separableBlur()),
                g.op("Mul", residual, g.scalar("residual_gain", RESIDUAL_GAIN)));
        if (floatType == DataType.FLOAT16) {
            g.opTo("out_sample", "Cast", new String[] {prediction}, intAttr("to", DataType.FLOAT16_VALUE));
        } else {
            g.opTo("out_sample", "Identity", new String[] {prediction});
        }
        return g.model("Made-up UNet-shaped noise predictor written by imagine's TinyModelWriter; not a real model.");
    }

    /**
     * The noise a Gaussian-optimal denoiser would predict if pictures were random fields with variance
     * {@link #LOW_POWER} in the blurred part of the latents and {@link #HIGH_POWER} in the rest: per part,
     * {@code eps = s1 * x / (s0^2 * P + s1^2)} with {@code s0 = sqrt(alphaBar(t))} and
     * {@code s1 = sqrt(1 - alphaBar(t))} of SD's training schedule, looked up by the timestep clipped to
     * 0..999. Samplers following that schedule therefore end in smooth colour fields instead of noise.
     */
    private static String denoiser(OnnxGraph g, String sample, String time, boolean separable) {
        double[] alphaBar = trainingAlphaBar();
        float[] blurredGain = new float[alphaBar.length];
        float[] detailGain = new float[alphaBar.length];
        for (int t = 0; t < alphaBar.length; t++) {
            double s1 = Math.sqrt(1 - alphaBar[t]);
            blurredGain[t] = (float) (s1 / (alphaBar[t] * LOW_POWER + s1 * s1));
            detailGain[t] = (float) (s1 / (alphaBar[t] * HIGH_POWER + s1 * s1));
        }
        String flat = g.op("Reshape", time, g.longs("time_flat_shape", -1));
        String index = g.cast(g.op("Clip", new String[] {flat, g.scalar("time_min", 0),
                g.scalar("time_max", alphaBar.length - 1)}), DataType.INT64);
        String gainShape = g.longs("gain_shape", -1, 1, 1, 1);
        String blurredScale = g.op("Reshape", g.op("Gather",
                g.floats("blurred_gain", new long[] {alphaBar.length}, blurredGain), index), gainShape);
        String detailScale = g.op("Reshape", g.op("Gather",
                g.floats("detail_gain", new long[] {alphaBar.length}, detailGain), index), gainShape);

        int size = 2 * BLUR_RADIUS + 1;
        String padded = g.op("Pad", new String[] {sample,
                        g.longs("blur_pads", 0, 0, BLUR_RADIUS, BLUR_RADIUS, 0, 0, BLUR_RADIUS, BLUR_RADIUS)},
                OnnxGraph.stringAttr("mode", "edge"));
        String blurred;
        if (separable) {
            float[] line = gaussianLines();
            String across = g.op("Conv", new String[] {padded,
                            g.floats("blur_x.weight", new long[] {LATENT_CHANNELS, 1, 1, size}, line)},
                    OnnxGraph.intsAttr("kernel_shape", 1, size),
                    intAttr("group", LATENT_CHANNELS));
            blurred = g.op("Conv", new String[] {across,
                            g.floats("blur_y.weight", new long[] {LATENT_CHANNELS, 1, size, 1}, line)},
                    OnnxGraph.intsAttr("kernel_shape", size, 1),
                    intAttr("group", LATENT_CHANNELS));
        } else {
            blurred = g.op("Conv", new String[] {padded,
                            g.floats("blur.weight", new long[] {LATENT_CHANNELS, 1, size, size}, gaussianKernels())},
                    OnnxGraph.intsAttr("kernel_shape", size, size),
                    intAttr("group", LATENT_CHANNELS));
        }
        String detail = g.op("Sub", sample, blurred);
        return g.op("Add", g.op("Mul", blurred, blurredScale), g.op("Mul", detail, detailScale));
    }

    /** One normalized Gaussian kernel ({@link #BLUR_SIGMA}, {@link #BLUR_RADIUS}) per latent channel. */
    private static float[] gaussianKernels() {
        int size = 2 * BLUR_RADIUS + 1;
        double[] weights = new double[size * size];
        double total = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int dy = y - BLUR_RADIUS;
                int dx = x - BLUR_RADIUS;
                weights[y * size + x] = Math.exp(-(dx * dx + dy * dy) / (2 * BLUR_SIGMA * BLUR_SIGMA));
                total += weights[y * size + x];
            }
        }
        float[] kernels = new float[LATENT_CHANNELS * weights.length];
        for (int i = 0; i < kernels.length; i++) {
            kernels[i] = (float) (weights[i % weights.length] / total);
        }
        return kernels;
    }

    /** One normalized 1-D Gaussian ({@link #BLUR_SIGMA}, {@link #BLUR_RADIUS}) per latent channel. */
    private static float[] gaussianLines() {
        int size = 2 * BLUR_RADIUS + 1;
        double[] weights = new double[size];
        double total = 0;
        for (int x = 0; x < size; x++) {
            int dx = x - BLUR_RADIUS;
            weights[x] = Math.exp(-(dx * dx) / (2 * BLUR_SIGMA * BLUR_SIGMA));
            total += weights[x];
        }
        float[] lines = new float[LATENT_CHANNELS * size];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = (float) (weights[i % size] / total);
        }
        return lines;
    }

    /** {@code alphaBar(t)} of SD's scaled-linear training schedule (beta 0.00085 to 0.012, 1000 steps). */
    static double[] trainingAlphaBar() {
        double[] alphaBar = new double[1000];
        double product = 1;
        double from = Math.sqrt(0.00085);
        double to = Math.sqrt(0.012);
        for (int t = 0; t < alphaBar.length; t++) {
            double root = from + (to - from) * t / (alphaBar.length - 1);
            product *= 1 - root * root;
            alphaBar[t] = product;
        }
        return alphaBar;
    }

    /** {@code [T, C, 1, 1]}: {@code scale_c * sin(t * freq_c + phase_c)}, phases alternating 0 and pi/2. */
    private static String timeEmbedding(OnnxGraph g, Random random, String time, int channels) {
        float[] frequencies = new float[channels];
        float[] phases = new float[channels];
        for (int c = 0; c < channels; c++) {
            double exponent = channels == 1 ? 0 : (double) (c / 2 * 2) / channels;
            frequencies[c] = (float) Math.pow(1000.0, -exponent);
            phases[c] = c % 2 == 0 ? 0f : (float) (Math.PI / 2);
        }
        String column = g.op("Reshape", time, g.longs("time_column_shape", -1, 1));
        String angles = g.op("Add",
                g.op("Mul", column, g.floats("time_frequencies", new long[] {1, channels}, frequencies)),
                g.floats("time_phases", new long[] {1, channels}, phases));
        String embedding = g.op("Mul", g.op("Sin", angles),
                g.floats("time_scale", new long[] {1, channels}, uniform(random, channels, 1.0)));
        return g.op("Reshape", embedding, g.longs("time_embedding_shape", -1, channels, 1, 1));
    }

    /**
     * {@code [B, C, 1, 1]}: a 1x1 convolution of the maximum of the states over the sequence (a mean would
     * be dominated by the padding positions, so prompts would barely differ).
     */
    private static String context(OnnxGraph g, Random random, String states, int width, int channels) {
        String asImage = g.op("Unsqueeze", g.sequenceMax(states), g.longs("context_axes", 3));
        String weight = convWeight(g, random, "context_proj", channels, width, 1, 2.0);
        return g.conv(asImage, weight, null, 1);
    }

    /**
     * LCM's guidance input: {@code timestep_cond [batch, dim]} projected to the channels and broadcast over the
     * picture. Its own random stream keeps the other weights equal to those of a model without it.
     */
    private static String guidanceEmbedding(OnnxGraph g, Random random, DataType floatType, int dim, int channels) {
        String cond = floatType == DataType.FLOAT ? "timestep_cond" : g.cast("timestep_cond", DataType.FLOAT);
        String asImage = g.op("Unsqueeze", cond, g.longs("cond_axes", 2, 3));
        String weight = convWeight(g, random, "cond_proj", channels, dim, 1, 2.0);
        return g.conv(asImage, weight, null, 1);
    }

    /**
     * SDXL's added conditions, {@code [batch, C, 1, 1]}: a projection of the pooled {@code text_embeds} plus a
     * projection of sines of each of the six {@code time_ids} at {@link #TIME_ID_FREQUENCIES}, so that any change of
     * the pooled embedding, a size or a crop offset changes the prediction. Its own random stream keeps the other
     * weights equal to those of a model without it.
     */
    private static String addedConditions(OnnxGraph g, Random random, DataType floatType, int pooledWidth,
            int channels) {
        String pooled = floatType == DataType.FLOAT ? "text_embeds" : g.cast("text_embeds", DataType.FLOAT);
        String pooledImage = g.op("Unsqueeze", pooled, g.longs("text_embeds_axes", 2, 3));
        String text = g.conv(pooledImage, convWeight(g, random, "add_text_proj", channels, pooledWidth, 1, 2.0),
                null, 1);
        String ids = floatType == DataType.FLOAT ? "time_ids" : g.cast("time_ids", DataType.FLOAT);
        String column = g.op("Unsqueeze", ids, g.longs("time_ids_axes", 2));
        String angles = g.op("Mul", column, g.floats("time_id_frequencies",
                new long[] {1, 1, TIME_ID_FREQUENCIES.length}, TIME_ID_FREQUENCIES));
        String flat = g.op("Reshape", g.op("Sin", angles), g.longs("time_ids_flat", 0, -1));
        String timeImage = g.op("Unsqueeze", flat, g.longs("time_ids_image_axes", 2, 3));
        int features = TIME_IDS * TIME_ID_FREQUENCIES.length;
        String time = g.conv(timeImage, convWeight(g, random, "add_time_proj", channels, features, 1, 2.0), null, 1);
        return g.op("Add", text, time);
    }

    /** Variance-scaled uniform weights {@code [out, in, k, k]}. */
    private static String convWeight(OnnxGraph g, Random random, String name, int out, int in, int k, double gain) {
        double bound = gain * Math.sqrt(3.0 / (in * k * k));
        return g.floats(name + ".weight", new long[] {out, in, k, k}, uniform(random, out * in * k * k, bound));
    }
}
