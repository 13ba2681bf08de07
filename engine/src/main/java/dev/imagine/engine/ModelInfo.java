package dev.imagine.engine;

import java.nio.file.Path;

/**
 * What the engine found in a model folder, and the defaults it applies to requests.
 *
 * @param name the folder's name
 * @param path the folder
 * @param pipelineClass {@code _class_name} of {@code model_index.json}
 * @param family the detected model family, which sets the defaults below
 * @param predictionType what the UNet predicts: {@code epsilon} or {@code v_prediction}
 * @param hiddenSize text-encoder width (768 for SD 1.x, 1024 for SD 2.x)
 * @param idsType dtype of the text encoder's {@code input_ids}
 * @param unetInputs the UNet's inputs with dtypes and shapes
 * @param halfPrecision whether the UNet takes float16
 * @param fixedBatch the UNet's batch size fixed by the export, or 0 when dynamic
 * @param imageToImage whether the folder has a VAE encoder (img2img)
 * @param defaultSampler sampler used when a request names none
 * @param defaultSteps steps used when a request names none
 * @param defaultGuidance guidance used when a request names none
 * @param defaultWidth width used when a request names none
 * @param defaultHeight height used when a request names none
 * @param fingerprint a short hash of the model files' names, sizes and headers; it changes when the files do
 * @param device where it runs, e.g. {@code CPU} or {@code CUDA device 0}
 * @param safetyChecker the safety checker the engine runs: {@code fp32} or {@code fp16} (its precision), or
 *     {@code none}
 */
public record ModelInfo(
        String name,
        Path path,
        String pipelineClass,
        ModelFamily family,
        String predictionType,
        int hiddenSize,
        String idsType,
        String unetInputs,
        boolean halfPrecision,
        int fixedBatch,
        boolean imageToImage,
        SamplerKind defaultSampler,
        int defaultSteps,
        double defaultGuidance,
        int defaultWidth,
        int defaultHeight,
        String fingerprint,
        String device,
        String safetyChecker) {

    /** {@link #safetyChecker()} when none runs. */
    public static final String NO_SAFETY_CHECKER = "none";

    /** Information about a model that runs without a safety checker. */
    public ModelInfo(String name, Path path, String pipelineClass, ModelFamily family, String predictionType,
            int hiddenSize, String idsType, String unetInputs, boolean halfPrecision, int fixedBatch,
            boolean imageToImage, SamplerKind defaultSampler, int defaultSteps, double defaultGuidance,
            int defaultWidth, int defaultHeight, String fingerprint, String device) {
        this(name, path, pipelineClass, family, predictionType, hiddenSize, idsType, unetInputs, halfPrecision,
                fixedBatch, imageToImage, defaultSampler, defaultSteps, defaultGuidance, defaultWidth, defaultHeight,
                fingerprint, device, NO_SAFETY_CHECKER);
    }

    /** Whether a safety checker runs on every picture. */
    public boolean hasSafetyChecker() {
        return !NO_SAFETY_CHECKER.equals(safetyChecker);
    }

    /** {@code fp16} or {@code fp32}, by the UNet's sample type. */
    public String precision() {
        return halfPrecision ? "fp16" : "fp32";
    }
}
