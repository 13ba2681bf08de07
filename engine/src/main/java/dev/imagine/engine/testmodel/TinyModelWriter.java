package dev.imagine.engine.testmodel;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a small Stable Diffusion model folder in the layout of diffusers' and optimum's ONNX exports: real
 * input and output names, element types and shapes, made-up weights. ONNX Runtime loads and runs it like a
 * real model; the pictures are abstract.
 *
 * <p>Layout: {@code model_index.json}, {@code scheduler/scheduler_config.json},
 * {@code tokenizer/{vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json}},
 * {@code text_encoder/model.onnx}, {@code unet/model.onnx} (plus {@code weights.pb} or
 * {@code model.onnx_data}), {@code vae_decoder/model.onnx}, optionally {@code vae_encoder/model.onnx},
 * {@code vae_decoder/config.json}, for the SDXL layout {@code text_encoder_2/} and {@code tokenizer_2/}, and with a
 * safety threshold {@code safety_checker/model.onnx} and {@code feature_extractor/preprocessor_config.json}.
 */
public final class TinyModelWriter {

    static final String ONNX_RUNTIME_MODEL = "OnnxRuntimeModel";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    private TinyModelWriter() {
    }

    /**
     * Writes the folder for {@code spec} into {@code dir}, creating folders and replacing files. Optional
     * files this spec does not produce but an earlier write may have left (external weights, VAE encoder,
     * VAE config, SDXL folders) are deleted, so the folder always matches the spec. The same spec writes
     * byte-identical files.
     *
     * @throws IOException if a file cannot be written or the vocabulary source cannot be read
     */
    public static void write(Path dir, TinyModelSpec spec) throws IOException {
        Files.createDirectories(dir);
        removeStaleFiles(dir);
        writeJson(dir.resolve("model_index.json"), modelIndex(spec));
        writeJson(dir.resolve("scheduler").resolve("scheduler_config.json"), schedulerConfig(spec));
        writeTokenizer(dir.resolve("tokenizer"), spec, spec.padToken());
        writeModel(dir.resolve("text_encoder"), spec.sdxlLayout()
                ? TextEncoderGraph.buildSdxl(spec, true, componentSeed(spec, 1))
                : TextEncoderGraph.build(spec, "pooler_output", componentSeed(spec, 1)));
        writeUnet(dir.resolve("unet"), spec);
        writeModel(dir.resolve("vae_decoder"), VaeGraphs.decoder(spec, componentSeed(spec, 3)));
        if (spec.scalingFactor() != null) {
            ObjectNode config = JSON.createObjectNode();
            config.put("_class_name", "AutoencoderKL");
            config.put("latent_channels", UnetGraph.LATENT_CHANNELS);
            config.put("scaling_factor", BigDecimal.valueOf(spec.scalingFactor()));
            writeJson(dir.resolve("vae_decoder").resolve("config.json"), config);
        }
        if (spec.vaeEncoder() != TinyModelSpec.VaeEncoder.NONE) {
            writeModel(dir.resolve("vae_encoder"), VaeGraphs.encoder(spec));
        }
        if (spec.safetyThreshold() != null) {
            writeModel(dir.resolve("safety_checker"), SafetyCheckerGraph.build(spec));
            writeJson(dir.resolve("feature_extractor").resolve("preprocessor_config.json"),
                    SafetyCheckerGraph.preprocessorConfig(JSON));
        }
        if (spec.sdxlLayout()) {
            writeTokenizer(dir.resolve("tokenizer_2"), spec, TinyModelSpec.PadToken.EXCLAMATION);
            writeModel(dir.resolve("text_encoder_2"), TextEncoderGraph.buildSdxl(spec, false, componentSeed(spec, 4)));
            writeUnetConfig(dir.resolve("unet"), spec);
        }
    }

    private static void removeStaleFiles(Path dir) throws IOException {
        for (String file : List.of("unet/weights.pb", "unet/model.onnx_data", "vae_encoder/model.onnx",
                "vae_decoder/config.json", "unet/config.json", "text_encoder_2/model.onnx", "tokenizer_2/vocab.json",
                "tokenizer_2/merges.txt", "tokenizer_2/tokenizer_config.json", "tokenizer_2/special_tokens_map.json",
                "safety_checker/model.onnx", "feature_extractor/preprocessor_config.json")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        for (String folder : List.of("vae_encoder", "text_encoder_2", "tokenizer_2", "safety_checker",
                "feature_extractor")) {
            Path path = dir.resolve(folder);
            if (Files.isDirectory(path)) {
                try (var entries = Files.list(path)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(path);
                    }
                }
            }
        }
    }

    private static ObjectNode modelIndex(TinyModelSpec spec) {
        String pipeline = spec.pipelineClass() != null
                ? spec.pipelineClass()
                : spec.sdxlLayout() ? "ORTStableDiffusionXLPipeline" : "OnnxStableDiffusionPipeline";
        ObjectNode index = JSON.createObjectNode();
        index.put("_class_name", pipeline);
        boolean checker = spec.safetyThreshold() != null;
        index.set("feature_extractor", checker ? pair("transformers", "CLIPImageProcessor") : pair(null, null));
        index.put("requires_safety_checker", checker);
        index.set("safety_checker", checker ? pair("diffusers", ONNX_RUNTIME_MODEL) : pair(null, null));
        index.set("scheduler", pair("diffusers", spec.schedulerClass()));
        index.set("text_encoder", pair("diffusers", ONNX_RUNTIME_MODEL));
        if (spec.sdxlLayout()) {
            index.set("text_encoder_2", pair("diffusers", ONNX_RUNTIME_MODEL));
        }
        if (spec.forceZerosForEmptyPrompt() != null) {
            index.put("force_zeros_for_empty_prompt", spec.forceZerosForEmptyPrompt());
        }
        index.set("tokenizer", pair("transformers", "CLIPTokenizer"));
        if (spec.sdxlLayout()) {
            index.set("tokenizer_2", pair("transformers", "CLIPTokenizer"));
        }
        index.set("unet", pair("diffusers", ONNX_RUNTIME_MODEL));
        index.set("vae_decoder", pair("diffusers", ONNX_RUNTIME_MODEL));
        if (spec.vaeEncoder() != TinyModelSpec.VaeEncoder.NONE) {
            index.set("vae_encoder", pair("diffusers", ONNX_RUNTIME_MODEL));
        }
        return index;
    }

    private static ObjectNode schedulerConfig(TinyModelSpec spec) {
        ObjectNode config = JSON.createObjectNode();
        config.put("_class_name", spec.schedulerClass());
        config.put("beta_end", new BigDecimal("0.012"));
        config.put("beta_schedule", "scaled_linear");
        config.put("beta_start", new BigDecimal("0.00085"));
        config.put("clip_sample", false);
        config.put("num_train_timesteps", 1000);
        config.put("prediction_type", spec.predictionType());
        config.put("set_alpha_to_one", false);
        config.put("skip_prk_steps", true);
        config.put("steps_offset", spec.stepsOffset());
        if (spec.timestepSpacing() != null) {
            config.put("timestep_spacing", spec.timestepSpacing());
        }
        config.putNull("trained_betas");
        for (Map.Entry<String, Object> override : spec.schedulerOverrides().entrySet()) {
            config.set(override.getKey(), JSON.valueToTree(override.getValue()));
        }
        return config;
    }

    private static void writeTokenizer(Path folder, TinyModelSpec spec, TinyModelSpec.PadToken padToken)
            throws IOException {
        Files.createDirectories(folder);
        if (spec.vocabularySource() != null) {
            for (String file : List.of("vocab.json", "merges.txt")) {
                Files.copy(spec.vocabularySource().resolve(file), folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            SyntheticVocabulary vocabulary = SyntheticVocabulary.create();
            ObjectNode vocab = JSON.createObjectNode();
            vocabulary.vocabulary().forEach(vocab::put);
            Files.write(folder.resolve("vocab.json"), JSON.writeValueAsBytes(vocab));
            StringBuilder merges = new StringBuilder("#version: 0.2\n");
            for (String merge : vocabulary.merges()) {
                merges.append(merge).append('\n');
            }
            Files.writeString(folder.resolve("merges.txt"), merges, StandardCharsets.UTF_8);
        }

        String pad = padToken.text();
        ObjectNode config = JSON.createObjectNode();
        config.set("bos_token", addedToken(SyntheticVocabulary.START_OF_TEXT));
        config.put("do_lower_case", true);
        config.set("eos_token", addedToken(SyntheticVocabulary.END_OF_TEXT));
        config.put("model_max_length", 77);
        config.put("pad_token", pad);
        config.put("tokenizer_class", "CLIPTokenizer");
        if (spec.sdxlLayout() && padToken == TinyModelSpec.PadToken.EXCLAMATION) {
            // As in SDXL's tokenizer_2: the pad token is declared an added special token (transformers 4.34+ format).
            ObjectNode decoder = JSON.createObjectNode();
            ObjectNode bang = addedToken(pad);
            bang.put("normalized", false);
            bang.put("special", true);
            decoder.set(Integer.toString(SyntheticVocabulary.create().vocabulary().get(pad)), bang);
            config.set("added_tokens_decoder", decoder);
        }
        config.set("unk_token", addedToken(SyntheticVocabulary.END_OF_TEXT));
        writeJson(folder.resolve("tokenizer_config.json"), config);

        ObjectNode special = JSON.createObjectNode();
        special.set("bos_token", addedToken(SyntheticVocabulary.START_OF_TEXT));
        special.set("eos_token", addedToken(SyntheticVocabulary.END_OF_TEXT));
        special.put("pad_token", pad);
        special.set("unk_token", addedToken(SyntheticVocabulary.END_OF_TEXT));
        writeJson(folder.resolve("special_tokens_map.json"), special);
    }

    /** SDXL's {@code unet/config.json} keys the engine reads: the native latent size and the added-condition kind. */
    private static void writeUnetConfig(Path folder, TinyModelSpec spec) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("_class_name", "UNet2DConditionModel");
        config.put("addition_embed_type", "text_time");
        config.put("addition_time_embed_dim", 256);
        config.put("cross_attention_dim", spec.hiddenSize() + spec.secondHiddenSize());
        config.put("projection_class_embeddings_input_dim", 256 * UnetGraph.TIME_IDS + spec.secondHiddenSize());
        config.put("sample_size", "trailing".equals(spec.timestepSpacing()) ? 64 : 128);
        writeJson(folder.resolve("config.json"), config);
    }

    private static void writeUnet(Path folder, TinyModelSpec spec) throws IOException {
        ModelProto unet = UnetGraph.build(spec, componentSeed(spec, 2));
        Files.createDirectories(folder);
        switch (spec.externalWeights()) {
            case NONE -> writeModel(folder, unet);
            case WEIGHTS_PB -> writeModel(folder, ExternalData.externalize(unet, folder, "weights.pb"));
            case ONNX_DATA -> writeModel(folder, ExternalData.externalize(unet, folder, "model.onnx_data"));
        }
    }

    private static void writeModel(Path folder, ModelProto model) throws IOException {
        Files.createDirectories(folder);
        try (OutputStream out = Files.newOutputStream(folder.resolve("model.onnx"))) {
            model.writeTo(out);
        }
    }

    private static void writeJson(Path file, JsonNode json) throws IOException {
        Files.createDirectories(file.getParent());
        String text = JSON.writer(PRETTY).writeValueAsString(json) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static ArrayNode pair(String library, String className) {
        return JSON.createArrayNode().add(library).add(className);
    }

    private static ObjectNode addedToken(String content) {
        ObjectNode token = JSON.createObjectNode();
        token.put("content", content);
        token.put("lstrip", false);
        token.put("normalized", true);
        token.put("rstrip", false);
        token.put("single_word", false);
        return token;
    }

    private static long componentSeed(TinyModelSpec spec, int component) {
        return spec.seed() * 0x9E3779B97F4A7C15L + component;
    }
}
