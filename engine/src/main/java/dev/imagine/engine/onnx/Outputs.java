package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Reads float outputs that ONNX Runtime allocated. */
final class Outputs {
    private Outputs() {
    }

    static OnnxTensor tensor(OrtSession.Result result, String name, String part) throws InferenceException {
        OnnxValue value = result.get(name).orElse(null);
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException(InferenceException.Kind.INVALID_MODEL, part + " returned no tensor '" + name + "'");
        }
        return tensor;
    }

    static long[] shape(OnnxTensor tensor) {
        return tensor.getInfo().getShape();
    }

    /** Copies a float32 or float16 tensor into a new float array. */
    static float[] floats(OnnxTensor tensor, String part) throws InferenceException {
        OnnxJavaType type = tensor.getInfo().type;
        if (type == OnnxJavaType.FLOAT) {
            FloatBuffer buffer = tensor.getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return out;
        }
        if (type == OnnxJavaType.FLOAT16) {
            ShortBuffer buffer = tensor.getShortBuffer();
            float[] out = new float[buffer.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Fp16Conversions.fp16ToFloat(buffer.get(i));
            }
            return out;
        }
        throw new InferenceException(InferenceException.Kind.INVALID_MODEL,
                part + " returned " + type + " data; expected float32 or float16");
    }
}
