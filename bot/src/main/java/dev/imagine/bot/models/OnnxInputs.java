package dev.imagine.bot.models;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The graph inputs of an ONNX file (names, element types, shapes), read by walking the protobuf and seeking past
 * everything else, weights included ({@link FileInputStream#skip} seeks): a few kilobytes are read even from a
 * multi-gigabyte UNet, and no ONNX Runtime session is created. {@code models list} uses it to tell SD 1.x from
 * 2.x (the width of the UNet's {@code encoder_hidden_states}) and fp16 from fp32 (the element type of its
 * {@code sample}), the same facts the engine reads when it opens a model.
 *
 * @param inputs each input by name, in the graph's order
 */
record OnnxInputs(Map<String, Input> inputs) {
    /** ONNX {@code TensorProto.DataType} FLOAT. */
    static final int FLOAT = 1;
    /** ONNX {@code TensorProto.DataType} FLOAT16. */
    static final int FLOAT16 = 10;

    // Field numbers of onnx.proto: ModelProto.graph, GraphProto.input, ValueInfoProto.name/type,
    // TypeProto.tensor_type, TypeProto.Tensor.elem_type/shape, TensorShapeProto.dim, Dimension.dim_value.
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INPUT = 11;
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_ELEM_TYPE = 1;
    private static final int TENSOR_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int MAX_NAME = 4096;

    /**
     * One graph input.
     *
     * @param elemType the ONNX element type, 0 when not a tensor
     * @param dims the shape, {@code -1} for a symbolic dimension
     */
    record Input(int elemType, List<Long> dims) {
    }

    OnnxInputs {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /**
     * Reads {@code file}'s graph inputs.
     *
     * @throws IOException if it cannot be read or is not an ONNX model
     */
    static OnnxInputs read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream stream = new BufferedInputStream(new FileInputStream(file.toFile()), 1 << 16)) {
            Reader reader = new Reader(stream);
            Map<String, Input> inputs = new LinkedHashMap<>();
            while (reader.position < size) {
                long tag = reader.varint();
                if (field(tag) == MODEL_GRAPH && wire(tag) == 2) {
                    long end = reader.lengthEnd(size);
                    while (reader.position < end) {
                        long graphTag = reader.varint();
                        if (field(graphTag) == GRAPH_INPUT && wire(graphTag) == 2) {
                            readValueInfo(reader, reader.lengthEnd(end), inputs);
                        } else {
                            reader.skip(graphTag, end);
                        }
                    }
                } else {
                    reader.skip(tag, size);
                }
            }
            return new OnnxInputs(inputs);
        } catch (EOFException | IllegalStateException e) {
            throw new IOException(file + " is not an ONNX model (" + e.getMessage() + ")");
        }
    }

    /** The UNet's precision from its {@code sample} input, when it has one of float type. */
    Optional<Precision> precision() {
        Input sample = inputs.get("sample");
        if (sample == null) {
            return Optional.empty();
        }
        return sample.elemType() == FLOAT16 ? Optional.of(Precision.FP16)
                : sample.elemType() == FLOAT ? Optional.of(Precision.FP32) : Optional.empty();
    }

    /** The text-embedding width from the UNet's {@code encoder_hidden_states}, or 0 when unknown. */
    int hiddenSize() {
        Input states = inputs.get("encoder_hidden_states");
        if (states == null || states.dims().isEmpty()) {
            return 0;
        }
        long last = states.dims().get(states.dims().size() - 1);
        return last > 0 && last <= Integer.MAX_VALUE ? (int) last : 0;
    }

    private static void readValueInfo(Reader reader, long end, Map<String, Input> inputs) throws IOException {
        String name = null;
        int elemType = 0;
        List<Long> dims = new ArrayList<>();
        while (reader.position < end) {
            long tag = reader.varint();
            if (field(tag) == VALUE_NAME && wire(tag) == 2) {
                name = reader.string(end);
            } else if (field(tag) == VALUE_TYPE && wire(tag) == 2) {
                long typeEnd = reader.lengthEnd(end);
                while (reader.position < typeEnd) {
                    long typeTag = reader.varint();
                    if (field(typeTag) == TYPE_TENSOR && wire(typeTag) == 2) {
                        elemType = readTensorType(reader, reader.lengthEnd(typeEnd), dims);
                    } else {
                        reader.skip(typeTag, typeEnd);
                    }
                }
            } else {
                reader.skip(tag, end);
            }
        }
        if (name != null) {
            inputs.put(name, new Input(elemType, List.copyOf(dims)));
        }
    }

    private static int readTensorType(Reader reader, long end, List<Long> dims) throws IOException {
        int elemType = 0;
        while (reader.position < end) {
            long tag = reader.varint();
            if (field(tag) == TENSOR_ELEM_TYPE && wire(tag) == 0) {
                elemType = (int) reader.varint();
            } else if (field(tag) == TENSOR_SHAPE && wire(tag) == 2) {
                long shapeEnd = reader.lengthEnd(end);
                while (reader.position < shapeEnd) {
                    long shapeTag = reader.varint();
                    if (field(shapeTag) == SHAPE_DIM && wire(shapeTag) == 2) {
                        long dimEnd = reader.lengthEnd(shapeEnd);
                        long value = -1;
                        while (reader.position < dimEnd) {
                            long dimTag = reader.varint();
                            if (field(dimTag) == DIM_VALUE && wire(dimTag) == 0) {
                                value = reader.varint();
                            } else {
                                reader.skip(dimTag, dimEnd);
                            }
                        }
                        dims.add(value);
                    } else {
                        reader.skip(shapeTag, shapeEnd);
                    }
                }
            } else {
                reader.skip(tag, end);
            }
        }
        return elemType;
    }

    private static int field(long tag) {
        return (int) (tag >>> 3);
    }

    private static int wire(long tag) {
        return (int) (tag & 7);
    }

    /** Protobuf wire-format reading with a byte position; skipping seeks instead of reading. */
    private static final class Reader {
        private final InputStream in;
        long position;

        Reader(InputStream in) {
            this.in = in;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the file ends inside a field");
                }
                position++;
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalStateException("a varint is longer than 10 bytes");
        }

        /** Reads a length and returns where the field ends, checked against the enclosing end. */
        long lengthEnd(long limit) throws IOException {
            long length = varint();
            if (length < 0 || position + length > limit) {
                throw new IllegalStateException("a field of " + length + " bytes runs past its message");
            }
            return position + length;
        }

        String string(long limit) throws IOException {
            long end = lengthEnd(limit);
            int length = (int) (end - position);
            if (length > MAX_NAME) {
                throw new IllegalStateException("a name of " + length + " bytes");
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("the file ends inside a name");
            }
            position += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void skip(long tag, long limit) throws IOException {
            switch (wire(tag)) {
                case 0 -> varint();
                case 1 -> skipBytes(8, limit);
                case 2 -> skipBytes(lengthEnd(limit) - position, limit);
                case 5 -> skipBytes(4, limit);
                default -> throw new IllegalStateException("unsupported wire type " + wire(tag));
            }
        }

        private void skipBytes(long count, long limit) throws IOException {
            if (position + count > limit) {
                throw new IllegalStateException("a field runs past its message");
            }
            long left = count;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("the file ends inside a field");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            position += count;
        }
    }
}
