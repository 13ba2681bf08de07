package dev.imagine.engine;

/**
 * What the UNet is conditioned on for one prompt: the per-token encoder states ({@code tokens * hidden} values,
 * diffusers' {@code prompt_embeds}) and, for SDXL, the pooled prompt embedding (diffusers' {@code text_embeds}).
 *
 * @param states the encoder hidden states, token-major
 * @param pooled the pooled embedding, or {@code null} for models that take none (SD 1.x/2.x, LCM)
 */
record Conditioning(float[] states, float[] pooled) {

    /** The conditioning of the same shape with every value zero (SDXL's {@code force_zeros_for_empty_prompt}). */
    Conditioning zeros() {
        return new Conditioning(new float[states.length], pooled == null ? null : new float[pooled.length]);
    }
}
