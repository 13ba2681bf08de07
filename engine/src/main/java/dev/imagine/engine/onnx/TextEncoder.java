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
 * dimension fixed by the export. SD 1.x/2.x use {@code last_hidden_state}; SDXL's two encoders are opened with
 * {@link #openPenultimate} and give the penultimate hidden state ({@code hidden_states.N-1} of the highest
 * {@code hidden_states.N} the export has) and, for the second, its pooled {@code text_embeds}. Owns its graph.
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
    private final String pooled;
    private final AtomicReference<Buffers> spare = new AtomicReference<>();

    /** One prompt's hidden states ({@code sequenceLength * hidden} values) and pooled embedding. */
    public record Encoded(float[] states, float[] pooled) {
    }

    private TextEncoder(Graph graph) throws InferenceException {
        this(graph, false, null);
    }

    private TextEncoder(Graph graph, boolean penultimate, String pooledName) throws InferenceException {
        this.graph = graph;
        this.ids = graph.input(INPUT);
        if (ids.type() != TensorType.INT32 && ids.type() != TensorType.INT64) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                    graph.part() + " input_ids is " + ids.type().onnxName() + "; expected int32 or int64");
        }
        if (ids.rank() != 2) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                    graph.part() + " input_ids has shape " + ids.describe() + "; expected [batch, 77]");
        }
        this.sequenceLength = ids.dim(1) > 0 ? (int) ids.dim(1) : 77;
        this.fixedBatch = ids.dim(0) > 0 ? (int) ids.dim(0) : 0;
        Map<String, Port> outputs = graph.outputs();
        Port out = penultimate ? penultimateState(graph) : outputs.get(OUTPUT);
        if (out == null) {
            out = outputs.values().stream().filter(p -> p.rank() == 3 && p.type().isFloat()).findFirst()
                    .orElseThrow(() -> new InferenceException(InferenceException.Kind.INVALID_MODEL,
                            "text_encoder has no last_hidden_state output (its outputs: " + outputs.values() + ")"));
        }
        this.output = out.name();
        this.declaredHidden = out.rank() == 3 && out.dim(2) > 0 ? (int) out.dim(2) : -1;
        this.outputType = out.type();
        if (pooledName != null) {
            Port pool = outputs.get(pooledName);
            if (pool == null || !pool.type().isFloat() || pool.rank() != 2) {
                throw new InferenceException(InferenceException.Kind.INVALID_MODEL, graph.part() + " has no float "
                        + "output '" + pooledName + "' of shape [batch, width] (its outputs: " + outputs.values()
                        + "); SDXL takes its pooled prompt embedding from there: use an SDXL export by optimum-cli "
                        + "export onnx");
            }
        }
        this.pooled = pooledName;
    }

    /** {@code hidden_states.N-1} for the highest {@code N} of the graph's {@code hidden_states.*} outputs. */
    private static Port penultimateState(Graph graph) throws InferenceException {
        int highest = -1;
        for (String name : graph.outputs().keySet()) {
            if (name.startsWith("hidden_states.")) {
                try {
                    highest = Math.max(highest, Integer.parseInt(name.substring("hidden_states.".length())));
                } catch (NumberFormatException e) {
                    // not an indexed state; ignored
                }
            }
        }
        Port port = highest >= 1 ? graph.outputs().get("hidden_states." + (highest - 1)) : null;
        if (port == null || port.rank() != 3 || !port.type().isFloat()) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, graph.part() + " has no "
                    + "hidden_states.N outputs for its layers (its outputs: " + graph.outputs().values() + "); SDXL "
                    + "uses each encoder's penultimate hidden state: export the model with optimum-cli export onnx, "
                    + "which writes them");
        }
        return port;
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

    /**
     * Opens one of SDXL's encoders, giving the penultimate hidden state and, when {@code pooledName} is not null
     * ({@code text_embeds} of {@code text_encoder_2}), the pooled embedding; the caller owns the result.
     *
     * @param part the folder's name for messages: {@code text_encoder} or {@code text_encoder_2}
     */
    public static TextEncoder openPenultimate(SessionFactory factory, Path model, String part, String pooledName)
            throws InferenceException {
        Graph graph = factory.open(model, part);
        try {
            return new TextEncoder(graph, true, pooledName);
        } catch (InferenceException | RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** The width of the pooled output, or -1 when symbolic or not read. */
    public int declaredPooledSize() {
        if (pooled == null) {
            return -1;
        }
        Port port = graph.outputs().get(pooled);
        return port.dim(1) > 0 ? (int) port.dim(1) : -1;
    }

    /**
     * Encodes prompts of exactly {@link #sequenceLength()} ids each into hidden states and pooled embeddings; only
     * for an encoder opened with a pooled output name.
     */
    public List<Encoded> encodeWithPooled(List<int[]> prompts) throws InferenceException {
        if (pooled == null) {
            throw new IllegalStateException(graph.part() + " was opened without a pooled output");
        }
        int chunk = fixedBatch > 0 ? fixedBatch : prompts.size();
        List<Encoded> encoded = new ArrayList<>(prompts.size());
        try (HostTensor input = allocateIds(chunk)) {
            for (int start = 0; start < prompts.size(); start += chunk) {
                for (int row = 0; row < chunk; row++) {
                    int[] ids = prompts.get(Math.min(start + row, prompts.size() - 1));
                    if (ids.length != sequenceLength) {
                        throw new IllegalArgumentException("expected " + sequenceLength + " ids, got " + ids.length);
                    }
                    input.writeIds(ids, row * sequenceLength);
                }
                try (OrtSession.Result result = graph.run(Map.of(INPUT, input.tensor()), Set.of(output, pooled))) {
                    List<float[]> states = new ArrayList<>(chunk);
                    readAllocated(result, chunk, start, prompts.size(), states);
                    OnnxTensor pool = Outputs.tensor(result, pooled, graph.part());
                    long[] shape = Outputs.shape(pool);
                    if (shape.length != 2 || shape[0] != chunk) {
                        throw new InferenceException(InferenceException.Kind.INVALID_MODEL, graph.part() + " returned "
                                + pooled + " of shape " + java.util.Arrays.toString(shape) + "; expected [" + chunk
                                + ", width]");
                    }
                    float[] all = Outputs.floats(pool, graph.part());
                    int width = (int) shape[1];
                    for (int row = 0; row < states.size(); row++) {
                        encoded.add(new Encoded(states.get(row),
                                java.util.Arrays.copyOfRange(all, row * width, (row + 1) * width)));
                    }
                }
            }
        }
        return encoded;
    }

    private HostTensor allocateIds(int chunk) throws InferenceException {
        try {
            return HostTensor.allocate(graph.environment(), ids.type(), new long[] {chunk, sequenceLength});
        } catch (OrtException e) {
            throw Graph.translate(e, "allocating " + graph.part() + " tensors", false);
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
        OnnxTensor hidden = Outputs.tensor(result, output, graph.part());
        long[] shape = Outputs.shape(hidden);
        if (shape.length != 3 || shape[0] != chunk || shape[1] != sequenceLength) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, graph.part() + " returned shape "
                    + java.util.Arrays.toString(shape) + "; expected [" + chunk + ", " + sequenceLength + ", hidden]");
        }
        float[] all = Outputs.floats(hidden, graph.part());
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
