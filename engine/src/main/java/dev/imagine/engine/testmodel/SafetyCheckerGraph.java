package dev.imagine.engine.testmodel;

import static dev.imagine.engine.testmodel.OnnxGraph.intAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.intsAttr;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * A safety checker with the interface of diffusers' ONNX export ({@code clip_input} {@code [batch, 3, 224, 224]},
 * {@code images} {@code [batch, height, width, 3]} in; {@code out_images}, {@code has_nsfw_concepts} bool
 * {@code [batch]} out) whose verdict is a plain statistic instead of CLIP concept scores: a picture is flagged when
 * the mean of its {@code clip_input} (all channels, after CLIP's normalisation) is above the spec's
 * {@code safetyThreshold}, so roughly "brighter than CLIP's mean grey" at threshold 0. Like the real export it blacks
 * out the flagged pictures in {@code out_images}.
 */
final class SafetyCheckerGraph {
    /** CLIP ViT-L/14's input side, as Stable Diffusion's feature extractor crops. */
    static final int SIDE = 224;

    private SafetyCheckerGraph() {
    }

    static ModelProto build(TinyModelSpec spec) {
        DataType floatType = spec.precision() == TinyModelSpec.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
        OnnxGraph g = new OnnxGraph("safety_checker");
        g.input("clip_input", floatType, "batch", 3, SIDE, SIDE);
        g.input("images", floatType, "batch", "height", "width", 3);
        g.output("out_images", floatType, "batch", "height", "width", 3);
        g.output("has_nsfw_concepts", DataType.BOOL, "batch");

        String clip = floatType == DataType.FLOAT ? "clip_input" : g.cast("clip_input", DataType.FLOAT);
        String mean = g.op("ReduceMean", clip, intsAttr("axes", 1, 2, 3), intAttr("keepdims", 0));
        String flagged = g.op("Greater", mean, g.scalar("threshold", spec.safetyThreshold().floatValue()));
        g.opTo("has_nsfw_concepts", "Identity", new String[] {flagged});
        String keep = g.op("Unsqueeze", g.cast(g.op("Not", flagged), floatType), g.longs("image_axes", 1, 2, 3));
        g.opTo("out_images", "Mul", new String[] {"images", keep});
        return g.model("Made-up safety checker written by imagine's TinyModelWriter: it flags bright pictures; "
                + "not a real model.");
    }

    /** {@code feature_extractor/preprocessor_config.json} as Stable Diffusion 1.x repositories ship it. */
    static ObjectNode preprocessorConfig(ObjectMapper json) {
        ObjectNode config = json.createObjectNode();
        config.put("crop_size", SIDE);
        config.put("do_center_crop", true);
        config.put("do_convert_rgb", true);
        config.put("do_normalize", true);
        config.put("do_resize", true);
        config.put("feature_extractor_type", "CLIPFeatureExtractor");
        config.set("image_mean", json.createArrayNode().add(new BigDecimal("0.48145466"))
                .add(new BigDecimal("0.4578275")).add(new BigDecimal("0.40821073")));
        config.set("image_std", json.createArrayNode().add(new BigDecimal("0.26862954"))
                .add(new BigDecimal("0.26130258")).add(new BigDecimal("0.27577711")));
        config.put("resample", 3);
        config.put("size", SIDE);
        return config;
    }
}
