package dev.imagine.engine;

import dev.imagine.engine.model.ModelFolder;
import dev.imagine.engine.model.ModelFolderException;
import dev.imagine.engine.sampler.NoiseScheduleConfig;
import dev.imagine.engine.sampler.PredictionType;
import dev.imagine.engine.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place a model's family is decided, used when the engine opens a model and when a model folder is only
 * described (without ONNX Runtime sessions, e.g. {@code models list}).
 */
final class FamilyDetection {
    private FamilyDetection() {
    }

    /**
     * SDXL when the folder has two text encoders (SDXL-Turbo when its scheduler asks for trailing timesteps); LCM
     * when the UNet takes a guidance embedding or the scheduler is LCM's; Turbo when the scheduler file asks
     * for trailing timesteps; SD 2.x when the text encoder is 1024 wide or the tokenizer pads with something other
     * than its end token, with v-prediction as its own family; SD 1.x otherwise.
     */
    static ModelFamily detect(ModelFolder folder, NoiseScheduleConfig schedule, ClipTokenizer tokenizer, int hidden,
            boolean guidanceEmbedding) {
        if (folder.sdxl()) {
            return "trailing".equals(folder.schedulerConfig().path("timestep_spacing").asText(""))
                    ? ModelFamily.SDXL_TURBO : ModelFamily.SDXL;
        }
        if (guidanceEmbedding || "LCMScheduler".equals(schedule.className())) {
            return ModelFamily.LCM;
        }
        if ("trailing".equals(folder.schedulerConfig().path("timestep_spacing").asText(""))) {
            return ModelFamily.TURBO;
        }
        boolean sd2 = hidden == 1024 || tokenizer.padId() != tokenizer.eosId();
        if (schedule.predictionType() == PredictionType.V_PREDICTION) {
            return ModelFamily.SD2_V;
        }
        return sd2 ? ModelFamily.SD2 : ModelFamily.SD1;
    }

    /** See {@link ModelFamily#detect(Path, int, boolean)}. */
    static ModelFamily detect(Path dir, int hidden, boolean guidanceEmbedding) {
        ModelFolder folder = openFolder(dir);
        return detect(folder, schedule(folder, dir), tokenizer(folder, dir), hidden, guidanceEmbedding);
    }

    static ModelFolder openFolder(Path dir) {
        try {
            return ModelFolder.open(dir);
        } catch (ModelFolderException e) {
            throw new EngineException(e.unsupported() ? EngineException.Reason.UNSUPPORTED_MODEL
                    : EngineException.Reason.INVALID_MODEL, e.getMessage(), e);
        }
    }

    static ClipTokenizer tokenizer(ModelFolder folder, Path dir) {
        try {
            return ClipTokenizer.load(folder.tokenizerDir());
        } catch (IOException | RuntimeException e) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL,
                    "the tokenizer of " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** SDXL's second tokenizer (OpenCLIP, with its special tokens). */
    static ClipTokenizer tokenizer2(Path tokenizerDir, Path dir) {
        try {
            return ClipTokenizer.loadWithSpecialTokens(tokenizerDir);
        } catch (IOException | RuntimeException e) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL,
                    "the tokenizer of " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    static NoiseScheduleConfig schedule(ModelFolder folder, Path dir) {
        try {
            return NoiseScheduleConfig.parse(folder.schedulerConfig());
        } catch (IllegalArgumentException e) {
            throw new EngineException(EngineException.Reason.INVALID_MODEL,
                    "scheduler/scheduler_config.json of " + dir + ": " + e.getMessage(), e);
        }
    }
}
