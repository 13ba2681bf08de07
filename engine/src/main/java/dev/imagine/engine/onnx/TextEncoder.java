package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

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
    private final TensorType outputType;
    private final AtomicReference<Buffers> spare = new AtomicReference<>();

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
        this.outputType = out.type();
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
        Buffers buffers = take(chunk);
        try {
            for (int start = 0; start < prompts.size(); start += chunk) {
                for (int row = 0; row < chunk; row++) {
                    int source = Math.min(start + row, prompts.size() - 1);
                    buffers.input.writeIds(prompts.get(source), row * sequenceLength);
                }
                if (buffers.output != null) {
                    // Written straight into a reused tensor; only the hidden states are asked for.
                    try (OrtSession.Result ignored = graph.run(Map.of(INPUT, buffers.input.tensor()),
                            Map.of(output, buffers.output.tensor()))) {
                        int width = sequenceLength * declaredHidden;
                        for (int row = 0; row < chunk && start + row < prompts.size(); row++) {
                            float[] one = new float[width];
                            buffers.output.read(row * width, one, 0, width);
                            states.add(one);
                        }
                    }
                } else {
                    try (OrtSession.Result result = graph.run(Map.of(INPUT, buffers.input.tensor()), Set.of(output))) {
                        readAllocated(result, chunk, start, prompts.size(), states);
                    }
                }
            }
        } finally {
            Buffers previous = spare.getAndSet(buffers);
            if (previous != null) {
                previous.close();
            }
        }
        return states;
    }

    private void readAllocated(OrtSession.Result result, int chunk, int start, int total, List<float[]> states)
            throws InferenceException {
        OnnxTensor hidden = Outputs.tensor(result, output, "text_encoder");
        long[] shape = Outputs.shape(hidden);
        if (shape.length != 3 || shape[0] != chunk || shape[1] != sequenceLength) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "text_encoder returned shape "
                    + java.util.Arrays.toString(shape) + "; expected [" + chunk + ", " + sequenceLength + ", hidden]");
        }
        float[] all = Outputs.floats(hidden, "text_encoder");
        int width = (int) (shape[1] * shape[2]);
        for (int row = 0; row < chunk && start + row < total; row++) {
            float[] one = new float[width];
            System.arraycopy(all, row * width, one, 0, width);
            states.add(one);
        }
    }

    /** The reused tensors for a batch of {@code chunk} prompts (fresh ones when another call holds them). */
    private Buffers take(int chunk) throws InferenceException {
        Buffers buffers = spare.getAndSet(null);
        if (buffers != null && buffers.chunk == chunk) {
            return buffers;
        }
        if (buffers != null) {
            buffers.close();
        }
        HostTensor input = null;
        try {
            input = HostTensor.allocate(graph.environment(), ids.type(), new long[] {chunk, sequenceLength});
            HostTensor out = declaredHidden > 0 ? HostTensor.allocate(graph.environment(), outputType,
                    new long[] {chunk, sequenceLength, declaredHidden}) : null;
            return new Buffers(chunk, input, out);
        } catch (OrtException e) {
            if (input != null) {
                input.close();
            }
            throw Graph.translate(e, "allocating text_encoder tensors", false);
        }
    }

    /** One batch size's input ids and, when the width is known, its output. */
    private static final class Buffers implements AutoCloseable {
        final int chunk;
        final HostTensor input;
        final HostTensor output;

        Buffers(int chunk, HostTensor input, HostTensor output) {
            this.chunk = chunk;
            this.input = input;
            this.output = output;
        }

        @Override
        public void close() {
            input.close();
            if (output != null) {
                output.close();
            }
        }
    }

    @Override
    public void close() {
        Buffers kept = spare.getAndSet(null);
        if (kept != null) {
            kept.close();
        }
        graph.close();
    }
}
