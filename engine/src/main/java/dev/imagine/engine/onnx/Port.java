package dev.imagine.engine.onnx;

import java.util.Arrays;

/**
 * One input or output of a graph as the session reports it.
 *
 * @param shape dimensions; -1 where the graph names a symbolic dimension
 */
record Port(String name, TensorType type, long[] shape) {

    int rank() {
        return shape.length;
    }

    /** The fixed size of dimension {@code i}, or -1 when it is symbolic. */
    long dim(int i) {
        return shape[i];
    }

    String describe() {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                dims.append(", ");
            }
            dims.append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return name + " " + type.onnxName() + " [" + dims + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Port p && p.name.equals(name) && p.type == type && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + type.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return describe();
    }
}
