package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.testmodel.TinyModelSpec.ExternalWeights;
import dev.imagine.engine.testmodel.TinyModelSpec.PadToken;
import dev.imagine.engine.testmodel.TinyModelSpec.VaeEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The files {@link TinyModelWriter} writes: layout, JSON contents, weight files, determinism. */
class TinyModelWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writesTheDiffusersOnnxLayout() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
        assertThat(files(dir)).containsExactlyInAnyOrder(
                "model_index.json",
                "scheduler/scheduler_config.json",
                "tokenizer/vocab.json", "tokenizer/merges.txt",
                "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
                "text_encoder/model.onnx",
                "unet/model.onnx",
                "vae_decoder/model.onnx",
                "vae_encoder/model.onnx");
    }

    @Test
    void writesOptionalPartsOnlyWhenAskedAndRemovesThemWhenRewritten() throws IOException {
        TinyModelSpec full = TinyModelSpec.tiny().toBuilder()
                .externalWeights(ExternalWeights.ONNX_DATA)
                .scalingFactor(0.13025)
                .sdxlLayout(true)
                .build();
        TinyModelWriter.write(dir, full);
        assertThat(files(dir)).contains(
                "unet/model.onnx_data",
                "vae_decoder/config.json",
                "text_encoder_2/model.onnx",
                "tokenizer_2/vocab.json", "tokenizer_2/merges.txt",
                "tokenizer_2/tokenizer_config.json", "tokenizer_2/special_tokens_map.json");

        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().vaeEncoder(VaeEncoder.NONE).build());
        assertThat(files(dir)).containsExactlyInAnyOrder(
                "model_index.json",
                "scheduler/scheduler_config.json",
                "tokenizer/vocab.json", "tokenizer/merges.txt",
                "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
                "text_encoder/model.onnx",
                "unet/model.onnx",
                "vae_decoder/model.onnx");
        assertThat(dir.resolve("vae_encoder")).doesNotExist();
        assertThat(dir.resolve("text_encoder_2")).doesNotExist();
    }

    @Test
    void modelIndexNamesThePipelineAndItsParts() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
        JsonNode index = read("model_index.json");
        assertThat(index.get("_class_name").asText()).isEqualTo("OnnxStableDiffusionPipeline");
        assertThat(index.get("scheduler").toString()).isEqualTo("[\"diffusers\",\"PNDMScheduler\"]");
        assertThat(index.get("tokenizer").toString()).isEqualTo("[\"transformers\",\"CLIPTokenizer\"]");
        for (String part : List.of("text_encoder", "unet", "vae_decoder", "vae_encoder")) {
            assertThat(index.get(part).toString()).as(part).isEqualTo("[\"diffusers\",\"OnnxRuntimeModel\"]");
        }
        assertThat(index.has("text_encoder_2")).isFalse();

        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().vaeEncoder(VaeEncoder.NONE)
                .pipelineClass("ORTStableDiffusionPipeline").build());
        index = read("model_index.json");
        assertThat(index.get("_class_name").asText()).isEqualTo("ORTStableDiffusionPipeline");
        assertThat(index.has("vae_encoder")).isFalse();
    }

    @Test
    void sdxlLayoutNamesTheXlPipelineAndSecondEncoder() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().sdxlLayout(true).build());
        JsonNode index = read("model_index.json");
        assertThat(index.get("_class_name").asText()).isEqualTo("ORTStableDiffusionXLPipeline");
        assertThat(index.get("text_encoder_2").toString()).isEqualTo("[\"diffusers\",\"OnnxRuntimeModel\"]");
        assertThat(index.get("tokenizer_2").toString()).isEqualTo("[\"transformers\",\"CLIPTokenizer\"]");
    }

    @Test
    void schedulerConfigHasTheSd1ValuesByDefault() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
        JsonNode config = read("scheduler/scheduler_config.json");
        // Values of runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json.
        assertThat(config.get("_class_name").asText()).isEqualTo("PNDMScheduler");
        assertThat(config.get("beta_start").decimalValue()).isEqualByComparingTo("0.00085");
        assertThat(config.get("beta_end").decimalValue()).isEqualByComparingTo("0.012");
        assertThat(config.get("beta_schedule").asText()).isEqualTo("scaled_linear");
        assertThat(config.get("num_train_timesteps").asInt()).isEqualTo(1000);
        assertThat(config.get("set_alpha_to_one").asBoolean(true)).isFalse();
        assertThat(config.get("skip_prk_steps").asBoolean(false)).isTrue();
        assertThat(config.get("clip_sample").asBoolean(true)).isFalse();
        assertThat(config.get("steps_offset").asInt()).isEqualTo(1);
        assertThat(config.get("prediction_type").asText()).isEqualTo("epsilon");
        assertThat(config.get("trained_betas").isNull()).isTrue();
        assertThat(config.has("timestep_spacing")).isFalse();
        assertThat(Files.readString(dir.resolve("scheduler/scheduler_config.json"))).contains("\"beta_start\": 0.00085");
    }

    @Test
    void schedulerConfigTakesSettingsAndOverrides() throws IOException {
        TinyModelSpec spec = TinyModelSpec.tiny().toBuilder()
                .schedulerClass("EulerDiscreteScheduler")
                .predictionType("v_prediction")
                .timestepSpacing("trailing")
                .stepsOffset(0)
                .schedulerOverride("beta_schedule", "linear")
                .schedulerOverride("original_inference_steps", 50)
                .schedulerOverride("rescale_betas_zero_snr", true)
                .schedulerOverride("clip_sample", null)
                .schedulerOverride("trained_betas", List.of(0.001, 0.002))
                .build();
        TinyModelWriter.write(dir, spec);
        JsonNode config = read("scheduler/scheduler_config.json");
        assertThat(config.get("_class_name").asText()).isEqualTo("EulerDiscreteScheduler");
        assertThat(config.get("prediction_type").asText()).isEqualTo("v_prediction");
        assertThat(config.get("timestep_spacing").asText()).isEqualTo("trailing");
        assertThat(config.get("steps_offset").asInt()).isZero();
        assertThat(config.get("beta_schedule").asText()).isEqualTo("linear");
        assertThat(config.get("original_inference_steps").asInt()).isEqualTo(50);
        assertThat(config.get("rescale_betas_zero_snr").asBoolean()).isTrue();
        assertThat(config.get("clip_sample").isNull()).isTrue();
        assertThat(config.get("trained_betas").toString()).isEqualTo("[0.001,0.002]");
        assertThat(read("model_index.json").get("scheduler").get(1).asText()).isEqualTo("EulerDiscreteScheduler");
    }

    @ParameterizedTest
    @EnumSource(PadToken.class)
    void tokenizerConfigsNameThePadToken(PadToken pad) throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().padToken(pad).build());
        JsonNode config = read("tokenizer/tokenizer_config.json");
        assertThat(config.get("model_max_length").asInt()).isEqualTo(77);
        assertThat(config.get("pad_token").asText()).isEqualTo(pad == PadToken.EXCLAMATION ? "!" : "<|endoftext|>");

        JsonNode special = read("tokenizer/special_tokens_map.json");
        assertThat(special.get("pad_token").asText()).isEqualTo(config.get("pad_token").asText());
        assertThat(special.get("bos_token").get("content").asText()).isEqualTo("<|startoftext|>");
        assertThat(special.get("eos_token").get("content").asText()).isEqualTo("<|endoftext|>");
        assertThat(special.get("unk_token").get("content").asText()).isEqualTo("<|endoftext|>");
    }

    @Test
    void vaeConfigCarriesTheScalingFactor() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().scalingFactor(0.13025).build());
        JsonNode config = read("vae_decoder/config.json");
        assertThat(config.get("scaling_factor").asDouble()).isEqualTo(0.13025);
    }

    @Test
    void copiesTheGivenVocabularyUnchanged() throws IOException {
        Path clip = Path.of(System.getProperty("imagine.shared.dir", "/work/shared"), "fixtures", "clip");
        Assumptions.assumeTrue(Files.isRegularFile(clip.resolve("vocab.json")),
                "real CLIP vocabulary not found under " + clip + "; skipping the copy test");
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().vocabularySource(clip).build());
        for (String file : List.of("vocab.json", "merges.txt")) {
            assertThat(Files.mismatch(clip.resolve(file), dir.resolve("tokenizer").resolve(file))).as(file).isEqualTo(-1L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExternalWeights.class, names = {"WEIGHTS_PB", "ONNX_DATA"})
    void externalWeightsLiveInOneFileNextToASmallModel(ExternalWeights form) throws IOException {
        TinyModelSpec inline = TinyModelSpec.tiny().toBuilder().unetChannels(32).unetLayers(2).build();
        TinyModelWriter.write(dir.resolve("inline"), inline);
        TinyModelWriter.write(dir.resolve("external"), inline.toBuilder().externalWeights(form).build());
        String location = form == ExternalWeights.WEIGHTS_PB ? "weights.pb" : "model.onnx_data";
        Path unet = dir.resolve("external/unet");
        long inlineSize = Files.size(dir.resolve("inline/unet/model.onnx"));
        long modelSize = Files.size(unet.resolve("model.onnx"));
        long dataSize = Files.size(unet.resolve(location));
        assertThat(files(unet)).containsExactlyInAnyOrder("model.onnx", location);
        assertThat(modelSize).isLessThan(inlineSize / 4);
        assertThat(dataSize).isGreaterThan(inlineSize * 3 / 4);

        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(unet.resolve("model.onnx"))) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        long expectedOffset = 0;
        int external = 0;
        for (OnnxMl.TensorProto tensor : model.getGraph().getInitializerList()) {
            if (tensor.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                assertThat(tensor.getRawData().size()).as(tensor.getName()).isLessThan(1024);
                continue;
            }
            external++;
            Map<String, String> entries = new TreeMap<>();
            tensor.getExternalDataList().forEach(e -> entries.put(e.getKey(), e.getValue()));
            assertThat(entries).containsOnlyKeys("location", "offset", "length");
            assertThat(entries.get("location")).isEqualTo(location);
            assertThat(Long.parseLong(entries.get("offset"))).isEqualTo(expectedOffset);
            long elements = tensor.getDimsList().stream().reduce(1L, (a, b) -> a * b);
            assertThat(Long.parseLong(entries.get("length"))).isEqualTo(elements * Float.BYTES);
            assertThat(tensor.hasRawData()).isFalse();
            expectedOffset += Long.parseLong(entries.get("length"));
        }
        assertThat(external).isGreaterThanOrEqualTo(3);
        assertThat(expectedOffset).isEqualTo(dataSize);
    }

    @Test
    void sameSpecWritesIdenticalBytesAndTheSeedChangesTheWeights() throws IOException {
        TinyModelSpec spec = TinyModelSpec.tiny().toBuilder()
                .externalWeights(ExternalWeights.WEIGHTS_PB)
                .vaeEncoder(VaeEncoder.LATENT_PARAMETERS)
                .scalingFactor(0.18215)
                .smoothDecoder(true)
                .sdxlLayout(true)
                .schedulerOverride("timestep_spacing", "leading")
                .build();
        TinyModelWriter.write(dir.resolve("a"), spec);
        TinyModelWriter.write(dir.resolve("b"), spec);
        TinyModelWriter.write(dir.resolve("c"), spec.toBuilder().seed(spec.seed() + 1).build());
        List<String> files = files(dir.resolve("a"));
        assertThat(files(dir.resolve("b"))).containsExactlyInAnyOrderElementsOf(files);
        for (String file : files) {
            assertThat(Files.mismatch(dir.resolve("a").resolve(file), dir.resolve("b").resolve(file))).as(file).isEqualTo(-1L);
        }
        for (String file : List.of("unet/weights.pb", "text_encoder/model.onnx", "text_encoder_2/model.onnx")) {
            assertThat(Files.mismatch(dir.resolve("a").resolve(file), dir.resolve("c").resolve(file))).as(file).isNotEqualTo(-1L);
        }
        assertThat(Files.mismatch(dir.resolve("a/tokenizer/vocab.json"), dir.resolve("c/tokenizer/vocab.json"))).isEqualTo(-1L);
    }

    @Test
    void specRejectsValuesOutOfRangeNamingTheField() {
        assertThatThrownBy(() -> TinyModelSpec.tiny().toBuilder().hiddenSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hiddenSize");
        assertThatThrownBy(() -> TinyModelSpec.tiny().toBuilder().unetChannels(513).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unetChannels");
        assertThatThrownBy(() -> TinyModelSpec.tiny().toBuilder().scalingFactor(-1.0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalingFactor");
        assertThatThrownBy(() -> TinyModelSpec.tiny().toBuilder().schedulerClass(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schedulerClass");
        assertThatThrownBy(() -> TinyModelSpec.tiny().toBuilder().stepsOffset(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stepsOffset");
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        TinyModelSpec spec = TinyModelSpec.demo().toBuilder()
                .timestep(TinyModelSpec.Timestep.INT64_BATCH)
                .padToken(PadToken.EXCLAMATION)
                .schedulerOverride("trained_betas", null)
                .vocabularySource(dir)
                .build();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThat(spec.schedulerOverrides()).containsEntry("trained_betas", null);
    }

    private JsonNode read(String file) throws IOException {
        return JSON.readTree(dir.resolve(file).toFile());
    }

    static List<String> files(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.add(root.relativize(f).toString().replace('\\', '/')));
        }
        return files;
    }
}
