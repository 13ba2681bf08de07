package dev.imagine.engine.testmodel;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Test helpers over ONNX Runtime: sessions, input tensors, one-output runs. */
final class Ort {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private Ort() {
    }

    static OrtSession open(Path model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            return ENV.createSession(model.toString(), options);
        }
    }

    /** A float tensor, stored as float16 when {@code fp16}. */
    static OnnxTensor floats(float[] data, boolean fp16, long... shape) throws OrtException {
        if (fp16) {
            short[] halves = new short[data.length];
            for (int i = 0; i < data.length; i++) {
                halves[i] = Fp16Conversions.floatToFp16(data[i]);
            }
            return OnnxTensor.createTensor(ENV, ShortBuffer.wrap(halves), shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }

    static OnnxTensor ids(long[] ids, boolean int64, long... shape) throws OrtException {
        if (int64) {
            return OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape);
        }
        int[] narrow = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            narrow[i] = Math.toIntExact(ids[i]);
        }
        return OnnxTensor.createTensor(ENV, IntBuffer.wrap(narrow), shape);
    }

    /** The timestep tensor a pipeline would pass for this form: one value, or one per batch row. */
    static OnnxTensor timestep(TinyModelSpec.Timestep form, float[] perRow) throws OrtException {
        return switch (form) {
            case FLOAT32_1 -> OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {perRow[0]}), new long[] {1});
            case FLOAT32_BATCH -> OnnxTensor.createTensor(ENV, FloatBuffer.wrap(perRow), new long[] {perRow.length});
            case INT64_BATCH -> {
                long[] values = new long[perRow.length];
                for (int i = 0; i < perRow.length; i++) {
                    values[i] = Math.round(perRow[i]);
                }
                yield OnnxTensor.createTensor(ENV, LongBuffer.wrap(values), new long[] {perRow.length});
            }
            case FLOAT32_SCALAR -> OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {perRow[0]}), new long[0]);
            case FLOAT16_1 -> OnnxTensor.createTensor(ENV,
                    ShortBuffer.wrap(new short[] {Fp16Conversions.floatToFp16(perRow[0])}), new long[] {1},
                    OnnxJavaType.FLOAT16);
        };
    }

    /** Runs the session and returns every output as floats (float16 widened), with its shape. */
    static Map<String, Output> run(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        try {
            Map<String, Output> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : result) {
                    OnnxTensor tensor = (OnnxTensor) entry.getValue();
                    FloatBuffer buffer = tensor.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    outputs.put(entry.getKey(), new Output(tensor.getInfo().getShape(), values));
                }
            }
            return outputs;
        } finally {
            for (OnnxTensor tensor : inputs.values()) {
                tensor.close();
            }
        }
    }

    /** One output: shape and values in row-major order. */
    record Output(long[] shape, float[] values) {
    }

    /** Describes a node's tensor type and shape as text, e.g. {@code FLOAT16[-1, 4, -1, -1]}. */
    static String describe(NodeInfo info) {
        TensorInfo tensor = (TensorInfo) info.getInfo();
        return tensor.type + java.util.Arrays.toString(tensor.getShape());
    }

    static float[] gaussian(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }
}
