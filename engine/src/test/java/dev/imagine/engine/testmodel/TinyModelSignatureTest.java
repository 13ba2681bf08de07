package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.engine.testmodel.TinyModelSpec.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input and output names, element types and shapes ONNX Runtime reads from every generated model, for
 * every export variant. The expected tables restate the contract of diffusers/optimum exports (symbolic
 * dimensions read as -1).
 */
class TinyModelSignatureTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.imagine.engine.testmodel.Variants#all")
    void textEncoderHasTheExportedSignature(String name, TinyModelSpec spec) throws Exception {
        TinyModelWriter.write(dir, spec);
        String floats = floatType(spec);
        String batch = spec.textEncoderBatchFixedToOne() ? "1" : "-1";
        int h = spec.hiddenSize();
        String ids = spec.idsType() == TinyModelSpec.IdsType.INT32 ? "INT32" : "INT64";

        if (!spec.sdxlLayout()) {
            assertSignature(dir.resolve("text_encoder/model.onnx"),
                    Map.of("input_ids", ids + "[" + batch + ", -1]"),
                    Map.of("last_hidden_state", floats + "[" + batch + ", -1, " + h + "]",
                            "pooler_output", floats + "[" + batch + ", " + h + "]"));
            return;
        }
        Map<String, String> first = new LinkedHashMap<>();
        first.put("last_hidden_state", floats + "[" + batch + ", -1, " + h + "]");
        first.put("pooler_output", floats + "[" + batch + ", " + h + "]");
        for (int k = 0; k <= 2; k++) {
            first.put("hidden_states." + k, floats + "[" + batch + ", -1, " + h + "]");
        }
        assertSignature(dir.resolve("text_encoder/model.onnx"), Map.of("input_ids", ids + "[" + batch + ", -1]"),
                first);
        int h2 = spec.secondHiddenSize();
        Map<String, String> second = new LinkedHashMap<>();
        second.put("text_embeds", floats + "[" + batch + ", " + h2 + "]");
        second.put("last_hidden_state", floats + "[" + batch + ", -1, " + h2 + "]");
        for (int k = 0; k <= 3; k++) {
            second.put("hidden_states." + k, floats + "[" + batch + ", -1, " + h2 + "]");
        }
        assertSignature(dir.resolve("text_encoder_2/model.onnx"), Map.of("input_ids", "INT64[" + batch + ", -1]"),
                second);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.imagine.engine.testmodel.Variants#all")
    void unetHasTheExportedSignature(String name, TinyModelSpec spec) throws Exception {
        TinyModelWriter.write(dir, spec);
        String floats = floatType(spec);
        String batch = spec.unetBatchFixedToOne() ? "1" : "-1";
        String timestep = switch (spec.timestep()) {
            case FLOAT32_1 -> "FLOAT[1]";
            case FLOAT32_BATCH -> "FLOAT[" + batch + "]";
            case INT64_BATCH -> "INT64[" + batch + "]";
            case FLOAT32_SCALAR -> "FLOAT[]";
            case FLOAT16_1 -> "FLOAT16[1]";
        };
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("sample", floats + "[" + batch + ", 4, -1, -1]");
        inputs.put("timestep", timestep);
        int width = spec.sdxlLayout() ? spec.hiddenSize() + spec.secondHiddenSize() : spec.hiddenSize();
        inputs.put("encoder_hidden_states", floats + "[" + batch + ", -1, " + width + "]");
        if (spec.sdxlLayout()) {
            inputs.put("text_embeds", floats + "[" + batch + ", " + spec.secondHiddenSize() + "]");
            inputs.put("time_ids", floats + "[" + batch + ", 6]");
        }
        assertSignature(dir.resolve("unet/model.onnx"), inputs,
                Map.of("out_sample", floats + "[" + batch + ", 4, -1, -1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.imagine.engine.testmodel.Variants#all")
    void vaeHasTheExportedSignature(String name, TinyModelSpec spec) throws Exception {
        TinyModelWriter.write(dir, spec);
        String floats = floatType(spec);
        assertSignature(dir.resolve("vae_decoder/model.onnx"),
                Map.of("latent_sample", floats + "[-1, 4, -1, -1]"),
                Map.of("sample", floats + "[-1, 3, -1, -1]"));

        Path encoder = dir.resolve("vae_encoder/model.onnx");
        switch (spec.vaeEncoder()) {
            case NONE -> assertThat(dir.resolve("vae_encoder")).doesNotExist();
            case LATENT_SAMPLE -> assertSignature(encoder,
                    Map.of("sample", floats + "[-1, 3, -1, -1]"),
                    Map.of("latent_sample", floats + "[-1, 4, -1, -1]"));
            case LATENT_PARAMETERS -> assertSignature(encoder,
                    Map.of("sample", floats + "[-1, 3, -1, -1]"),
                    Map.of("latent_parameters", floats + "[-1, 8, -1, -1]"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.imagine.engine.testmodel.Variants#all")
    void symbolicDimensionsCarryTheExportNames(String name, TinyModelSpec spec) throws Exception {
        TinyModelWriter.write(dir, spec);
        try (OrtSession unet = Ort.open(dir.resolve("unet/model.onnx"))) {
            String batch = spec.unetBatchFixedToOne() ? "" : "batch";
            assertThat(dimensionNames(unet.getInputInfo().get("sample"))).containsExactly(batch, "", "height", "width");
            assertThat(dimensionNames(unet.getInputInfo().get("encoder_hidden_states")))
                    .containsExactly(batch, "sequence", "");
        }
    }

    private static String floatType(TinyModelSpec spec) {
        return spec.precision() == Precision.FP16 ? "FLOAT16" : "FLOAT";
    }

    private static String[] dimensionNames(NodeInfo info) {
        return ((ai.onnxruntime.TensorInfo) info.getInfo()).getDimensionNames();
    }

    private static void assertSignature(Path model, Map<String, String> inputs, Map<String, String> outputs)
            throws OrtException, IOException {
        assertThat(model).isRegularFile();
        try (OrtSession session = Ort.open(model)) {
            assertThat(describeAll(session.getInputInfo())).as("inputs of %s", model).isEqualTo(inputs);
            assertThat(describeAll(session.getOutputInfo())).as("outputs of %s", model).isEqualTo(outputs);
        }
    }

    private static Map<String, String> describeAll(Map<String, NodeInfo> infos) {
        Map<String, String> described = new LinkedHashMap<>();
        infos.forEach((name, info) -> described.put(name, Ort.describe(info)));
        return described;
    }
}
