package dev.imagine.engine.sampler;

/**
 * Source of standard normal noise: the seed's generator stream, so that a sampler drawing noise stays in step
 * with diffusers' {@code torch.Generator}.
 */
@FunctionalInterface
public interface NoiseSource {
    /**
     * Draws the next {@code count} standard normal values from the stream.
     *
     * @return a new array of exactly {@code count} values; the caller owns it
     */
    float[] randn(int count);
}
