package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.ImageEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A float16 export whose UNet computes in float16 (as real fp16 exports do) on the CPU: ONNX Runtime 1.23 inserts
 * casts around float16 nodes that have only float32 CPU kernels, so it runs (slowly, with a warning); the sentence for
 * ONNX Runtime versions or operators where it cannot is tested in {@code EngineErrorsTest}.
 */
class Fp16OnCpuTest {
    @TempDir
    Path dir;

    @Test
    void aPureFloat16UnetRunsOnTheCpu() throws IOException {
        Path folder = dir.resolve("fp16");
        TinyModelWriter.write(folder, TinyModelSpec.tiny().toBuilder().precision(TinyModelSpec.Precision.FP16)
                .timestep(TinyModelSpec.Timestep.FLOAT16_1).build());
        OnnxGraph g = new OnnxGraph("unet");
        g.input("sample", DataType.FLOAT16, "batch", 4, "height", "width");
        g.input("timestep", DataType.FLOAT16, 1);
        g.input("encoder_hidden_states", DataType.FLOAT16, "batch", "sequence", 32);
        g.output("out_sample", DataType.FLOAT16, "batch", 4, "height", "width");
        String weight = g.halves("conv.weight", new long[] {4, 4, 3, 3}, new float[4 * 4 * 9]);
        g.opTo("out_sample", "Conv", new String[] {"sample", weight}, OnnxGraph.intsAttr("pads", 1, 1, 1, 1));
        try (OutputStream out = Files.newOutputStream(folder.resolve("unet/model.onnx"))) {
            g.model("float16 convolution").writeTo(out);
        }
        EngineOptions cpu = EngineOptions.defaults().withDevice(ExecutionDevice.cpu());
        try (ImageEngine engine = ImageEngine.open(folder, cpu)) {
            assertThat(engine.model().precision()).isEqualTo("fp16");
            assertThat(engine.generate(GenerationRequest.builder("a boat").size(64, 64).steps(2).seed(1L).build())
                    .images()).hasSize(1);
        }
    }
}
