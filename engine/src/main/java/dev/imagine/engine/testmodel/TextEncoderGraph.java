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

        String[] tables = embeddingTables(g, random, width);
        String dense = g.floats("dense.weight", new long[] {width, width},
                uniform(random, width * width, Math.sqrt(3.0 / width) * 0.6));
        String denseBias = g.floats("dense.bias", new long[] {width}, uniform(random, width, 0.1));
        String embedded = embed(g, idsType, tables);

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

    /** Hidden layers of SDXL's first tiny encoder (CLIP ViT-L stand-in). */
    static final int SDXL_FIRST_LAYERS = 2;
    /** Hidden layers of SDXL's second tiny encoder (OpenCLIP bigG stand-in): another count than the first. */
    static final int SDXL_SECOND_LAYERS = 3;

    /**
     * One of SDXL's two encoders as optimum exports them with {@code output_hidden_states}: the first
     * ({@code CLIPTextModel}) gives {@code last_hidden_state}, {@code pooler_output} and {@code hidden_states.0..N};
     * the second ({@code CLIPTextModelWithProjection}) gives {@code text_embeds}, {@code last_hidden_state} and
     * {@code hidden_states.0..N}. State 0 is the embedding, state {@code k} the output of layer {@code k}, and
     * {@code last_hidden_state} a scaled and shifted copy of state N (CLIP's final layer norm), so the penultimate
     * state, the last state and {@code last_hidden_state} all differ. The second encoder always takes int64 ids, as
     * older optimum exports of SDXL do next to int32 ids for the first.
     */
    static ModelProto buildSdxl(TinyModelSpec spec, boolean first, long seed) {
        int width = first ? spec.hiddenSize() : spec.secondHiddenSize();
        int layers = first ? SDXL_FIRST_LAYERS : SDXL_SECOND_LAYERS;
        Random random = new Random(seed);
        DataType floatType = spec.precision() == TinyModelSpec.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
        DataType idsType = first && spec.idsType() == TinyModelSpec.IdsType.INT32 ? DataType.INT32 : DataType.INT64;
        Object batch = spec.textEncoderBatchFixedToOne() ? (Object) 1 : "batch";
        String pooledName = first ? "pooler_output" : "text_embeds";

        OnnxGraph g = new OnnxGraph(first ? "text_encoder" : "text_encoder_2");
        g.input("input_ids", idsType, batch, "sequence");
        if (first) {
            g.output("last_hidden_state", floatType, batch, "sequence", width);
            g.output(pooledName, floatType, batch, width);
        } else {
            g.output(pooledName, floatType, batch, width);
            g.output("last_hidden_state", floatType, batch, "sequence", width);
        }
        for (int k = 0; k <= layers; k++) {
            g.output("hidden_states." + k, floatType, batch, "sequence", width);
        }

        String hidden = embed(g, idsType, embeddingTables(g, random, width));
        emit(g, "hidden_states.0", hidden, floatType);
        for (int layer = 0; layer < layers; layer++) {
            String dense = g.floats("layer" + layer + ".weight", new long[] {width, width},
                    uniform(random, width * width, Math.sqrt(3.0 / width) * 0.8));
            String bias = g.floats("layer" + layer + ".bias", new long[] {width}, uniform(random, width, 0.1));
            String mean = g.op("Transpose", g.sequenceMean(hidden), intsAttr("perm", 0, 2, 1));
            hidden = g.op("Tanh", g.op("Add", g.op("MatMul", g.op("Add", hidden, mean), dense), bias));
            emit(g, "hidden_states." + (layer + 1), hidden, floatType);
        }
        String last = g.op("Add", g.op("Mul", hidden, g.scalar("final_norm.scale", 0.8f)),
                g.floats("final_norm.bias", new long[] {width}, uniform(random, width, 0.2)));
        emit(g, "last_hidden_state", last, floatType);
        String pooled = g.op("Reshape", g.sequenceMean(last), g.longs("pooled_shape", 0, -1));
        if (!first) {
            pooled = g.op("MatMul", pooled, g.floats("text_projection.weight", new long[] {width, width},
                    uniform(random, width * width, Math.sqrt(3.0 / width))));
        }
        emit(g, pooledName, pooled, floatType);
        return g.model("Made-up CLIP-shaped SDXL text encoder written by imagine's TinyModelWriter; not a real model.");
    }

    /** The token and position tables, drawn in that order. */
    private static String[] embeddingTables(OnnxGraph g, Random random, int width) {
        String tokenTable = g.floats("token_embedding.weight", new long[] {EMBEDDING_ROWS, width},
                uniform(random, EMBEDDING_ROWS * width, Math.sqrt(3)));
        String positionTable = g.floats("position_embedding.weight", new long[] {MAX_POSITIONS, width},
                uniform(random, MAX_POSITIONS * width, 0.5));
        return new String[] {tokenTable, positionTable};
    }

    /** Token embedding (ids modulo {@link #EMBEDDING_ROWS}) plus position embedding, {@code [B, S, W]}. */
    private static String embed(OnnxGraph g, DataType idsType, String[] tables) {
        String ids = idsType == DataType.INT64 ? "input_ids" : g.cast("input_ids", DataType.INT64);
        String rows = g.op("Mod", ids, g.longScalar("embedding_rows", EMBEDDING_ROWS));
        String tokens = g.op("Gather", tables[0], rows, intAttr("axis", 0));
        String length = g.op("Shape", "input_ids", intAttr("start", 1), intAttr("end", 2));
        String positions = g.op("Slice", new String[] {tables[1], g.longs("zero", 0), length, g.longs("axis0", 0)});
        return g.op("Add", tokens, positions);
    }

    private static void emit(OnnxGraph g, String output, String value, DataType floatType) {
        if (floatType == DataType.FLOAT16) {
            g.opTo(output, "Cast", new String[] {value}, intAttr("to", DataType.FLOAT16_VALUE));
        } else {
            g.opTo(output, "Identity", new String[] {value});
        }
    }
}
