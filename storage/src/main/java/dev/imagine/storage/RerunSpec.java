package dev.imagine.storage;

/**
 * Everything needed to run a generation again and get the same pixels: its parameters (with the engine's resolved
 * values when it finished) and the init image's original bytes, checked against their stored hash.
 *
 * @param generationId the generation it reruns
 * @param kind what it did
 * @param model the model it ran on; compare its fingerprint with the model at hand
 * @param parameters the parameters to run with
 * @param initImage the init image's original file bytes (img2img), or {@code null}; the array belongs to the caller
 */
public record RerunSpec(long generationId, GenerationKind kind, ModelRef model, GenerationParameters parameters,
        byte[] initImage) {
}
