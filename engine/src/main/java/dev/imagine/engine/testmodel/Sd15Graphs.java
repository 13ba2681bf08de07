package dev.imagine.engine.testmodel;

import static dev.imagine.engine.testmodel.OnnxGraph.floatAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.intAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.intsAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.stringAttr;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The graphs of Stable Diffusion 1.5 with random weights: the operators a PyTorch export at opset 17 produces for
 * CLIP's text transformer, {@code UNet2DConditionModel} and {@code AutoencoderKL} (group norm as instance norm over
 * reshaped groups, GELU through {@code Erf}, attention as MatMul and Softmax, linear weights stored transposed),
 * with the shapes of {@link Sd15Architecture}.
 *
 * <p>Weights are uniform with standard deviation {@code gain / sqrt(fanIn)}; each residual branch ends with gain
 * 0.3 and every block starts with a norm, so activations stay bounded through the depth. No weight is below
 * {@code 2^-14} in magnitude (the smallest normal fp16), so neither precision holds denormals. In fp16 the
 * weights are stored as fp16 and cast to fp32 in the graph, which computes in fp32.
 */
final class Sd15Graphs {

    private static final float MIN_MAGNITUDE = 0x1p-14f;
    private static final float RESIDUAL_GAIN = 0.3f;
    private static final int MAX_POSITIONS = 77;

    private final OnnxGraph g;
    private final Random random;
    private final boolean fp16;
    private long parameters;
    private int names;

    private Sd15Graphs(OnnxGraph g, long seed, boolean fp16) {
        this.g = g;
        this.random = new Random(seed);
        this.fp16 = fp16;
    }

    /** The text encoder: {@code input_ids [batch, sequence]} to {@code last_hidden_state} and {@code pooler_output}. */
    static long textEncoder(OnnxGraph g, Sd15Architecture a, DataType idsType, boolean fp16, long seed) {
        Sd15Graphs n = new Sd15Graphs(g, seed, fp16);
        DataType io = fp16 ? DataType.FLOAT16 : DataType.FLOAT;
        int width = a.textWidth();
        g.input("input_ids", idsType, "batch", "sequence");
        g.output("last_hidden_state", io, "batch", "sequence", width);
        g.output("pooler_output", io, "batch", width);

        String ids = idsType == DataType.INT64 ? "input_ids" : g.cast("input_ids", DataType.INT64);
        String tokens = g.op("Gather", n.weight("embeddings.token_embedding.weight",
                new long[] {a.vocabularyRows(), width}, 1.0, 1), ids, intAttr("axis", 0));
        String length = g.op("Shape", "input_ids", intAttr("start", 1), intAttr("end", 2));
        String positions = g.op("Slice", new String[] {n.weight("embeddings.position_embedding.weight",
                new long[] {MAX_POSITIONS, width}, 0.5, 1), g.longs("zero", 0), length, g.longs("axis0", 0)});
        String hidden = g.op("Add", tokens, positions);

        float[] mask = new float[MAX_POSITIONS * MAX_POSITIONS];
        for (int row = 0; row < MAX_POSITIONS; row++) {
            for (int column = row + 1; column < MAX_POSITIONS; column++) {
                mask[row * MAX_POSITIONS + column] = -1e9f;
            }
        }
        String full = g.floats("causal_mask", new long[] {MAX_POSITIONS, MAX_POSITIONS}, mask);
        String causal = g.op("Slice", new String[] {full, g.longs("mask_starts", 0, 0),
                g.op("Concat", new String[] {length, length}, intAttr("axis", 0)), g.longs("mask_axes", 0, 1)});

        for (int layer = 0; layer < a.textLayers(); layer++) {
            String p = "encoder.layers." + layer + ".";
            String normed = n.layerNorm(p + "layer_norm1", hidden, width);
            String attention = n.attention(p + "self_attn.", normed, normed, width, width, a.textHeads(), true,
                    causal);
            hidden = g.op("Add", hidden, attention);
            String mlpIn = n.layerNorm(p + "layer_norm2", hidden, width);
            String fc1 = n.linear(p + "mlp.fc1", mlpIn, width, a.textFeedForward(), 1.0, true);
            String quickGelu = g.op("Mul", fc1, g.op("Sigmoid", g.op("Mul", fc1, n.constant(1.702f))));
            hidden = g.op("Add", hidden, n.linear(p + "mlp.fc2", quickGelu, a.textFeedForward(), width,
                    RESIDUAL_GAIN, true));
        }
        String last = n.layerNorm("final_layer_norm", hidden, width);
        n.emit("last_hidden_state", last);

        String end = g.op("ArgMax", g.cast(ids, DataType.FLOAT), intAttr("axis", 1), intAttr("keepdims", 1));
        String index = g.op("Expand", g.op("Unsqueeze", end, g.longs("end_axes", 2)), g.longs("pool_shape", 1, 1,
                width));
        String pooled = g.op("GatherElements", last, index, intAttr("axis", 1));
        n.emit("pooler_output", g.op("Reshape", pooled, g.longs("pooled_shape", 0, -1)));
        return n.parameters;
    }

    /** The UNet: {@code sample}, {@code timestep [batch]}, {@code encoder_hidden_states} to {@code out_sample}. */
    static long unet(OnnxGraph g, Sd15Architecture a, boolean fp16, long seed) {
        Sd15Graphs n = new Sd15Graphs(g, seed, fp16);
        DataType io = fp16 ? DataType.FLOAT16 : DataType.FLOAT;
        List<Integer> widths = a.unetChannels();
        int first = widths.get(0);
        g.input("sample", io, "batch", UnetGraph.LATENT_CHANNELS, "height", "width");
        g.input("timestep", DataType.FLOAT, "batch");
        g.input("encoder_hidden_states", io, "batch", "sequence", a.textWidth());
        g.output("out_sample", io, "batch", UnetGraph.LATENT_CHANNELS, "height", "width");
        String sample = fp16 ? g.cast("sample", DataType.FLOAT) : "sample";
        String context = fp16 ? g.cast("encoder_hidden_states", DataType.FLOAT) : "encoder_hidden_states";

        int half = first / 2;
        float[] frequencies = new float[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) Math.exp(-Math.log(10000) * i / half);
        }
        String angles = g.op("Mul", g.op("Unsqueeze", "timestep", g.longs("time_axes", 1)),
                g.floats("time_proj.frequencies", new long[] {1, half}, frequencies));
        String sinusoid = g.op("Concat", new String[] {g.op("Cos", angles), g.op("Sin", angles)}, intAttr("axis", 1));
        String temb = n.linear("time_embedding.linear_1", sinusoid, first, a.timeWidth(), 1.0, true);
        temb = n.linear("time_embedding.linear_2", n.silu(temb), a.timeWidth(), a.timeWidth(), 1.0, true);
        String tembActive = n.silu(temb);

        String h = n.conv("conv_in", sample, UnetGraph.LATENT_CHANNELS, first, 3, 1.0);
        List<String> skips = new ArrayList<>();
        List<Integer> skipWidths = new ArrayList<>();
        skips.add(h);
        skipWidths.add(first);
        int channels = first;
        for (int block = 0; block < widths.size(); block++) {
            boolean attention = block < widths.size() - 1;
            int out = widths.get(block);
            for (int layer = 0; layer < a.unetLayersPerBlock(); layer++) {
                String p = "down_blocks." + block + ".";
                h = n.resnet(p + "resnets." + layer, h, channels, out, tembActive, a.timeWidth(), a.groups(), 1e-5f);
                channels = out;
                if (attention) {
                    h = n.transformer(p + "attentions." + layer, h, channels, context, a.textWidth(), a.unetHeads(),
                            a.groups());
                }
                skips.add(h);
                skipWidths.add(channels);
            }
            if (block < widths.size() - 1) {
                h = n.downsample("down_blocks." + block + ".downsamplers.0.conv", h, channels, 1);
                skips.add(h);
                skipWidths.add(channels);
            }
        }
        h = n.resnet("mid_block.resnets.0", h, channels, channels, tembActive, a.timeWidth(), a.groups(), 1e-5f);
        h = n.transformer("mid_block.attentions.0", h, channels, context, a.textWidth(), a.unetHeads(), a.groups());
        h = n.resnet("mid_block.resnets.1", h, channels, channels, tembActive, a.timeWidth(), a.groups(), 1e-5f);

        for (int block = 0; block < widths.size(); block++) {
            int out = widths.get(widths.size() - 1 - block);
            boolean attention = block > 0;
            for (int layer = 0; layer <= a.unetLayersPerBlock(); layer++) {
                String p = "up_blocks." + block + ".";
                String skip = skips.remove(skips.size() - 1);
                int skipWidth = skipWidths.remove(skipWidths.size() - 1);
                h = g.op("Concat", new String[] {h, skip}, intAttr("axis", 1));
                h = n.resnet(p + "resnets." + layer, h, channels + skipWidth, out, tembActive, a.timeWidth(),
                        a.groups(), 1e-5f);
                channels = out;
                if (attention) {
                    h = n.transformer(p + "attentions." + layer, h, channels, context, a.textWidth(), a.unetHeads(),
                            a.groups());
                }
            }
            if (block < widths.size() - 1) {
                h = n.upsample("up_blocks." + block + ".upsamplers.0.conv", h, channels);
            }
        }
        h = n.silu(n.groupNorm("conv_norm_out", h, channels, a.groups(), 1e-5f));
        n.emit("out_sample", n.conv("conv_out", h, channels, UnetGraph.LATENT_CHANNELS, 3, 1.0));
        return n.parameters;
    }

    /** The VAE decoder: {@code latent_sample [batch, 4, h, w]} to {@code sample [batch, 3, 8h, 8w]}. */
    static long vaeDecoder(OnnxGraph g, Sd15Architecture a, boolean fp16, long seed) {
        Sd15Graphs n = new Sd15Graphs(g, seed, fp16);
        DataType io = fp16 ? DataType.FLOAT16 : DataType.FLOAT;
        g.input("latent_sample", io, "batch", UnetGraph.LATENT_CHANNELS, "height", "width");
        g.output("sample", io, "batch", 3, "image_height", "image_width");
        List<Integer> widths = a.vaeChannels();
        int top = widths.get(widths.size() - 1);
        String latents = fp16 ? g.cast("latent_sample", DataType.FLOAT) : "latent_sample";
        String h = n.conv("post_quant_conv", latents, UnetGraph.LATENT_CHANNELS, UnetGraph.LATENT_CHANNELS, 1, 1.0);
        h = n.conv("decoder.conv_in", h, UnetGraph.LATENT_CHANNELS, top, 3, 1.0);
        h = n.vaeMid("decoder.mid_block", h, top, a.groups());
        int channels = top;
        for (int block = 0; block < widths.size(); block++) {
            int out = widths.get(widths.size() - 1 - block);
            for (int layer = 0; layer <= a.vaeLayersPerBlock(); layer++) {
                h = n.resnet("decoder.up_blocks." + block + ".resnets." + layer, h, channels, out, null, 0, a.groups(),
                        1e-6f);
                channels = out;
            }
            if (block < widths.size() - 1) {
                h = n.upsample("decoder.up_blocks." + block + ".upsamplers.0.conv", h, channels);
            }
        }
        h = n.silu(n.groupNorm("decoder.conv_norm_out", h, channels, a.groups(), 1e-6f));
        n.emit("sample", n.conv("decoder.conv_out", h, channels, 3, 3, 1.0));
        return n.parameters;
    }

    /** The VAE encoder: {@code sample [batch, 3, H, W]} to {@code latent_parameters [batch, 8, H/8, W/8]}. */
    static long vaeEncoder(OnnxGraph g, Sd15Architecture a, boolean fp16, long seed) {
        Sd15Graphs n = new Sd15Graphs(g, seed, fp16);
        DataType io = fp16 ? DataType.FLOAT16 : DataType.FLOAT;
        int moments = 2 * UnetGraph.LATENT_CHANNELS;
        g.input("sample", io, "batch", 3, "image_height", "image_width");
        g.output("latent_parameters", io, "batch", moments, "height", "width");
        List<Integer> widths = a.vaeChannels();
        String pixels = fp16 ? g.cast("sample", DataType.FLOAT) : "sample";
        int channels = widths.get(0);
        String h = n.conv("encoder.conv_in", pixels, 3, channels, 3, 1.0);
        for (int block = 0; block < widths.size(); block++) {
            int out = widths.get(block);
            for (int layer = 0; layer < a.vaeLayersPerBlock(); layer++) {
                h = n.resnet("encoder.down_blocks." + block + ".resnets." + layer, h, channels, out, null, 0,
                        a.groups(), 1e-6f);
                channels = out;
            }
            if (block < widths.size() - 1) {
                h = n.downsample("encoder.down_blocks." + block + ".downsamplers.0.conv", h, channels, 0);
            }
        }
        h = n.vaeMid("encoder.mid_block", h, channels, a.groups());
        h = n.silu(n.groupNorm("encoder.conv_norm_out", h, channels, a.groups(), 1e-6f));
        h = n.conv("encoder.conv_out", h, channels, moments, 3, 1.0);
        n.emit("latent_parameters", n.conv("quant_conv", h, moments, moments, 1, 1.0));
        return n.parameters;
    }

    private String vaeMid(String p, String h, int channels, int groups) {
        h = resnet(p + ".resnets.0", h, channels, channels, null, 0, groups, 1e-6f);
        String normed = groupNorm(p + ".attentions.0.group_norm", h, channels, groups, 1e-6f);
        String sequence = toSequence(normed);
        String attended = attention(p + ".attentions.0.", sequence, sequence, channels, channels, 1, true, null);
        h = g.op("Add", h, fromSequence(attended, h));
        return resnet(p + ".resnets.1", h, channels, channels, null, 0, groups, 1e-6f);
    }

    /** A ResNet block: two norm-SiLU-conv steps (the time embedding added between them) and a 1x1 shortcut. */
    private String resnet(String p, String x, int in, int out, String temb, int timeWidth, int groups, float eps) {
        String h = conv(p + ".conv1", silu(groupNorm(p + ".norm1", x, in, groups, eps)), in, out, 3, 1.0);
        if (temb != null) {
            String projected = linear(p + ".time_emb_proj", temb, timeWidth, out, 1.0, true);
            h = g.op("Add", h, g.op("Unsqueeze", projected, g.longs(unique("temb_axes"), 2, 3)));
        }
        h = conv(p + ".conv2", silu(groupNorm(p + ".norm2", h, out, groups, eps)), out, out, 3, RESIDUAL_GAIN);
        String shortcut = in == out ? x : conv(p + ".conv_shortcut", x, in, out, 1, 1.0);
        return g.op("Add", shortcut, h);
    }

    /** {@code Transformer2DModel}: norm, 1x1 in, self-attention, cross-attention, GEGLU feed-forward, 1x1 out. */
    private String transformer(String p, String x, int channels, String context, int contextWidth, int heads,
            int groups) {
        String normed = groupNorm(p + ".norm", x, channels, groups, 1e-6f);
        String h = toSequence(conv(p + ".proj_in", normed, channels, channels, 1, 1.0));
        String b = p + ".transformer_blocks.0.";
        String n1 = layerNorm(b + "norm1", h, channels);
        h = g.op("Add", h, attention(b + "attn1.", n1, n1, channels, channels, heads, false, null));
        String n2 = layerNorm(b + "norm2", h, channels);
        h = g.op("Add", h, attention(b + "attn2.", n2, context, channels, contextWidth, heads, false, null));
        String n3 = layerNorm(b + "norm3", h, channels);
        int inner = 4 * channels;
        String projected = linear(b + "ff.net.0.proj", n3, channels, 2 * inner, 1.0, true);
        String value = g.op("Slice", new String[] {projected, g.longs(unique("geglu_from"), 0),
                g.longs(unique("geglu_mid"), inner), g.longs(unique("geglu_axis"), 2)});
        String gate = g.op("Slice", new String[] {projected, g.longs(unique("geglu_mid"), inner),
                g.longs(unique("geglu_to"), 2L * inner), g.longs(unique("geglu_axis"), 2)});
        h = g.op("Add", h, linear(b + "ff.net.2", g.op("Mul", value, gelu(gate)), inner, channels, RESIDUAL_GAIN,
                true));
        String out = conv(p + ".proj_out", fromSequence(h, x), channels, channels, 1, RESIDUAL_GAIN);
        return g.op("Add", x, out);
    }

    /**
     * Multi-head attention of {@code [B, S, width]} queries over {@code [B, T, contextWidth]} keys and values,
     * {@code mask} ({@code [S, T]}, or null) added to the scores.
     */
    private String attention(String p, String x, String context, int width, int contextWidth, int heads,
            boolean bias, String mask) {
        int headWidth = width / heads;
        String split = g.longs(unique("heads_shape"), 0, 0, heads, headWidth);
        String q = g.op("Transpose", g.op("Reshape", linear(p + "to_q", x, width, width, 1.0, bias), split),
                intsAttr("perm", 0, 2, 1, 3));
        String k = g.op("Transpose", g.op("Reshape", linear(p + "to_k", context, contextWidth, width, 1.0, bias),
                split), intsAttr("perm", 0, 2, 3, 1));
        String v = g.op("Transpose", g.op("Reshape", linear(p + "to_v", context, contextWidth, width, 1.0, bias),
                split), intsAttr("perm", 0, 2, 1, 3));
        String scores = g.op("Mul", g.op("MatMul", q, k), constant((float) (1 / Math.sqrt(headWidth))));
        if (mask != null) {
            scores = g.op("Add", scores, mask);
        }
        String mixed = g.op("MatMul", g.op("Softmax", scores, intAttr("axis", -1)), v);
        String merged = g.op("Reshape", g.op("Transpose", mixed, intsAttr("perm", 0, 2, 1, 3)),
                g.longs(unique("merge_shape"), 0, 0, width));
        return linear(p + "to_out.0", merged, width, width, RESIDUAL_GAIN, true);
    }

    /** {@code [B, C, H, W]} to {@code [B, H*W, C]}. */
    private String toSequence(String x) {
        String flat = g.op("Reshape", x, g.longs(unique("flat_shape"), 0, 0, -1));
        return g.op("Transpose", flat, intsAttr("perm", 0, 2, 1));
    }

    /** {@code [B, H*W, C]} back to the shape of {@code like}. */
    private String fromSequence(String sequence, String like) {
        return g.op("Reshape", g.op("Transpose", sequence, intsAttr("perm", 0, 2, 1)), g.op("Shape", like));
    }

    private String groupNorm(String p, String x, int channels, int groups, float eps) {
        String grouped = g.op("Reshape", x, g.longs(unique("group_shape"), 0, groups, -1));
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        String normed = g.op("InstanceNormalization", new String[] {grouped,
                g.floats(unique("group_ones"), new long[] {groups}, ones),
                g.floats(unique("group_zeros"), new long[] {groups}, new float[groups])}, floatAttr("epsilon", eps));
        String back = g.op("Reshape", normed, g.op("Shape", x));
        String scale = normWeight(p + ".weight", new long[] {channels, 1, 1}, 1f);
        String shift = normWeight(p + ".bias", new long[] {channels, 1, 1}, 0f);
        return g.op("Add", g.op("Mul", back, scale), shift);
    }

    private String layerNorm(String p, String x, int width) {
        return g.op("LayerNormalization", new String[] {x, normWeight(p + ".weight", new long[] {width}, 1f),
                normWeight(p + ".bias", new long[] {width}, 0f)}, intAttr("axis", -1), floatAttr("epsilon", 1e-5f));
    }

    /** {@code x @ W + b} with {@code W [in, out]}, PyTorch's {@code Linear} as exported. */
    private String linear(String p, String x, int in, int out, double gain, boolean bias) {
        String y = g.op("MatMul", x, weight(p + ".weight", new long[] {in, out}, gain, in));
        return bias ? g.op("Add", y, normWeight(p + ".bias", new long[] {out}, 0f)) : y;
    }

    private String conv(String p, String x, int in, int out, int k, double gain) {
        String weight = weight(p + ".weight", new long[] {out, in, k, k}, gain, in * k * k);
        return g.conv(x, weight, normWeight(p + ".bias", new long[] {out}, 0f), k);
    }

    /** A 3x3 stride-2 convolution; padding 1 (UNet) or 0 after padding right and bottom by one (VAE). */
    private String downsample(String p, String x, int channels, int pad) {
        String weight = weight(p + ".weight", new long[] {channels, channels, 3, 3}, 1.0, channels * 9);
        String bias = normWeight(p + ".bias", new long[] {channels}, 0f);
        String input = pad == 1 ? x : g.op("Pad", new String[] {x, g.longs(unique("down_pads"), 0, 0, 0, 0, 0, 0, 1, 1)});
        return g.op("Conv", new String[] {input, weight, bias}, intsAttr("kernel_shape", 3, 3),
                intsAttr("pads", pad, pad, pad, pad), intsAttr("strides", 2, 2));
    }

    private String upsample(String p, String x, int channels) {
        String scales = g.floats(unique("up_scales"), new long[] {4}, new float[] {1, 1, 2, 2});
        String doubled = g.op("Resize", new String[] {x, "", scales}, stringAttr("mode", "nearest"),
                stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor"));
        return conv(p, doubled, channels, channels, 3, 1.0);
    }

    private String silu(String x) {
        return g.op("Mul", x, g.op("Sigmoid", x));
    }

    private String gelu(String x) {
        String erf = g.op("Erf", g.op("Mul", x, constant((float) (1 / Math.sqrt(2)))));
        return g.op("Mul", g.op("Mul", x, constant(0.5f)), g.op("Add", erf, constant(1f)));
    }

    private String constant(float value) {
        return g.scalar(unique("const"), value);
    }

    /** A trainable tensor of uniform values with standard deviation {@code gain / sqrt(fanIn)}. */
    private String weight(String name, long[] dims, double gain, int fanIn) {
        return parameter(name, dims, 0f, gain * Math.sqrt(3.0 / fanIn));
    }

    /** A norm scale or bias: {@code centre} plus uniform noise of 0.02. */
    private String normWeight(String name, long[] dims, float centre) {
        return parameter(name, dims, centre, 0.02);
    }

    private String parameter(String name, long[] dims, float centre, double bound) {
        long count = 1;
        for (long dim : dims) {
            count *= dim;
        }
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            float value = centre + (float) ((random.nextDouble() * 2 - 1) * bound);
            values[i] = Math.abs(value) < MIN_MAGNITUDE ? Math.copySign(MIN_MAGNITUDE, value) : value;
        }
        parameters += count;
        if (!fp16) {
            return g.floats(name, dims, values);
        }
        return g.cast(g.halves(name, dims, values), DataType.FLOAT);
    }

    private void emit(String output, String value) {
        if (fp16) {
            g.opTo(output, "Cast", new String[] {value}, intAttr("to", DataType.FLOAT16_VALUE));
        } else {
            g.opTo(output, "Identity", new String[] {value});
        }
    }

    private String unique(String name) {
        return name + "_" + names++;
    }
}
