package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLIP text encoder: token ids in, per-token hidden states out. Adapts to int32 or int64 ids and to a batch
 * dimension fixed by the export. Owns its graph.
 */
public final class TextEncoder implements AutoCloseable {
    private static final String INPUT = "input_ids";
    private static final String OUTPUT = "last_hidden_state";

    private final Graph graph;
    private final Port ids;
    private final String output;
    private final int sequenceLength;
    private final int fixedBatch;
    private final int declaredHidden;

    private TextEncoder(Graph graph) throws InferenceException {
        this.graph = graph;
        this.ids = graph.input(INPUT);
        if (ids.type() != TensorType.INT32 && ids.type() != TensorType.INT64) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                    "text_encoder input_ids is " + ids.type().onnxName() + "; expected int32 or int64");
        }
        if (ids.rank() != 2) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                    "text_encoder input_ids has shape " + ids.describe() + "; expected [batch, 77]");
        }
        this.sequenceLength = ids.dim(1) > 0 ? (int) ids.dim(1) : 77;
        this.fixedBatch = ids.dim(0) > 0 ? (int) ids.dim(0) : 0;
        Map<String, Port> outputs = graph.outputs();
        Port out = outputs.get(OUTPUT);
        if (out == null) {
            out = outputs.values().stream().filter(p -> p.rank() == 3 && p.type().isFloat()).findFirst()
                    .orElseThrow(() -> new InferenceException(InferenceException.Kind.INVALID_MODEL,
                            "text_encoder has no last_hidden_state output (its outputs: " + outputs.values() + ")"));
        }
        this.output = out.name();
        this.declaredHidden = out.rank() == 3 && out.dim(2) > 0 ? (int) out.dim(2) : -1;
    }

    /** Opens {@code text_encoder/model.onnx}; the caller owns the result. */
    public static TextEncoder open(SessionFactory factory, Path model) throws InferenceException {
        Graph graph = factory.open(model, "text_encoder");
        try {
            return new TextEncoder(graph);
        } catch (InferenceException | RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Tokens per prompt the graph takes (77 for CLIP). */
    public int sequenceLength() {
        return sequenceLength;
    }

    /** The hidden size the graph declares, or -1 when its output width is symbolic. */
    public int declaredHiddenSize() {
        return declaredHidden;
    }

    /** "int32" or "int64". */
    public String idsType() {
        return ids.type().onnxName();
    }

    /** The underlying graph, for timing. */
    public Graph graph() {
        return graph;
    }

    /**
     * Encodes prompts of exactly {@link #sequenceLength()} ids each.
     *
     * @return one float array of {@code sequenceLength * hidden} values per prompt, in order
     */
    public List<float[]> encode(List<int[]> prompts) throws InferenceException {
        for (int[] p : prompts) {
            if (p.length != sequenceLength) {
                throw new IllegalArgumentException("expected " + sequenceLength + " ids, got " + p.length);
            }
        }
        int chunk = fixedBatch > 0 ? fixedBatch : prompts.size();
        List<float[]> states = new ArrayList<>(prompts.size());
        for (int start = 0; start < prompts.size(); start += chunk) {
            try (HostTensor input = HostTensor.allocate(graph.environment(), ids.type(),
                    new long[] {chunk, sequenceLength})) {
                for (int row = 0; row < chunk; row++) {
                    int source = Math.min(start + row, prompts.size() - 1);
                    input.writeIds(prompts.get(source), row * sequenceLength);
                }
                try (OrtSession.Result result = graph.run(Map.of(INPUT, input.tensor()))) {
                    OnnxTensor hidden = Outputs.tensor(result, output, "text_encoder");
                    long[] shape = Outputs.shape(hidden);
                    if (shape.length != 3 || shape[0] != chunk || shape[1] != sequenceLength) {
                        throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                                "text_encoder returned shape " + java.util.Arrays.toString(shape)
                                        + "; expected [" + chunk + ", " + sequenceLength + ", hidden]");
                    }
                    float[] all = Outputs.floats(hidden, "text_encoder");
                    int width = (int) (shape[1] * shape[2]);
                    for (int row = 0; row < chunk && start + row < prompts.size(); row++) {
                        float[] one = new float[width];
                        System.arraycopy(all, row * width, one, 0, width);
                        states.add(one);
                    }
                }
            } catch (OrtException e) {
                throw Graph.translate(e, "preparing text_encoder input", false);
            }
        }
        return states;
    }

    @Override
    public void close() {
        graph.close();
    }
}
