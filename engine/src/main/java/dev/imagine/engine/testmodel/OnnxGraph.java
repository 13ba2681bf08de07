package dev.imagine.engine.testmodel;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/**
 * A small builder for one ONNX graph: typed inputs and outputs with fixed or symbolic dimensions,
 * raw little-endian initializers and nodes whose outputs are named automatically.
 */
final class OnnxGraph {

    static final long IR_VERSION = 8;
    static final long OPSET = 17;

    private final GraphProto.Builder graph;
    private int counter;
    private OutputStream externalOut;
    private String externalLocation;
    private long externalOffset;

    OnnxGraph(String name) {
        this.graph = GraphProto.newBuilder().setName(name);
    }

    /**
     * From now on, writes the bytes of initializers of at least {@link ExternalData#SIZE_THRESHOLD} bytes to
     * {@code out} (the file {@code location} beside the model) instead of into the graph, as ONNX's external-data
     * saving does: for models too large for one protobuf message (2 GB). The caller owns and closes {@code out}.
     */
    void externalData(OutputStream out, String location) {
        this.externalOut = out;
        this.externalLocation = location;
        this.externalOffset = 0;
    }

    /** Declares a graph input; each dim is an {@link Integer}/{@link Long} size or a {@link String} name. */
    void input(String name, DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Declares a graph output that must be produced by a node writing {@code name}. */
    void output(String name, DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** Adds a float32 initializer and returns its name. */
    String floats(String name, long[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return initializer(name, DataType.FLOAT, dims, bytes);
    }

    /** Adds a float16 initializer (values rounded from float32) and returns its name. */
    String halves(String name, long[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putShort(ai.onnxruntime.platform.Fp16Conversions.floatToFp16(value));
        }
        return initializer(name, DataType.FLOAT16, dims, bytes);
    }

    /** Adds a float32 scalar initializer and returns its name. */
    String scalar(String name, float value) {
        return floats(name, new long[0], new float[] {value});
    }

    /** Adds a one-dimensional int64 initializer and returns its name. */
    String longs(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            bytes.putLong(value);
        }
        return initializer(name, DataType.INT64, new long[] {values.length}, bytes);
    }

    /** Adds an int64 scalar initializer and returns its name. */
    String longScalar(String name, long value) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return initializer(name, DataType.INT64, new long[0], bytes);
    }

    /** Adds a node with one automatically named output and returns that name. */
    String op(String opType, String[] inputs, AttributeProto... attributes) {
        String output = "t" + counter + "_" + opType.toLowerCase(Locale.ROOT);
        opTo(output, opType, inputs, attributes);
        return output;
    }

    /** Adds a node writing the named output (for graph outputs). */
    void opTo(String output, String opType, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder()
                .setName("n" + counter++ + "_" + opType)
                .setOpType(opType)
                .addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
    }

    /** Shorthand for a two-input node. */
    String op(String opType, String a, String b, AttributeProto... attributes) {
        return op(opType, new String[] {a, b}, attributes);
    }

    /** Shorthand for a one-input node. */
    String op(String opType, String a, AttributeProto... attributes) {
        return op(opType, new String[] {a}, attributes);
    }

    /** Casts {@code value} to {@code type}. */
    String cast(String value, DataType type) {
        return op("Cast", value, intAttr("to", type.getNumber()));
    }

    /** A 2-D convolution with square kernel {@code k} and "same" padding. */
    String conv(String x, String weight, String bias, int k) {
        int pad = k / 2;
        String[] inputs = bias == null ? new String[] {x, weight} : new String[] {x, weight, bias};
        return op("Conv", inputs,
                intsAttr("kernel_shape", k, k),
                intsAttr("pads", pad, pad, pad, pad),
                intsAttr("strides", 1, 1));
    }

    /**
     * The mean of {@code [B, S, H]} over the sequence, as {@code [B, H, 1]}. Uses GlobalAveragePool, which
     * ONNX Runtime computes one batch row at a time with the same summation order for any batch size
     * (its ReduceMean does not: batch 1 and batch 2 can differ in the last bit).
     */
    String sequenceMean(String x) {
        return op("GlobalAveragePool", op("Transpose", x, intsAttr("perm", 0, 2, 1)));
    }

    /** The maximum of {@code [B, S, H]} over the sequence, as {@code [B, H, 1]}; row by row like {@link #sequenceMean}. */
    String sequenceMax(String x) {
        return op("GlobalMaxPool", op("Transpose", x, intsAttr("perm", 0, 2, 1)));
    }

    /** Wraps the graph in a model with this package's IR version and opset. */
    ModelProto model(String docString) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("imagine-testmodel")
                .setProducerVersion("1")
                .setDocString(docString)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
                .build();
    }

    /** {@code count} values drawn uniformly from {@code [-bound, bound)}. */
    static float[] uniform(Random random, int count, double bound) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return values;
    }

    private String initializer(String name, DataType type, long[] dims, ByteBuffer littleEndian) {
        littleEndian.flip();
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber());
        int length = littleEndian.remaining();
        if (externalOut != null && length >= ExternalData.SIZE_THRESHOLD) {
            try {
                externalOut.write(littleEndian.array(), littleEndian.arrayOffset(), length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tensor.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", externalLocation))
                    .addExternalData(entry("offset", Long.toString(externalOffset)))
                    .addExternalData(entry("length", Integer.toString(length)));
            externalOffset += length;
        } else {
            tensor.setRawData(ByteString.copyFrom(littleEndian));
        }
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static ValueInfoProto valueInfo(String name, DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder dimension = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String param) {
                dimension.setDimParam(param);
            } else if (dim instanceof Number size) {
                dimension.setDimValue(size.longValue());
            } else {
                throw new IllegalArgumentException("dimension must be a size or a name: " + dim);
            }
            shape.addDim(dimension);
        }
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
                .setElemType(type.getNumber())
                .setShape(shape)
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }
}
