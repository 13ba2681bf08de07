package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import java.util.List;

/**
 * Turns a request's prompt and negative prompt into what the UNet is conditioned on: one CLIP encoder for SD 1.x and
 * 2.x ({@link ClipPromptEncoder}), two for SDXL ({@link SdxlPromptEncoder}). Owns its text encoders.
 */
interface PromptEncoder extends AutoCloseable {

    /**
     * Encodes the prompts.
     *
     * @param guided whether classifier-free guidance runs, so the negative prompt's conditioning is needed
     */
    EncodedPrompts encode(String prompt, String negativePrompt, boolean guided) throws InferenceException;

    /** The text encoders with their tokenizers, in the order their states are joined per token (A1111's reading). */
    List<PromptConditioning.Lane> lanes();

    /** Whether an empty negative prompt is all zeros instead of encoded (SDXL's {@code force_zeros_for_empty_prompt}). */
    default boolean zerosForEmptyNegative() {
        return false;
    }

    /** The width of the states per token the encoders declare, or -1 when a graph leaves it symbolic. */
    int declaredWidth();

    /** Closes the text encoders. */
    @Override
    void close();
}
