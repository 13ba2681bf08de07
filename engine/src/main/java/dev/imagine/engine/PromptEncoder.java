package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;

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

    /** The width of the states per token the encoders declare, or -1 when a graph leaves it symbolic. */
    int declaredWidth();

    /** Closes the text encoders. */
    @Override
    void close();
}
