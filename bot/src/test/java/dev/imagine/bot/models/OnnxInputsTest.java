package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an ONNX file's graph inputs without loading its weights. */
class OnnxInputsTest {
    @TempDir
    Path dir;

    @Test
    void agreesWithTheEngineOnTheDemoAndTinyModels() throws IOException {
        DemoModel.write(dir.resolve("demo"));
        DemoModel.writeTiny(dir.resolve("tiny"));
        for (String name : List.of("demo", "tiny")) {
            Path model = dir.resolve(name);
            OnnxInputs inputs = OnnxInputs.read(model.resolve("unet/model.onnx"));
            try (ImageEngine engine = ImageEngine.open(model, EngineOptions.defaults().withDevice(ExecutionDevice.cpu()))) {
                ModelInfo info = engine.model();
                assertThat(inputs.hiddenSize()).as(name).isEqualTo(info.hiddenSize());
                assertThat(inputs.precision()).as(name).contains(info.halfPrecision() ? Precision.FP16 : Precision.FP32);
            }
        }
        assertThat(OnnxInputs.read(dir.resolve("demo/unet/model.onnx")).hiddenSize()).isEqualTo(768);
    }

    /**
     * A hand-encoded ModelProto (field numbers from onnx.proto) with an 8 MB initializer before the inputs and
     * unknown fixed-width fields, as an fp16 SD 2.x UNet would declare its inputs.
     */
    @Test
    void readsInputsPastLargeWeightsAndUnknownFields() throws IOException {
        byte[] weights = new byte[8 << 20];
        byte[] initializer = concat(varintField(1, 320), varintField(2, 10), bytesField(8, text("conv.weight")),
                bytesField(9, weights));
        byte[] graph = concat(bytesField(1, bytesField(4, text("Conv"))), bytesField(2, text("unet")),
                bytesField(5, initializer),
                bytesField(11, valueInfo("sample", 10, "batch", 4L, "height", "width")),
                bytesField(11, valueInfo("timestep", 1, "steps")),
                bytesField(11, valueInfo("encoder_hidden_states", 10, "batch", 77L, 1024L)),
                bytesField(12, valueInfo("out_sample", 10, "batch", 4L, "height", "width")));
        byte[] model = concat(varintField(1, 8), bytesField(2, text("pytorch")), fixed32Field(90), bytesField(7, graph),
                fixed64Field(91), bytesField(8, concat(bytesField(1, text("")), varintField(2, 17))));
        Path file = dir.resolve("model.onnx");
        Files.write(file, model);

        OnnxInputs inputs = OnnxInputs.read(file);

        assertThat(inputs.inputs()).containsOnlyKeys("sample", "timestep", "encoder_hidden_states");
        assertThat(inputs.inputs().get("sample")).isEqualTo(new OnnxInputs.Input(10, List.of(-1L, 4L, -1L, -1L)));
        assertThat(inputs.inputs().get("timestep")).isEqualTo(new OnnxInputs.Input(1, List.of(-1L)));
        assertThat(inputs.hiddenSize()).isEqualTo(1024);
        assertThat(inputs.precision()).isEqualTo(Optional.of(Precision.FP16));
    }

    @Test
    void somethingElseIsNotAnOnnxModel() throws IOException {
        Path text = dir.resolve("model.onnx");
        Files.writeString(text, "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 3\n");

        assertThatThrownBy(() -> OnnxInputs.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not an ONNX model");
    }

    private static byte[] valueInfo(String name, int elemType, Object... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (Object dim : dims) {
            byte[] encoded = dim instanceof Long value ? varintField(1, value) : bytesField(2, text((String) dim));
            shape.writeBytes(bytesField(1, encoded));
        }
        byte[] tensor = concat(varintField(1, elemType), bytesField(2, shape.toByteArray()));
        return concat(bytesField(1, text(name)), bytesField(2, bytesField(1, tensor)), bytesField(3, text("doc")));
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] varintField(int number, long value) {
        return concat(varint((long) number << 3), varint(value));
    }

    private static byte[] bytesField(int number, byte[] value) {
        return concat(varint(((long) number << 3) | 2), varint(value.length), value);
    }

    private static byte[] fixed32Field(int number) {
        return concat(varint(((long) number << 3) | 5), new byte[4]);
    }

    private static byte[] fixed64Field(int number) {
        return concat(varint(((long) number << 3) | 1), new byte[8]);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
