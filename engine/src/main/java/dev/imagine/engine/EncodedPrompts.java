package dev.imagine.engine;

/**
 * A request's prompts turned into UNet conditioning.
 *
 * @param cond the prompt's conditioning
 * @param uncond the negative prompt's conditioning for classifier-free guidance, or {@code null} without guidance
 * @param droppedCond the words of the prompt past the tokenizer's length, empty when none
 * @param droppedUncond the words of the negative prompt past the tokenizer's length, empty when none
 */
record EncodedPrompts(Conditioning cond, Conditioning uncond, String droppedCond, String droppedUncond) {
}
