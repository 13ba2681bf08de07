package dev.imagine.engine.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ONNX Runtime session with its ports read from the graph, timed so the engine can tell its own overhead
 * from time spent inside ONNX Runtime. Owns the session; {@link #close()} releases it.
 */
public final class Graph implements AutoCloseable {
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String part;
    private final boolean gpu;
    private final Map<String, Port> inputs;
    private final Map<String, Port> outputs;
    private static final ThreadLocal<long[]> THREAD_NANOS = ThreadLocal.withInitial(() -> new long[2]);
    private final AtomicLong runNanos = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    /**
     * With {@link SessionFactory#leanMemory}: options that hand the free part of the session's CPU memory arena back
     * to the system when a run ends, for {@link #runReleasing}. Each session has an arena of its own that otherwise
     * keeps its largest size for good: the UNet's would hold its activations (over a GiB for SD 1.5 at 512x512) while
     * the VAE decodes, so the peak would be the weights plus both. Null when memory is kept.
     */
    private final OrtSession.RunOptions releasing;

    Graph(OrtEnvironment environment, OrtSession session, String part, boolean gpu, boolean lean)
            throws OrtException {
        this.environment = environment;
        this.session = session;
        this.part = part;
        this.gpu = gpu;
        this.inputs = ports(session.getInputInfo());
        this.outputs = ports(session.getOutputInfo());
        if (lean) {
            this.releasing = new OrtSession.RunOptions();
            releasing.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        } else {
            this.releasing = null;
        }
    }

    private static Map<String, Port> ports(Map<String, NodeInfo> infos) {
        Map<String, Port> ports = new LinkedHashMap<>();
        for (NodeInfo info : infos.values()) {
            if (info.getInfo() instanceof TensorInfo tensor) {
                ports.put(info.getName(), new Port(info.getName(), TensorType.of(tensor.type), tensor.getShape()));
            } else {
                ports.put(info.getName(), new Port(info.getName(), TensorType.OTHER, new long[0]));
            }
        }
        return ports;
    }

    OrtEnvironment environment() {
        return environment;
    }

    String part() {
        return part;
    }

    Map<String, Port> inputs() {
        return inputs;
    }

    Map<String, Port> outputs() {
        return outputs;
    }

    /** The input port of that name, or an {@link InferenceException} saying the graph lacks it. */
    Port input(String name) throws InferenceException {
        Port port = inputs.get(name);
        if (port == null) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, part + " has no input '" + name
                    + "' (its inputs: " + inputs.values() + "); is this a Stable Diffusion ONNX export?");
        }
        return port;
    }

    /** Total nanoseconds spent inside {@code OrtSession.run} so far. */
    public long runNanos() {
        return runNanos.get();
    }

    /**
     * Nanoseconds the calling thread has spent inside {@code OrtSession.run} of any graph ({@code unetOnly}
     * false) or of UNet graphs; callers take differences around a job.
     */
    public static long threadRunNanos(boolean unetOnly) {
        return THREAD_NANOS.get()[unetOnly ? 1 : 0];
    }

    private void account(long nanos) {
        runNanos.addAndGet(nanos);
        runs.incrementAndGet();
        long[] thread = THREAD_NANOS.get();
        thread[0] += nanos;
        if (part.equals("unet")) {
            thread[1] += nanos;
        }
    }

    /** Number of {@code OrtSession.run} calls so far. */
    public long runs() {
        return runs.get();
    }

    /** Runs the graph; the caller closes the result. */
    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds) throws InferenceException {
        return run(feeds, false);
    }

    /**
     * Runs the graph, and when {@code release} and {@link SessionFactory#leanMemory} the arena's free memory goes back
     * to the system when it ends (a VAE's run on a {@link #LARGE_IMAGE_PIXELS large image}); the caller closes the
     * result.
     */
    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, boolean release) throws InferenceException {
        long start = System.nanoTime();
        try {
            return release && releasing != null ? session.run(feeds, releasing) : session.run(feeds);
        } catch (OrtException e) {
            throw translate(e, "running " + part, gpu);
        } finally {
            account(System.nanoTime() - start);
        }
    }

    /** Runs the graph for the named outputs only; the caller closes the result. */
    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, Set<String> wanted) throws InferenceException {
        long start = System.nanoTime();
        try {
            return session.run(feeds, wanted);
        } catch (OrtException e) {
            throw translate(e, "running " + part, gpu);
        } finally {
            account(System.nanoTime() - start);
        }
    }

    /**
     * From this many pixels up (512x512) a VAE's activations are large enough (over half a GiB for SD 1.5) that a lean
     * engine hands them back after its run: else the VAE's arena held them while the next job's UNet ran, and the peak
     * over three 512x512 jobs was 1.64x the weights instead of 1.45x. Below it they are kept: handing them back after
     * every run cost about 1.2 s per 256x256 job and lowered no peak measured.
     */
    static final long LARGE_IMAGE_PIXELS = 512L * 512;

    /** Runs the graph writing into pre-allocated outputs; the caller closes the result (it does not own them). */
    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, Map<String, ? extends OnnxValue> pinned)
            throws InferenceException {
        return run(feeds, pinned, false);
    }

    /**
     * As {@link #run(Map, Map)}, and with {@link SessionFactory#leanMemory} the arena's free memory goes back to the
     * system when it ends: the UNet's last call of a job, or a VAE's run on a {@link #LARGE_IMAGE_PIXELS large
     * image}. Not after every UNet call: on the full-size SD 1.5 UNet at 512x512 that cost 35% per step (page faults
     * on the next call).
     */
    OrtSession.Result runReleasing(Map<String, ? extends OnnxTensorLike> feeds,
            Map<String, ? extends OnnxValue> pinned) throws InferenceException {
        return run(feeds, pinned, true);
    }

    private OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, Map<String, ? extends OnnxValue> pinned,
            boolean release) throws InferenceException {
        long start = System.nanoTime();
        try {
            return release && releasing != null ? session.run(feeds, Set.of(), pinned, releasing)
                    : session.run(feeds, pinned);
        } catch (OrtException e) {
            throw translate(e, "running " + part, gpu);
        } finally {
            account(System.nanoTime() - start);
        }
    }

    static InferenceException translate(OrtException e, String what, boolean gpu) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("out of memory") || lower.contains("failed to allocate") || lower.contains("bad_alloc")
                || lower.contains("bfcarena") || lower.contains("cudnn_status_alloc_failed")
                || lower.contains("cuda_error_out_of_memory")) {
            return new InferenceException(InferenceException.Kind.OUT_OF_MEMORY,
                    (gpu ? "GPU" : "host") + " out of memory while " + what, e);
        }
        if (lower.contains("could not find an implementation") || lower.contains("not_implemented")
                || lower.contains("no kernel")) {
            return new InferenceException(InferenceException.Kind.UNSUPPORTED_OPERATOR,
                    what + " failed: ONNX Runtime's " + (gpu ? "CUDA" : "CPU") + " provider cannot run this graph ("
                            + firstLine(message) + ")", e);
        }
        if (lower.contains("invalid_graph") || lower.contains("invalid_protobuf") || lower.contains("no_model")
                || lower.contains("model_loaded") || lower.contains("protobuf parsing failed")
                || lower.contains("load model") || lower.contains("external data")) {
            return new InferenceException(InferenceException.Kind.INVALID_MODEL,
                    what + " failed: the ONNX file is damaged or incomplete (" + firstLine(message) + ")", e);
        }
        return new InferenceException(InferenceException.Kind.RUNTIME, what + " failed: " + firstLine(message), e);
    }

    private static String firstLine(String message) {
        // OrtException prefixes "Error code - ORT_X - message: ", which tells a user nothing.
        int prefix = message.startsWith("Error code - ") ? message.indexOf(" - message: ") : -1;
        if (prefix >= 0) {
            message = message.substring(prefix + " - message: ".length());
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    @Override
    public void close() {
        if (releasing != null) {
            releasing.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the " + part + " session failed: " + e.getMessage(), e);
        }
    }
}
