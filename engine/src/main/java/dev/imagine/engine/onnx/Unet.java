package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The denoising UNet. Reads from the graph the dtype of {@code sample} and {@code encoder_hidden_states}
 * (float32 or float16), the dtype and shape of {@code timestep} (float32, float16 or int64; {@code [1]},
 * {@code [batch]} or scalar), the hidden size and a batch dimension fixed by the export, which makes it run the
 * rows of a batch in several calls. Besides the encoder states, a row can carry per-row vectors of fixed width:
 * LCM's {@code timestep_cond}, and SDXL's {@code text_embeds} (pooled prompt embedding) and {@code time_ids}
 * (micro-conditioning), each fed in the UNet's own dtype. Owns its graph.
 */
public final class Unet implements AutoCloseable {
    static final int LATENT_CHANNELS = 4;
    /** LCM's guidance embedding input. */
    public static final String GUIDANCE_EMBEDDING = "timestep_cond";
    /** SDXL's pooled prompt embedding input. */
    public static final String TEXT_EMBEDS = "text_embeds";
    /** SDXL's micro-conditioning input: original size, crop top-left, target size. */
    public static final String TIME_IDS = "time_ids";

    private final Graph graph;
    private final Port sample;
    private final Port timestep;
    private final Port context;
    private final Port condition;
    private final List<Port> rowInputs = new ArrayList<>();
    private final String output;
    private final AtomicReference<Buffers> spare = new AtomicReference<>();
    /** The size of a UNet's folder from which it counts as {@link #fullSize full-size}: 1 GiB. */
    static final long FULL_SIZE_BYTES = 1L << 30;
    /**
     * With {@link SessionFactory#leanMemory} (a full-size UNet on the CPU) each row of a step (the negative prompt's,
     * the prompt's, each image's) runs in a call of its own: a batched call gains nothing on the CPU, whose operators
     * already use every core on one row, while its attention scores grow with the rows (for SD 1.5 at 512x512, 8 heads
     * x 4096 x 4096 floats per row per attention). On the full-size SD 1.5 graph at 512x512 a step took 13-16 s
     * instead of 17 s and the peak memory fell by 1.2 GB (README, Performance). Every row gives the same numbers
     * either way. Small UNets keep one call per step, where the call's own cost matters. 0 for all rows in one call.
     */
    private final int rowsPerCall;

    private Unet(Graph graph, int rowsPerCall) throws InferenceException {
        this.graph = graph;
        this.rowsPerCall = rowsPerCall;
        this.sample = graph.input("sample");
        this.timestep = graph.input("timestep");
        this.context = graph.input("encoder_hidden_states");
        this.condition = graph.inputs().get(GUIDANCE_EMBEDDING);
        Port textEmbeds = graph.inputs().get(TEXT_EMBEDS);
        Port timeIds = graph.inputs().get(TIME_IDS);
        for (Port port : graph.inputs().values()) {
            if (port != sample && port != timestep && port != context && port != condition && port != textEmbeds
                    && port != timeIds) {
                throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet has an input '"
                        + port.name() + "' that imagine does not feed (inputs: " + graph.inputs().values()
                        + "); this model family is not supported");
            }
        }
        requireFloat(sample);
        requireFloat(context);
        if (sample.rank() != 4 || (sample.dim(1) > 0 && sample.dim(1) != LATENT_CHANNELS)) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's sample is "
                    + sample.describe() + "; expected [batch, 4, height, width] (inpainting and other "
                    + "UNets with more channels are not supported)");
        }
        if (context.rank() != 3) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's encoder_hidden_states is "
                    + context.describe() + "; expected [batch, 77, hidden]");
        }
        TensorType t = timestep.type();
        if (t != TensorType.FLOAT32 && t != TensorType.FLOAT16 && t != TensorType.INT64 && t != TensorType.INT32) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's timestep is "
                    + timestep.describe() + "; expected float32, float16 or int64");
        }
        if (timestep.rank() > 1) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's timestep is "
                    + timestep.describe() + "; expected a scalar, [1] or [batch]");
        }
        if (condition != null && (!condition.type().isFloat() || condition.rank() != 2)) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's timestep_cond is "
                    + condition.describe() + "; expected float [batch, width]");
        }
        if ((textEmbeds == null) != (timeIds == null)) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet has an input '"
                    + (textEmbeds == null ? TIME_IDS : TEXT_EMBEDS) + "' but no input '"
                    + (textEmbeds == null ? TEXT_EMBEDS : TIME_IDS) + "'; an SDXL UNet takes both");
        }
        for (Port port : new Port[] {textEmbeds, timeIds}) {
            if (port != null && (!port.type().isFloat() || port.rank() != 2)) {
                throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's " + port.name()
                        + " is " + port.describe() + "; expected float [batch, width]");
            }
        }
        for (Port port : new Port[] {condition, textEmbeds, timeIds}) {
            if (port != null) {
                rowInputs.add(port);
            }
        }
        this.output = graph.outputs().containsKey("out_sample") ? "out_sample"
                : graph.outputs().keySet().iterator().next();
    }

    /** Whether the UNet takes SDXL's added conditions {@code text_embeds} and {@code time_ids}. */
    public boolean takesAddedConditions() {
        return rowInputs.stream().anyMatch(p -> p.name().equals(TEXT_EMBEDS));
    }

    /** The width of {@code text_embeds} the graph declares, or -1 when symbolic or absent. */
    public int declaredTextEmbedsSize() {
        Port port = graph.inputs().get(TEXT_EMBEDS);
        return port != null && port.dim(1) > 0 ? (int) port.dim(1) : -1;
    }

    /**
     * What an SDXL UNet lacks, as a sentence naming the missing input, or empty when it takes {@code text_embeds}
     * and {@code time_ids}.
     */
    public java.util.Optional<String> missingSdxlInputs() {
        for (String name : List.of(TEXT_EMBEDS, TIME_IDS)) {
            if (!graph.inputs().containsKey(name)) {
                return java.util.Optional.of("the UNet has no input '" + name + "' (its inputs: "
                        + graph.inputs().values() + "), which an SDXL UNet needs; the unet folder is not an SDXL "
                        + "export or comes from another model");
            }
        }
        return java.util.Optional.empty();
    }

    /** The names of the per-row vector inputs this UNet takes besides the encoder states, in feed order. */
    public List<String> rowInputNames() {
        return rowInputs.stream().map(Port::name).toList();
    }

    /**
     * Whether the UNet takes LCM's guidance embedding {@code timestep_cond} (then guidance is an input, not a
     * second batch half).
     */
    public boolean takesGuidanceEmbedding() {
        return condition != null;
    }

    /** The width of {@code timestep_cond} the graph declares, -1 when symbolic, 0 when it has no such input. */
    public int guidanceEmbeddingWidth() {
        return condition == null ? 0 : (int) condition.dim(1);
    }

    private static void requireFloat(Port port) throws InferenceException {
        if (!port.type().isFloat()) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's " + port.name() + " is "
                    + port.type().onnxName() + "; expected float32 or float16");
        }
    }

    /** Opens {@code unet/model.onnx}; the caller owns the result. */
    public static Unet open(SessionFactory factory, Path model) throws InferenceException {
        int rowsPerCall = factory.leanMemory() ? 1 : 0;
        Graph graph = factory.open(model, "unet");
        try {
            return new Unet(graph, rowsPerCall);
        } catch (InferenceException | RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /**
     * Whether {@code model} (a UNet's {@code model.onnx}) is a full-size one, as those of SD 1.x/2.x and SDXL are: its
     * folder (weights included) holds at least {@value #FULL_SIZE_BYTES} bytes. The tiny, demo and cheap test models
     * take a few MB.
     */
    public static boolean fullSize(Path model) {
        return folderBytes(model) >= FULL_SIZE_BYTES;
    }

    /** The size of the files beside {@code model} (the graph and its external weights), 0 when unreadable. */
    private static long folderBytes(Path model) {
        try (Stream<Path> files = Files.list(model.toAbsolutePath().getParent())) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The batch size the export fixed, or 0 when the batch dimension is dynamic. */
    public int fixedBatch() {
        return sample.dim(0) > 0 ? (int) sample.dim(0) : 0;
    }

    /** The hidden size of {@code encoder_hidden_states} the graph declares, or -1 when symbolic. */
    public int declaredHiddenSize() {
        return context.dim(2) > 0 ? (int) context.dim(2) : -1;
    }

    /** The token count of {@code encoder_hidden_states} the graph declares, or -1 when symbolic. */
    public int declaredSequenceLength() {
        return context.dim(1) > 0 ? (int) context.dim(1) : -1;
    }

    /** The latent height the export fixed, or -1 when dynamic. */
    public int fixedLatentHeight() {
        return (int) sample.dim(2);
    }

    /** The latent width the export fixed, or -1 when dynamic. */
    public int fixedLatentWidth() {
        return (int) sample.dim(3);
    }

    /** True when the UNet takes float16 samples. */
    public boolean halfPrecision() {
        return sample.type() == TensorType.FLOAT16;
    }

    /** A one-line description of the inputs, e.g. for {@code models info}. */
    public String describeInputs() {
        StringBuilder text = new StringBuilder(sample.describe() + ", " + timestep.describe() + ", "
                + context.describe());
        for (Port port : rowInputs) {
            text.append(", ").append(port.describe());
        }
        return text.toString();
    }

    /** The underlying graph, for timing. */
    public Graph graph() {
        return graph;
    }

    /**
     * Prepares a run of {@code rows} latents of {@code height x width} with 77-token encoder states (or the length the
     * graph fixes); see {@link #prepare(List, int, Map, int, int)}.
     */
    public Batch prepare(List<float[]> rowStates, Map<String, List<float[]>> rowVectors, int height, int width)
            throws InferenceException {
        return prepare(rowStates, declaredSequenceLength() > 0 ? declaredSequenceLength() : 77, rowVectors, height,
                width);
    }

    /**
     * Prepares a run of {@code rows} latents of {@code height x width}, each row starting with the given encoder
     * states ({@link Batch#setStates} changes them between steps). The tensors of the last finished run are reused
     * when the shapes match (fresh native buffers cost page faults on every job); concurrent runs get their own. The
     * caller closes the returned batch.
     *
     * @param rowStates one array of {@code tokens * hidden} floats per row
     * @param tokens the sequence length of every row's states (77 per CLIP chunk)
     * @param rowVectors for each of {@link #rowInputNames()}, one vector per row (e.g. LCM's guidance embedding,
     *     SDXL's pooled embedding and time ids); no other names
     */
    public Batch prepare(List<float[]> rowStates, int tokens, Map<String, List<float[]>> rowVectors, int height,
            int width) throws InferenceException {
        if (!rowVectors.keySet().equals(new java.util.HashSet<>(rowInputNames()))) {
            throw new IllegalArgumentException("this UNet takes the row inputs " + rowInputNames() + ", got "
                    + rowVectors.keySet());
        }
        int rows = rowStates.size();
        int[] vectorLengths = new int[rowInputs.size()];
        for (int v = 0; v < rowInputs.size(); v++) {
            Port port = rowInputs.get(v);
            List<float[]> values = rowVectors.get(port.name());
            if (values.size() != rows) {
                throw new IllegalArgumentException(port.name() + " has " + values.size() + " rows, the states " + rows);
            }
            vectorLengths[v] = values.get(0).length;
            if (port.dim(1) > 0 && port.dim(1) != vectorLengths[v]) {
                throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the UNet's " + port.name()
                        + " is " + port.describe() + " but the model gives " + vectorLengths[v] + " values; the "
                        + "unet and text encoder folders come from different models");
            }
        }
        int stateLength = rowStates.get(0).length;
        if (declaredSequenceLength() > 0 && declaredSequenceLength() != tokens) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "this UNet takes "
                    + declaredSequenceLength() + " tokens of text encoder states (" + context.describe() + "), not "
                    + tokens);
        }
        if (stateLength % tokens != 0) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "text encoder states of "
                    + stateLength + " values do not fit the UNet's " + context.describe());
        }
        int hidden = stateLength / tokens;
        if (declaredHiddenSize() > 0 && declaredHiddenSize() != hidden) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, "the text encoder gives "
                    + hidden + " values per token but the UNet expects " + declaredHiddenSize()
                    + "; the text_encoder and unet folders come from different models");
        }
        Buffers buffers = spare.getAndSet(null);
        if (buffers != null && !buffers.fits(rows, height, width, stateLength, vectorLengths)) {
            buffers.close();
            buffers = null;
        }
        if (buffers == null) {
            buffers = allocate(rows, height, width, tokens, hidden, vectorLengths);
        }
        buffers.writeStates(rowStates);
        for (int c = 0; c < buffers.contexts.size(); c++) {
            for (int row = 0; row < buffers.chunk; row++) {
                for (int v = 0; v < rowInputs.size(); v++) {
                    float[] vector = rowVectors.get(rowInputs.get(v).name()).get(Math.min(c * buffers.chunk + row,
                            rows - 1));
                    buffers.vectors.get(c).get(v).write(vector, 0, vectorLengths[v], row * vectorLengths[v]);
                }
            }
        }
        return new Batch(buffers);
    }

    private Buffers allocate(int rows, int height, int width, int tokens, int hidden, int[] vectorLengths)
            throws InferenceException {
        int chunk = fixedBatch() > 0 ? fixedBatch() : rowsPerCall > 0 ? Math.min(rows, rowsPerCall) : rows;
        List<HostTensor> owned = new ArrayList<>();
        try {
            long[] latentShape = {chunk, LATENT_CHANNELS, height, width};
            HostTensor sampleIn = track(owned, HostTensor.allocate(graph.environment(), sample.type(), latentShape));
            HostTensor out = track(owned, HostTensor.allocate(graph.environment(),
                    graph.outputs().get(output).type(), latentShape));
            long[] timeShape = timestep.rank() == 0 ? new long[0]
                    : new long[] {timestep.dim(0) > 0 ? timestep.dim(0) : chunk};
            HostTensor time = track(owned, HostTensor.allocate(graph.environment(), timestep.type(), timeShape));
            List<HostTensor> contexts = new ArrayList<>();
            List<List<HostTensor>> vectors = new ArrayList<>();
            for (int start = 0; start < rows; start += chunk) {
                contexts.add(track(owned, HostTensor.allocate(graph.environment(), context.type(),
                        new long[] {chunk, tokens, hidden})));
                List<HostTensor> chunkVectors = new ArrayList<>();
                for (int v = 0; v < rowInputs.size(); v++) {
                    chunkVectors.add(track(owned, HostTensor.allocate(graph.environment(), rowInputs.get(v).type(),
                            new long[] {chunk, vectorLengths[v]})));
                }
                vectors.add(chunkVectors);
            }
            return new Buffers(rows, chunk, height, width, tokens * hidden, vectorLengths.clone(), sampleIn, time,
                    contexts, vectors, out, owned);
        } catch (OrtException e) {
            owned.forEach(HostTensor::close);
            throw Graph.translate(e, "allocating UNet tensors", false);
        } catch (RuntimeException e) {
            owned.forEach(HostTensor::close);
            throw e;
        }
    }

    private static HostTensor track(List<HostTensor> owned, HostTensor tensor) {
        owned.add(tensor);
        return tensor;
    }

    /** The native tensors of one run's shape. */
    private static final class Buffers implements AutoCloseable {
        final int rows;
        final int chunk;
        final int height;
        final int width;
        final int stateLength;
        final int[] vectorLengths;
        final HostTensor sampleIn;
        final HostTensor time;
        final List<HostTensor> contexts;
        final List<List<HostTensor>> vectors;
        final HostTensor out;
        final List<HostTensor> owned;

        Buffers(int rows, int chunk, int height, int width, int stateLength, int[] vectorLengths, HostTensor sampleIn,
                HostTensor time, List<HostTensor> contexts, List<List<HostTensor>> vectors, HostTensor out,
                List<HostTensor> owned) {
            this.rows = rows;
            this.chunk = chunk;
            this.height = height;
            this.width = width;
            this.stateLength = stateLength;
            this.vectorLengths = vectorLengths;
            this.sampleIn = sampleIn;
            this.time = time;
            this.contexts = contexts;
            this.vectors = vectors;
            this.out = out;
            this.owned = owned;
        }

        void writeStates(List<float[]> rowStates) {
            if (rowStates.size() != rows) {
                throw new IllegalArgumentException("expected states for " + rows + " rows, got " + rowStates.size());
            }
            for (int c = 0; c < contexts.size(); c++) {
                for (int row = 0; row < chunk; row++) {
                    float[] source = rowStates.get(Math.min(c * chunk + row, rows - 1));
                    if (source.length != stateLength) {
                        throw new IllegalArgumentException("expected " + stateLength + " state values per row, got "
                                + source.length);
                    }
                    contexts.get(c).write(source, 0, stateLength, row * stateLength);
                }
            }
        }

        void writeVector(int v, List<float[]> rowVectors) {
            if (rowVectors.size() != rows) {
                throw new IllegalArgumentException("expected vectors for " + rows + " rows, got " + rowVectors.size());
            }
            for (int c = 0; c < contexts.size(); c++) {
                for (int row = 0; row < chunk; row++) {
                    float[] source = rowVectors.get(Math.min(c * chunk + row, rows - 1));
                    if (source.length != vectorLengths[v]) {
                        throw new IllegalArgumentException("expected " + vectorLengths[v] + " values per row, got "
                                + source.length);
                    }
                    vectors.get(c).get(v).write(source, 0, vectorLengths[v], row * vectorLengths[v]);
                }
            }
        }

        boolean fits(int r, int h, int w, int s, int[] v) {
            return rows == r && height == h && width == w && stateLength == s && java.util.Arrays.equals(vectorLengths, v);
        }

        @Override
        public void close() {
            owned.forEach(HostTensor::close);
        }
    }

    /** The tensors of one generation's UNet calls, reused at every step. Not thread-safe. */
    public final class Batch implements AutoCloseable {
        private final Buffers buffers;
        private final int rowLength;
        private final Map<String, OnnxTensor> feeds = new HashMap<>();
        private final Map<String, OnnxTensor> pinned;
        private boolean closed;
        private boolean releaseAfterNextRun;

        private Batch(Buffers buffers) {
            this.buffers = buffers;
            this.rowLength = LATENT_CHANNELS * buffers.height * buffers.width;
            this.pinned = Map.of(output, buffers.out.tensor());
            feeds.put(sample.name(), buffers.sampleIn.tensor());
            feeds.put(timestep.name(), buffers.time.tensor());
        }

        /**
         * The UNet's input memory, when the graph takes float32 and the whole batch in one call: the caller writes
         * the rows there and calls {@link #run(float)}, saving a copy per step. Null otherwise.
         */
        public FloatBuffer inputView() {
            return buffers.contexts.size() == 1 && buffers.out.floatView() != null ? buffers.sampleIn.floatView() : null;
        }

        /** The UNet's output memory after {@link #run(float)}, under the same conditions as {@link #inputView()}. */
        public FloatBuffer outputView() {
            return inputView() == null ? null : buffers.out.floatView();
        }

        /**
         * Predicts the noise of every row from what the caller wrote into {@link #inputView()}.
         *
         * @throws IllegalStateException when there is no input view
         */
        public void run(float timestepValue) throws InferenceException {
            if (inputView() == null) {
                throw new IllegalStateException("this UNet batch has no direct input view");
            }
            buffers.time.fill(timestepValue);
            selectChunk(0);
            try (OrtSession.Result ignored = call(true)) {
                // the prediction is now in the output view
            }
        }

        /**
         * Hands the memory ONNX Runtime used for the activations back to the system when the next {@code run} ends:
         * call it before a job's last UNet call, so the VAE and the next job do not find it held.
         */
        public void releaseMemoryAfterNextRun() {
            releaseAfterNextRun = true;
        }

        /** Runs the chosen chunk, releasing the memory when asked and this is the {@code last} chunk of the run. */
        private OrtSession.Result call(boolean last) throws InferenceException {
            if (last && releaseAfterNextRun) {
                releaseAfterNextRun = false;
                return graph.runReleasing(feeds, pinned);
            }
            return graph.run(feeds, pinned);
        }

        private void selectChunk(int c) {
            feeds.put(context.name(), buffers.contexts.get(c).tensor());
            for (int v = 0; v < rowInputs.size(); v++) {
                feeds.put(rowInputs.get(v).name(), buffers.vectors.get(c).get(v).tensor());
            }
        }

        /** UNet calls per step: 1 with a dynamic batch, more when the export fixed a smaller batch. */
        public int callsPerStep() {
            return buffers.contexts.size();
        }

        /**
         * Predicts the noise of every row.
         *
         * @param samples {@code rows * 4 * height * width} model inputs, row-major
         * @param timestepValue the sampler's timestep (truncated for int64 graphs, as numpy's astype does)
         * @param result receives {@code rows * 4 * height * width} predictions
         */
        public void run(float[] samples, float timestepValue, float[] result) throws InferenceException {
            run(samples, 0, timestepValue, result, 0);
        }

        /**
         * Replaces every row's encoder states (prompt editing changes them between steps).
         *
         * @param rowStates one array per row, as long as those given to {@link #prepare}
         */
        public void setStates(List<float[]> rowStates) {
            buffers.writeStates(rowStates);
        }

        /**
         * Replaces one per-row input of every row (prompt editing changes SDXL's pooled {@code text_embeds} with the
         * states).
         *
         * @param name one of {@link #rowInputNames()}
         * @param rowVectors one vector per row, as long as those given to {@link #prepare}
         */
        public void setVector(String name, List<float[]> rowVectors) {
            int v = rowInputNames().indexOf(name);
            if (v < 0) {
                throw new IllegalArgumentException("this UNet takes the row inputs " + rowInputNames() + ", not "
                        + name);
            }
            buffers.writeVector(v, rowVectors);
        }

        /**
         * Predicts the noise of every row, reading the inputs from {@code samples[from..]} and writing the predictions
         * to {@code result[to..]}.
         */
        public void run(float[] samples, int from, float timestepValue, float[] result, int to)
                throws InferenceException {
            int rows = buffers.rows;
            int chunk = buffers.chunk;
            buffers.time.fill(timestepValue);
            for (int c = 0; c < buffers.contexts.size(); c++) {
                int start = c * chunk;
                for (int row = 0; row < chunk; row++) {
                    int source = Math.min(start + row, rows - 1);
                    buffers.sampleIn.write(samples, from + source * rowLength, rowLength, row * rowLength);
                }
                selectChunk(c);
                try (OrtSession.Result ignored = call(c == buffers.contexts.size() - 1)) {
                    int valid = Math.min(chunk, rows - start);
                    buffers.out.read(0, result, to + start * rowLength, valid * rowLength);
                }
            }
        }

        /** Keeps the tensors for the next run of the same shape, or releases them. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Buffers previous = spare.getAndSet(buffers);
            if (previous != null) {
                previous.close();
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
