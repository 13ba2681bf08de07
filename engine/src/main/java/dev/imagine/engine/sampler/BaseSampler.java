package dev.imagine.engine.sampler;

import java.util.Objects;

/** Call bookkeeping shared by the samplers: timesteps, call order, array lengths. */
abstract class BaseSampler implements Sampler {
    private final float[] timesteps;
    private int nextCall;
    private int length = -1;

    BaseSampler(float[] timesteps) {
        this.timesteps = timesteps;
    }

    @Override
    public final int calls() {
        return timesteps.length;
    }

    @Override
    public final float timestep(int call) {
        return timesteps[checkCall(call)];
    }

    /** 1: samplers on the alpha schedule start from plain standard normal noise. */
    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    /** 1: samplers on the alpha schedule give the UNet the latent unscaled. */
    @Override
    public float inputScale(int call) {
        checkCall(call);
        return 1f;
    }

    /** {@code call}, or {@link IndexOutOfBoundsException} unless {@code 0 <= call < calls()}. */
    final int checkCall(int call) {
        return Objects.checkIndex(call, timesteps.length);
    }

    @Override
    public final void step(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        if (call != nextCall || call >= timesteps.length) {
            throw new IllegalStateException(nextCall == timesteps.length
                    ? "all " + timesteps.length + " steps of this sampler are done; step(" + call + ") is one too many"
                    : "step(" + call + ") called, but the next step is " + nextCall);
        }
        if (modelOutput.length != sample.length) {
            throw new IllegalArgumentException("model output has " + modelOutput.length + " values but the sample has "
                    + sample.length);
        }
        if (length >= 0 && sample.length != length) {
            throw new IllegalArgumentException("the sample has " + sample.length + " values, earlier steps had "
                    + length);
        }
        length = sample.length;
        advance(call, modelOutput, sample, noise);
        nextCall++;
    }

    /** One step, with the call order and lengths already checked. */
    abstract void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise);

    static void requireSameLength(float[] cleanLatents, float[] noise) {
        if (cleanLatents.length != noise.length) {
            throw new IllegalArgumentException("noise has " + noise.length + " values but the latents have "
                    + cleanLatents.length);
        }
    }

    /** DDPM's {@code add_noise}: {@code sqrt(acp) * x + sqrt(1 - acp) * noise}, in place. */
    static void addAlphaNoise(float alphaCumprod, float[] cleanLatents, float[] noise) {
        float a = sqrt(alphaCumprod);
        float b = sqrt(1f - alphaCumprod);
        for (int i = 0; i < cleanLatents.length; i++) {
            cleanLatents[i] = a * cleanLatents[i] + b * noise[i];
        }
    }

    /**
     * {@code count} fresh values from the noise source.
     *
     * @throws NullPointerException when {@code noise} is null
     * @throws IllegalStateException when the source returns another count
     */
    static float[] draw(NoiseSource noise, int count, String sampler) {
        float[] fresh = Objects.requireNonNull(noise, sampler + " needs a noise source").randn(count);
        if (fresh.length != count) {
            throw new IllegalStateException("noise source returned " + fresh.length + " values, asked for " + count);
        }
        return fresh;
    }

    static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }
}
