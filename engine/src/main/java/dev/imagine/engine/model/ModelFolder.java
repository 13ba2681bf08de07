package dev.imagine.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A Stable Diffusion ONNX folder as written by diffusers' {@code convert_stable_diffusion_checkpoint_to_onnx.py}
 * or by optimum, checked for the files the engine needs before any session is created.
 *
 * @param root the folder
 * @param pipelineClass {@code _class_name} of {@code model_index.json}
 * @param schedulerConfig the parsed {@code scheduler/scheduler_config.json}
 * @param tokenizerDir {@code tokenizer/}
 * @param textEncoder {@code text_encoder/model.onnx}
 * @param unet {@code unet/model.onnx} (external weights beside it are resolved by ONNX Runtime)
 * @param vaeDecoder {@code vae_decoder/model.onnx}
 * @param vaeEncoder {@code vae_encoder/model.onnx} when present; img2img needs it
 * @param scalingFactor the VAE latent scale: {@code vae_decoder/config.json} {@code scaling_factor}, else 0.18215
 * @param unetSampleSize the UNet's native latent size from {@code unet/config.json}, when the folder has one
 * @param unetTimeCondProjDim the width of LCM's {@code timestep_cond} from {@code unet/config.json}, when given
 * @param tokenizer2Dir SDXL's {@code tokenizer_2/}, when the folder is an SDXL one
 * @param textEncoder2 SDXL's {@code text_encoder_2/model.onnx}, when the folder is an SDXL one
 * @param forceZerosForEmptyPrompt {@code force_zeros_for_empty_prompt} of {@code model_index.json} (SDXL: an empty
 *     negative prompt is encoded as zeros); true when absent, as diffusers' SDXL pipeline defaults
 */
public record ModelFolder(
        Path root,
        String pipelineClass,
        JsonNode schedulerConfig,
        Path tokenizerDir,
        Path textEncoder,
        Path unet,
        Path vaeDecoder,
        Optional<Path> vaeEncoder,
        float scalingFactor,
        Optional<Integer> unetSampleSize,
        Optional<Integer> unetTimeCondProjDim,
        Optional<Path> tokenizer2Dir,
        Optional<Path> textEncoder2,
        boolean forceZerosForEmptyPrompt) {

    /** The VAE scale of Stable Diffusion 1.x and 2.x, used when the folder does not name one. */
    public static final float DEFAULT_SCALING_FACTOR = 0.18215f;

    static final String LAYOUT = "model_index.json, scheduler/scheduler_config.json, "
            + "tokenizer/{vocab.json,merges.txt}, text_encoder/model.onnx, unet/model.onnx, "
            + "vae_decoder/model.onnx and optionally vae_encoder/model.onnx";
    static final String SDXL_LAYOUT = "model_index.json, scheduler/scheduler_config.json, "
            + "tokenizer/ and tokenizer_2/ {vocab.json,merges.txt}, text_encoder/model.onnx, "
            + "text_encoder_2/model.onnx, unet/model.onnx, vae_decoder/model.onnx and optionally vae_encoder/model.onnx";

    /** diffusers writes {@code -Infinity} (e.g. DPM-Solver's {@code lambda_min_clipped}), which strict JSON forbids. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /**
     * Reads and checks a model folder.
     *
     * @throws ModelFolderException naming the missing or broken file and the expected layout, or saying that
     *     the model family is not supported
     */
    public static ModelFolder open(Path root) throws ModelFolderException {
        if (!Files.isDirectory(root)) {
            throw new ModelFolderException("model folder " + root + " does not exist or is not a folder; "
                    + "expected a Stable Diffusion ONNX folder with " + LAYOUT, false);
        }
        JsonNode index = readJson(root, "model_index.json");
        String pipelineClass = index.path("_class_name").asText("");
        boolean sdxl = rejectUnsupported(root, pipelineClass);
        String layout = sdxl ? SDXL_LAYOUT : LAYOUT;
        if (!Files.exists(root.resolve("unet/model.onnx")) && Files.exists(root.resolve("unet/diffusion_pytorch_model.safetensors"))) {
            throw new ModelFolderException("model folder " + root + " holds PyTorch weights, not ONNX: "
                    + "use an ONNX export (for example a repository's onnx revision, or export it with optimum)", false);
        }
        JsonNode scheduler = readJson(root, "scheduler/scheduler_config.json");
        Path tokenizer = root.resolve("tokenizer");
        if (sdxl && !Files.exists(root.resolve("text_encoder/model.onnx"))
                && Files.exists(root.resolve("text_encoder_2/model.onnx"))) {
            throw new ModelFolderException(root + " has text_encoder_2 but no text_encoder: it looks like the SDXL "
                    + "refiner, which imagine does not run; use an SDXL base or SDXL-Turbo ONNX export", true);
        }
        require(root, "tokenizer/vocab.json", layout);
        require(root, "tokenizer/merges.txt", layout);
        Path textEncoder = require(root, "text_encoder/model.onnx", layout);
        Optional<Path> tokenizer2 = Optional.empty();
        Optional<Path> textEncoder2 = Optional.empty();
        if (sdxl) {
            require(root, "tokenizer_2/vocab.json", layout);
            require(root, "tokenizer_2/merges.txt", layout);
            tokenizer2 = Optional.of(root.resolve("tokenizer_2"));
            textEncoder2 = Optional.of(require(root, "text_encoder_2/model.onnx", layout));
        }
        Path unet = require(root, "unet/model.onnx", layout);
        Path vaeDecoder = require(root, "vae_decoder/model.onnx", layout);
        Path encoderPath = root.resolve("vae_encoder/model.onnx");
        Optional<Path> vaeEncoder = Files.isRegularFile(encoderPath) ? Optional.of(encoderPath) : Optional.empty();

        float scale = DEFAULT_SCALING_FACTOR;
        Path vaeConfig = root.resolve("vae_decoder/config.json");
        if (Files.isRegularFile(vaeConfig)) {
            JsonNode factor = readJson(root, "vae_decoder/config.json").path("scaling_factor");
            if (factor.isNumber()) {
                scale = factor.floatValue();
                if (!(scale > 0f) || !Float.isFinite(scale)) {
                    throw new ModelFolderException("vae_decoder/config.json of " + root + " has scaling_factor "
                            + factor + "; it must be a positive number (Stable Diffusion uses 0.18215)", false);
                }
            }
        }
        Optional<Integer> sampleSize = Optional.empty();
        Optional<Integer> condDim = Optional.empty();
        Path unetConfig = root.resolve("unet/config.json");
        if (Files.isRegularFile(unetConfig)) {
            JsonNode config = readJson(root, "unet/config.json");
            JsonNode size = config.path("sample_size");
            if (size.isInt() && size.intValue() > 0) {
                sampleSize = Optional.of(size.intValue());
            }
            JsonNode cond = config.path("time_cond_proj_dim");
            if (cond.isInt() && cond.intValue() > 0) {
                condDim = Optional.of(cond.intValue());
            }
        }
        JsonNode zeros = index.path("force_zeros_for_empty_prompt");
        return new ModelFolder(root, pipelineClass, scheduler, tokenizer, textEncoder, unet, vaeDecoder,
                vaeEncoder, scale, sampleSize, condDim, tokenizer2, textEncoder2, !zeros.isBoolean() || zeros.booleanValue());
    }

    /** Whether this is an SDXL folder (two text encoders). */
    public boolean sdxl() {
        return textEncoder2.isPresent();
    }

    /** The folder's name, used as the model's id in results and PNG metadata. */
    public String name() {
        Path name = root.toAbsolutePath().normalize().getFileName();
        return name == null ? root.toString() : name.toString();
    }

    /** Refuses families imagine does not run; returns whether the folder is an SDXL one. */
    private static boolean rejectUnsupported(Path root, String pipelineClass) throws ModelFolderException {
        String lower = pipelineClass.toLowerCase(Locale.ROOT);
        String family = null;
        boolean sdxl = lower.contains("xl") || Files.isDirectory(root.resolve("text_encoder_2"));
        if (lower.contains("diffusion3") || Files.isDirectory(root.resolve("text_encoder_3"))) {
            family = "Stable Diffusion 3";
        } else if (sdxl && (lower.contains("inpaint") || lower.contains("instructpix2pix")
                || lower.contains("controlnet") || lower.contains("adapter"))) {
            family = pipelineClass + " (an SDXL inpainting, instruct or control model)";
        } else if (lower.contains("flux")) {
            family = "FLUX";
        } else if (lower.contains("kandinsky") || lower.contains("wuerstchen") || lower.contains("cascade")) {
            family = pipelineClass;
        } else if (lower.contains("upscale") || lower.contains("inpaint") || lower.contains("depth2img")) {
            family = pipelineClass + " (an upscaler, inpainting or depth model)";
        }
        if (family != null) {
            throw new ModelFolderException(root + " is a " + family + " model, which imagine does not run yet; "
                    + "use a Stable Diffusion 1.x, 2.x, XL or XL-Turbo ONNX export (text-to-image)", true);
        }
        return sdxl;
    }

    private static Path require(Path root, String relative) throws ModelFolderException {
        return require(root, relative, LAYOUT);
    }

    private static Path require(Path root, String relative, String layout) throws ModelFolderException {
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new ModelFolderException("model folder " + root + " has no " + relative
                    + "; a Stable Diffusion" + (layout.equals(SDXL_LAYOUT) ? " XL" : "") + " ONNX folder has "
                    + layout, false);
        }
        return file;
    }

    /** Reads a JSON object file of {@code root}, naming the file in any error. */
    static JsonNode readJson(Path root, String relative) throws ModelFolderException {
        Path file = require(root, relative);
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFolderException(relative + " in " + root + " is not a JSON object", false);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ModelFolderException(relative + " in " + root + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFolderException("cannot read " + relative + " in " + root + ": " + e.getMessage(), e);
        }
    }
}
