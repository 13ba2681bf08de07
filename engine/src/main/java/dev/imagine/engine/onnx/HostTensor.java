package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * A tensor over a direct buffer that the engine fills and reads in place, so a denoising loop reuses one
 * allocation per input and output instead of copying every step. Float data is converted to the graph's
 * float16 when it asks for it. Owns the ONNX tensor; {@link #close()} releases it.
 */
final class HostTensor implements AutoCloseable {
    private final TensorType type;
    private final int size;
    private final FloatBuffer floats;
    private final ShortBuffer halves;
    private final LongBuffer longs;
    private final IntBuffer ints;
    private final OnnxTensor tensor;

    private HostTensor(OrtEnvironment environment, TensorType type, long[] shape) throws OrtException {
        this.type = type;
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("concrete shape needed, got a symbolic dimension");
            }
            count *= d;
        }
        if (count > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("tensor of " + count + " elements is too large");
        }
        this.size = (int) count;
        int bytesPer = type == TensorType.FLOAT16 ? 2 : type == TensorType.INT64 ? 8 : 4;
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(1, size) * bytesPer).order(ByteOrder.nativeOrder());
        FloatBuffer f = null;
        ShortBuffer h = null;
        LongBuffer l = null;
        IntBuffer i = null;
        switch (type) {
            case FLOAT32:
                f = bytes.asFloatBuffer();
                tensor = OnnxTensor.createTensor(environment, f, shape);
                break;
            case FLOAT16:
                h = bytes.asShortBuffer();
                tensor = OnnxTensor.createTensor(environment, h, shape, OnnxJavaType.FLOAT16);
                break;
            case INT64:
                l = bytes.asLongBuffer();
                tensor = OnnxTensor.createTensor(environment, l, shape);
                break;
            case INT32:
                i = bytes.asIntBuffer();
                tensor = OnnxTensor.createTensor(environment, i, shape);
                break;
            default:
                throw new IllegalArgumentException("unsupported tensor type " + type);
        }
        this.floats = f;
        this.halves = h;
        this.longs = l;
        this.ints = i;
    }

    static HostTensor allocate(OrtEnvironment environment, TensorType type, long[] shape) throws OrtException {
        return new HostTensor(environment, type, shape);
    }

    OnnxTensor tensor() {
        return tensor;
    }

    int size() {
        return size;
    }

    /** The tensor's memory as floats when it is float32, for reading and writing in place; otherwise null. */
    FloatBuffer floatView() {
        return floats;
    }

    /** Writes {@code count} floats from {@code src[srcOffset]} at element {@code at}. */
    void write(float[] src, int srcOffset, int count, int at) {
        if (type == TensorType.FLOAT32) {
            floats.put(at, src, srcOffset, count);
        } else if (type == TensorType.FLOAT16) {
            for (int k = 0; k < count; k++) {
                halves.put(at + k, Fp16Conversions.floatToFp16(src[srcOffset + k]));
            }
        } else {
            throw new IllegalStateException("float data written to a " + type + " tensor");
        }
    }

    /** Writes {@code value} to every element, converted to the tensor's type (int64 truncates as numpy does). */
    void fill(double value) {
        for (int k = 0; k < size; k++) {
            switch (type) {
                case FLOAT32:
                    floats.put(k, (float) value);
                    break;
                case FLOAT16:
                    halves.put(k, Fp16Conversions.floatToFp16((float) value));
                    break;
                case INT64:
                    longs.put(k, (long) value);
                    break;
                case INT32:
                    ints.put(k, (int) value);
                    break;
                default:
                    throw new IllegalStateException("unsupported tensor type " + type);
            }
        }
    }

    /** Writes integer ids at element {@code at}. */
    void writeIds(int[] ids, int at) {
        for (int k = 0; k < ids.length; k++) {
            if (type == TensorType.INT64) {
                longs.put(at + k, ids[k]);
            } else if (type == TensorType.INT32) {
                ints.put(at + k, ids[k]);
            } else {
                throw new IllegalStateException("ids written to a " + type + " tensor");
            }
        }
    }

    /** Reads {@code count} elements from element {@code at} into {@code dst[dstOffset]} as floats. */
    void read(int at, float[] dst, int dstOffset, int count) {
        if (type == TensorType.FLOAT32) {
            floats.get(at, dst, dstOffset, count);
        } else if (type == TensorType.FLOAT16) {
            for (int k = 0; k < count; k++) {
                dst[dstOffset + k] = Fp16Conversions.fp16ToFloat(halves.get(at + k));
            }
        } else {
            throw new IllegalStateException("float data read from a " + type + " tensor");
        }
    }

    @Override
    public void close() {
        tensor.close();
    }
}
