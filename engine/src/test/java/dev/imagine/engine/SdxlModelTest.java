package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SDXL folders: detection, families and defaults, and the sentences for folders that lack what SDXL needs. */
class SdxlModelTest {
    private static final EngineOptions CPU = EngineOptions.defaults().withDevice(ExecutionDevice.cpu());

    @TempDir
    Path dir;

    private Path model(String name, TinyModelSpec spec) throws IOException {
        Path folder = dir.resolve(name);
        TinyModelWriter.write(folder, spec);
        return folder;
    }

    @Test
    void sdxlBaseIsDetectedWithItsDefaults() throws IOException {
        try (ImageEngine engine = ImageEngine.open(model("base", TinyModelSpec.sdxl()), CPU)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.SDXL);
            assertThat(info.hiddenSize()).isEqualTo(32 + 48);
            assertThat(info.defaultSampler()).isEqualTo(SamplerKind.EULER);
            assertThat(info.defaultSteps()).isEqualTo(30);
            assertThat(info.defaultGuidance()).isEqualTo(5.0);
            assertThat(info.defaultWidth()).isEqualTo(1024);
            assertThat(info.defaultHeight()).isEqualTo(1024);
            assertThat(info.unetInputs()).contains("text_embeds float32 [?, 48]", "time_ids float32 [?, 6]");
        }
    }

    @Test
    void sdxlWithoutUnetConfigStillDefaultsTo1024() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl());
        Files.delete(folder.resolve("unet/config.json"));
        try (ImageEngine engine = ImageEngine.open(folder, CPU)) {
            assertThat(engine.model().defaultWidth()).isEqualTo(1024);
        }
    }

    @Test
    void sdxlTurboIsDetectedWithItsDefaults() throws IOException {
        try (ImageEngine engine = ImageEngine.open(model("turbo", TinyModelSpec.sdxlTurbo()), CPU)) {
            ModelInfo info = engine.model();
            assertThat(info.family()).isEqualTo(ModelFamily.SDXL_TURBO);
            assertThat(info.defaultSampler()).isEqualTo(SamplerKind.EULER_ANCESTRAL);
            assertThat(info.defaultSteps()).isEqualTo(1);
            assertThat(info.defaultGuidance()).isEqualTo(0.0);
            assertThat(info.defaultWidth()).isEqualTo(512);
        }
    }

    @Test
    void theRefinerIsRefused() throws IOException {
        Path folder = model("refiner", TinyModelSpec.sdxl());
        Files.delete(folder.resolve("text_encoder/model.onnx"));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.UNSUPPORTED_MODEL))
                .hasMessageContaining("SDXL refiner");
    }

    @Test
    void aMissingSecondTokenizerIsNamed() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl());
        Files.delete(folder.resolve("tokenizer_2/merges.txt"));
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("tokenizer_2/merges.txt")
                .hasMessageContaining("text_encoder_2/model.onnx");
    }

    @Test
    void aSecondEncoderWithoutTextEmbedsIsRefusedNamingTheOutput() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl().toBuilder().secondHiddenSize(32).build());
        Files.copy(folder.resolve("text_encoder/model.onnx"), folder.resolve("text_encoder_2/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("text_encoder_2 has no float output 'text_embeds'");
    }

    @Test
    void anEncoderWithoutHiddenStatesIsRefusedNamingThem() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl().toBuilder().secondHiddenSize(32).build());
        Path sd1 = model("sd1", TinyModelSpec.tiny());
        Files.copy(sd1.resolve("text_encoder/model.onnx"), folder.resolve("text_encoder_2/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("text_encoder_2 has no hidden_states.N outputs");
    }

    @Test
    void aUnetWithoutTheAddedConditionsIsRefusedNamingTheInput() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl());
        Path sd1 = model("sd1", TinyModelSpec.tiny().toBuilder().hiddenSize(80).build());
        Files.copy(sd1.resolve("unet/model.onnx"), folder.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                        .isEqualTo(EngineException.Reason.INVALID_MODEL))
                .hasMessageContaining("the UNet has no input 'text_embeds'");
    }

    @Test
    void encodersOfOtherWidthsThanTheUnetAreRefused() throws IOException {
        Path folder = model("base", TinyModelSpec.sdxl());
        Path other = model("other", TinyModelSpec.sdxl().toBuilder().secondHiddenSize(40).build());
        Files.copy(other.resolve("text_encoder_2/model.onnx"), folder.resolve("text_encoder_2/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ImageEngine.open(folder, CPU))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("32 + 40 values per token but its UNet expects 80");
    }

    @Test
    void sdxlSizesStartAt512AndMicroConditioningIsSdxlOnly() {
        try (ImageEngine sdxl = TestModels.open(TinyModelSpec.sdxlTurbo())) {
            assertThatThrownBy(() -> sdxl.generate(GenerationRequest.builder("a cat").size(512, 256).build()))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessageContaining("makes images from 512 to 2048 pixels per side; got 512x256");
        }
        try (ImageEngine sd1 = TestModels.open(TinyModelSpec.tiny())) {
            assertThatThrownBy(() -> sd1.generate(GenerationRequest.builder("a cat").size(64, 64)
                    .originalSize(1024, 1024).build()))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessageContaining("original size and crop are SDXL settings");
        }
    }

    @Test
    void aServerMaximumBelow512LowersTheSdxlMinimum() {
        try (ImageEngine engine = ImageEngine.open(TestModels.folder(TinyModelSpec.sdxlTurbo()),
                CPU.withMaxSide(256))) {
            GenerationResult result = engine.generate(GenerationRequest.builder("a cat").size(256, 256).seed(1L).build());
            assertThat(result.images().get(0).image().getWidth()).isEqualTo(256);
        }
    }

    @Test
    void aUnetExportFixedTo768By512OnlyMakesThatSize() throws IOException {
        Path folder = model("fixed", TinyModelSpec.sdxl());
        Path unet = folder.resolve("unet/model.onnx");
        OnnxMl.ModelProto proto;
        try (InputStream in = Files.newInputStream(unet)) {
            proto = OnnxMl.ModelProto.parseFrom(in);
        }
        OnnxMl.ModelProto.Builder fixed = proto.toBuilder();
        for (OnnxMl.ValueInfoProto.Builder value : fixed.getGraphBuilder().getInputBuilderList()) {
            if (value.getName().equals("sample")) {
                OnnxMl.TensorShapeProto.Builder shape = value.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                shape.getDimBuilder(2).clear().setDimValue(64);
                shape.getDimBuilder(3).clear().setDimValue(96);
            }
        }
        Files.write(unet, fixed.build().toByteArray());
        try (ImageEngine engine = ImageEngine.open(folder, CPU)) {
            assertThat(engine.model().defaultWidth()).isEqualTo(768);
            assertThat(engine.model().defaultHeight()).isEqualTo(512);
            GenerationResult result = engine.generate(GenerationRequest.builder("a cat").steps(1).seed(1L).build());
            assertThat(result.images().get(0).image().getWidth()).isEqualTo(768);
            assertThat(result.images().get(0).image().getHeight()).isEqualTo(512);
            assertThatThrownBy(() -> engine.generate(GenerationRequest.builder("a cat").size(1024, 1024).build()))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessageContaining("only makes 768x512 images (its export fixed the size); got 1024x1024");
        }
    }

    @Test
    void sdxlSidesStopAt2048AfterAnUpscaleTooWhenTheServerAllowsMore() {
        EngineOptions large = CPU.withMaxSide(4096);
        try (ImageEngine sdxl = ImageEngine.open(TestModels.folder(TinyModelSpec.sdxlTurbo()), large)) {
            RequestResolver resolver = new RequestResolver(sdxl.model(), large, count -> 1L);
            assertThatThrownBy(() -> resolver.resolve(GenerationRequest.builder("a cat").size(1024, 1024).upscale(2.5)
                    .build()))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.reason())
                            .isEqualTo(EngineException.Reason.INVALID_REQUEST))
                    .hasMessageContaining("gives 2560x2560, over the 2048 pixels per side this model makes");
            assertThatThrownBy(() -> resolver.resolve(GenerationRequest.builder("a cat").size(512, 256).build()))
                    .hasMessageContaining("makes images from 512 to 2048 pixels per side; got 512x256");
            assertThat(resolver.resolve(GenerationRequest.builder("a cat").size(1024, 1024).upscale(2.0).build())
                    .outputWidth()).isEqualTo(2048);
            GenerationRequest fromPicture = resolver.resolve(GenerationRequest.builder("a cat")
                    .initImage(ImageEngineTest.gradient(3000, 1000)).build());
            assertThat(fromPicture.width()).isEqualTo(2048);
            assertThat(fromPicture.height()).isBetween(672, 688);
        }
        try (ImageEngine sd1 = TestModels.open(TinyModelSpec.tiny())) {
            RequestResolver resolver = new RequestResolver(sd1.model(), large, count -> 1L);
            assertThat(resolver.resolve(GenerationRequest.builder("a cat").size(1024, 1024).upscale(2.5).build())
                    .outputWidth()).isEqualTo(2560);
            // a request's own side stops at 2048 for every model, so a large picture is fitted within that
            assertThat(resolver.resolve(GenerationRequest.builder("a cat").initImage(ImageEngineTest.gradient(3000,
                    1000)).build()).width()).isEqualTo(2048);
        }
    }

    @Test
    void turboImageToImageAndHiresWithDefaultStepsRunAtLeastOneStep() throws IOException {
        try (ImageEngine turbo = ImageEngine.open(model("turbo", TinyModelSpec.sdxlTurbo()), CPU)) {
            // diffusers runs (int) (steps * strength) steps: Turbo's 1 step at strength 0.75 would run none
            GenerationResult fromPicture = turbo.generate(GenerationRequest.builder("a fox").seed(1L)
                    .initImage(ImageEngineTest.gradient(512, 512)).build());
            assertThat(fromPicture.request().steps()).isEqualTo(2);
            assertThat(fromPicture.timings().unetCalls()).isEqualTo(1);

            RequestResolver resolver = new RequestResolver(turbo.model(), CPU, count -> 1L);
            assertThat(resolver.resolve(GenerationRequest.builder("a fox").build()).steps()).isEqualTo(1);
            assertThat(resolver.resolve(GenerationRequest.builder("a fox").upscale(1.5).build()).steps())
                    .isEqualTo(3);
            assertThat(resolver.resolve(GenerationRequest.builder("a fox").initImage(ImageEngineTest.gradient(512,
                    512)).strength(0.2).build()).steps()).isEqualTo(5);
            assertThat(resolver.resolve(GenerationRequest.builder("a fox").initImage(ImageEngineTest.gradient(512,
                    512)).steps(3).build()).steps()).as("steps the user gave stay").isEqualTo(3);
            // steps the user gave that leave a pass no denoising step are refused, as diffusers refuses them
            assertThatThrownBy(() -> resolver.resolve(GenerationRequest.builder("a fox")
                    .initImage(ImageEngineTest.gradient(512, 512)).steps(1).build()))
                    .isInstanceOf(EngineException.class)
                    .hasMessage("with 1 step at strength 0.75 no denoising step is left (a pass runs steps x strength "
                            + "of them, rounded down): use at least 2 steps or a higher strength");
            assertThatThrownBy(() -> resolver.resolve(GenerationRequest.builder("a fox").steps(2).upscale(1.5)
                    .build()))
                    .isInstanceOf(EngineException.class)
                    .hasMessageStartingWith("with 2 steps at hires strength 0.35 no denoising step is left")
                    .hasMessageEndingWith("use at least 3 steps or a higher hires strength");
        }
        try (ImageEngine base = ImageEngine.open(model("base", TinyModelSpec.sdxl()), CPU)) {
            RequestResolver resolver = new RequestResolver(base.model(), CPU, count -> 1L);
            assertThat(resolver.resolve(GenerationRequest.builder("a fox").initImage(ImageEngineTest.gradient(512,
                    512)).upscale(1.5).build()).steps()).isEqualTo(30);
        }
    }
}
