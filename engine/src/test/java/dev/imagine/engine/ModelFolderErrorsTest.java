package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken or unsupported model folder gives a sentence that names the problem, never a stack trace. */
class ModelFolderErrorsTest {
    private static final EngineOptions CPU = EngineOptions.defaults().withDevice(ExecutionDevice.cpu());

    @TempDir
    Path dir;

    private Path model(TinyModelSpec spec) throws IOException {
        Path folder = dir.resolve("model");
        TinyModelWriter.write(folder, spec);
        return folder;
    }

    @Test
    void missingFolder() {
        assertThatThrownBy(() -> ImageEngine.open(dir.resolve("nowhere"), CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("does not exist")
                .hasMessageContaining("unet/model.onnx");
    }

    @Test
    void missingUnetNamesTheFileAndTheLayout() throws IOException {
        Path folder = model(TinyModelSpec.tiny());
        Files.delete(folder.resolve("unet/model.onnx"));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("has no unet/model.onnx")
                .hasMessageContaining("text_encoder/model.onnx, unet/model.onnx, vae_decoder/model.onnx");
    }

    @Test
    void missingTokenizerFile() throws IOException {
        Path folder = model(TinyModelSpec.tiny());
        Files.delete(folder.resolve("tokenizer/merges.txt"));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU)).hasMessageContaining("tokenizer/merges.txt");
    }

    @Test
    void brokenJson() throws IOException {
        Path folder = model(TinyModelSpec.tiny());
        Files.writeString(folder.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": ");
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .hasMessageContaining("scheduler/scheduler_config.json")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void truncatedOnnxFileIsReportedAsDamaged() throws IOException {
        Path folder = model(TinyModelSpec.tiny());
        Path unet = folder.resolve("unet/model.onnx");
        byte[] bytes = Files.readAllBytes(unet);
        Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("unet");
    }

    @Test
    void missingExternalWeightsAreReported() throws IOException {
        Path folder = model(TinyModelSpec.tiny().toBuilder().externalWeights(TinyModelSpec.ExternalWeights.WEIGHTS_PB).build());
        Files.delete(folder.resolve("unet/weights.pb"));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("unet");
    }

    @Test
    void sdxlInpaintingIsNotSupported() throws IOException {
        Path folder = model(TinyModelSpec.sdxl().toBuilder().pipelineClass("StableDiffusionXLInpaintPipeline").build());
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.UNSUPPORTED_MODEL))
                .hasMessageContaining("StableDiffusionXLInpaintPipeline")
                .hasMessageContaining("use a Stable Diffusion 1.x, 2.x, XL or XL-Turbo ONNX export");
    }

    @Test
    void img2imgWithoutVaeEncoderSaysSo() throws IOException {
        Path folder = model(TinyModelSpec.tiny().toBuilder().vaeEncoder(TinyModelSpec.VaeEncoder.NONE).build());
        try (ImageEngine engine = ImageEngine.open(folder, CPU)) {
            assertThat(engine.model().imageToImage()).isFalse();
            GenerationRequest request = GenerationRequest.builder("a cat").steps(2)
                    .initImage(ImageEngineTest.gradient(64, 64)).build();
            assertThatThrownBy(() -> engine.generate(request))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessageContaining("has no vae_encoder/model.onnx");
            assertThat(engine.generate(GenerationRequest.builder("a cat").size(64, 64).steps(2).build()).images())
                    .hasSize(1);
        }
    }

    @Test
    void pytorchFolderIsRecognised() throws IOException {
        Path folder = model(TinyModelSpec.tiny());
        Files.delete(folder.resolve("unet/model.onnx"));
        Files.write(folder.resolve("unet/diffusion_pytorch_model.safetensors"), new byte[16]);
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU)).hasMessageContaining("PyTorch weights, not ONNX");
    }

    @Test
    void autoDeviceFallsBackToTheCpu() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA),
                "this ONNX Runtime build has CUDA; the fallback is tested on CPU builds");
        try (ImageEngine engine = ImageEngine.open(model(TinyModelSpec.tiny()), EngineOptions.defaults())) {
            assertThat(engine.model().device()).isEqualTo("CPU");
        }
        try (ImageEngine engine = ImageEngine.open(dir.resolve("model"),
                EngineOptions.defaults().withDevice(ExecutionDevice.parse("cuda:0")))) {
            assertThat(engine.model().device()).isEqualTo("CPU");
            assertThat(engine.generate(GenerationRequest.builder("a").size(64, 64).steps(1).build()).images()).hasSize(1);
        }
    }
}
