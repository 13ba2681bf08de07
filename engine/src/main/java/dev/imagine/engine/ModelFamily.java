package dev.imagine.engine;

import java.nio.file.Path;

/**
 * The kind of Stable Diffusion model a folder holds, detected from its scheduler config, tokenizer, text-encoder
 * width and UNet inputs. The family decides the defaults a request gets when it names none.
 */
public enum ModelFamily {
    /** Stable Diffusion 1.x: 768-wide text encoder, epsilon prediction, 512 px. */
    SD1("Stable Diffusion 1.x", 25, 7.5),
    /** Stable Diffusion 2.x base: 1024-wide OpenCLIP text encoder padded with {@code !}, epsilon, 512 px. */
    SD2("Stable Diffusion 2.x", 25, 7.5),
    /** Stable Diffusion 2.x with v-prediction (the 768 px models). */
    SD2_V("Stable Diffusion 2.x (v-prediction)", 25, 7.5),
    /** SD-Turbo style: trailing timesteps, 1 to 4 steps, no guidance. */
    TURBO("SD-Turbo (few-step, trailing timesteps)", 1, 0.0),
    /** Latent Consistency Model: a UNet with a guidance embedding input, 4 steps. */
    LCM("Latent Consistency Model (LCM)", 4, 8.5),
    /**
     * Stable Diffusion XL: two text encoders, a UNet with pooled-text and size conditioning, 1024 px, 30 steps,
     * guidance 5 (diffusers' {@code StableDiffusionXLPipeline} default).
     */
    SDXL("Stable Diffusion XL", 30, 5.0),
    /** SDXL-Turbo: an SDXL folder with trailing timesteps; 512 px, 1 step, no guidance. */
    SDXL_TURBO("SDXL-Turbo (few-step, trailing timesteps)", 1, 0.0);

    private final String displayName;
    private final int defaultSteps;
    private final double defaultGuidance;

    ModelFamily(String displayName, int defaultSteps, double defaultGuidance) {
        this.displayName = displayName;
        this.defaultSteps = defaultSteps;
        this.defaultGuidance = defaultGuidance;
    }

    /** A name for people, e.g. {@code Stable Diffusion 2.x (v-prediction)}. */
    public String displayName() {
        return displayName;
    }

    /** Steps used when a request names none. */
    public int defaultSteps() {
        return defaultSteps;
    }

    /** Whether the family is SDXL-based (two encoders, micro-conditioning, sides from 512). */
    public boolean isSdxl() {
        return this == SDXL || this == SDXL_TURBO;
    }

    /** Guidance used when a request names none. */
    public double defaultGuidance() {
        return defaultGuidance;
    }

    /**
     * The family of a model folder, decided as {@link ImageEngine#open} decides it but without loading any weights:
     * reads the folder's JSON files and tokenizer. The caller reads the two facts that live inside the UNet graph.
     *
     * @param hiddenSize the width of the UNet's {@code encoder_hidden_states} (768, 1024), 0 when unknown
     * @param guidanceEmbedding whether the UNet takes LCM's {@code timestep_cond} input
     * @throws EngineException with reason {@code UNSUPPORTED_MODEL} for families imagine does not run (SD3, FLUX...), {@code INVALID_MODEL} naming a missing or broken file
     */
    public static ModelFamily detect(Path modelDir, int hiddenSize, boolean guidanceEmbedding) {
        return FamilyDetection.detect(modelDir, hiddenSize, guidanceEmbedding);
    }
}
