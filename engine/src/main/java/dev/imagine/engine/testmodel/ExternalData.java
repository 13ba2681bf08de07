package dev.imagine.engine.testmodel;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moves a model's larger initializers into one file next to it, the way ONNX's external-data saving does:
 * each tensor keeps its name, type and dims, loses its bytes, and gains {@code location}, {@code offset}
 * and {@code length} entries with data location EXTERNAL. Readers resolve the location against the
 * model file's folder.
 */
final class ExternalData {

    /** Tensors smaller than this stay inside the model, as with ONNX's default threshold. */
    static final int SIZE_THRESHOLD = 1024;

    private ExternalData() {
    }

    /** Writes {@code folder/location} and returns the model that refers to it. */
    static ModelProto externalize(ModelProto model, Path folder, String location) throws IOException {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        long offset = 0;
        try (OutputStream out = Files.newOutputStream(folder.resolve(location))) {
            for (TensorProto.Builder tensor : graph.getInitializerBuilderList()) {
                int length = tensor.getRawData().size();
                if (length < SIZE_THRESHOLD) {
                    continue;
                }
                tensor.getRawData().writeTo(out);
                tensor.clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", location))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(length)));
                offset += length;
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
