package dev.imagine.engine.testmodel;

import static dev.imagine.engine.testmodel.OnnxGraph.intAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.intsAttr;
import static dev.imagine.engine.testmodel.OnnxGraph.uniform;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Random;

/**
 * A CLIP-shaped text encoder: token embedding (ids modulo a small prime), position embedding, a mix with
 * the mean over the sequence, one dense layer with tanh. The pooled output is the mean over the sequence.
 * Every batch row is computed on its own. Like CLIP it has 77 positions: longer sequences fail.
 */
final class TextEncoderGraph {

    static final int EMBEDDING_ROWS = 997;
    static final int MAX_POSITIONS = 77;

    private TextEncoderGraph() {
    }

    /**
     * Builds the model.
     *
     * @param pooledName {@code pooler_output}, or {@code text_embeds} for SDXL's second encoder
     */
    static ModelProto build(TinyModelSpec spec, String pooledName, long seed) {
        int width = spec.hiddenSize();
        Random random = new Random(seed);
        DataType floatType = spec.precision() == TinyModelSpec.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
        DataType idsType = spec.idsType() == TinyModelSpec.IdsType.INT32 ? DataType.INT32 : DataType.INT64;
        Object batch = spec.textEncoderBatchFixedToOne() ? (Object) 1 : "batch";

        OnnxGraph g = new OnnxGraph("text_encoder");
        g.input("input_ids", idsType, batch, "sequence");
        g.output("last_hidden_state", floatType, batch, "sequence", width);
        g.output(pooledName, floatType, batch, width);

        String tokenTable = g.floats("token_embedding.weight", new long[] {EMBEDDING_ROWS, width},
                uniform(random, EMBEDDING_ROWS * width, Math.sqrt(3)));
        String positionTable = g.floats("position_embedding.weight", new long[] {MAX_POSITIONS, width},
                uniform(random, MAX_POSITIONS * width, 0.5));
        String dense = g.floats("dense.weight", new long[] {width, width},
                uniform(random, width * width, Math.sqrt(3.0 / width) * 0.6));
        String denseBias = g.floats("dense.bias", new long[] {width}, uniform(random, width, 0.1));

        String ids = idsType == DataType.INT64 ? "input_ids" : g.cast("input_ids", DataType.INT64);
        String rows = g.op("Mod", ids, g.longScalar("embedding_rows", EMBEDDING_ROWS));
        String tokens = g.op("Gather", tokenTable, rows, intAttr("axis", 0));

        String length = g.op("Shape", "input_ids", intAttr("start", 1), intAttr("end", 2));
        String positions = g.op("Slice", new String[] {positionTable, g.longs("zero", 0), length, g.longs("axis0", 0)});
        String embedded = g.op("Add", tokens, positions);

        String mean = g.op("Transpose", g.sequenceMean(embedded), intsAttr("perm", 0, 2, 1));
        String mixed = g.op("Add", embedded, mean);
        String hidden = g.op("Tanh", g.op("Add", g.op("MatMul", mixed, dense), denseBias));
        String pooled = g.op("Reshape", g.sequenceMean(hidden), g.longs("pooled_shape", 0, -1));

        if (floatType == DataType.FLOAT16) {
            g.opTo("last_hidden_state", "Cast", new String[] {hidden}, intAttr("to", DataType.FLOAT16_VALUE));
            g.opTo(pooledName, "Cast", new String[] {pooled}, intAttr("to", DataType.FLOAT16_VALUE));
        } else {
            g.opTo("last_hidden_state", "Identity", new String[] {hidden});
            g.opTo(pooledName, "Identity", new String[] {pooled});
        }
        return g.model("Made-up CLIP-shaped text encoder written by imagine's TinyModelWriter; not a real model.");
    }
}
