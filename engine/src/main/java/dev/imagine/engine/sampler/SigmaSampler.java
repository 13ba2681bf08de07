package dev.imagine.engine.sampler;

import java.util.Arrays;

/**
 * What Euler, Euler ancestral and LMS share, as diffusers' {@code EulerDiscreteScheduler} and
 * {@code LMSDiscreteScheduler} do: latents scaled by the noise level sigma, the noise levels
 * {@code sqrt((1 - acp) / acp)} interpolated at the (possibly fractional) timesteps and then a final 0, the UNet
 * input divided by {@code sqrt(sigma^2 + 1)}. Image-to-image starts at step index {@code begin} (diffusers'
 * {@code set_begin_index}).
 */
abstract class SigmaSampler extends BaseSampler {
    private final float[] sigmas;
    private final int begin;
    private final float initNoiseSigma;

    SigmaSampler(NoiseScheduleConfig config, NoiseSchedule schedule, float[] allTimesteps, int begin) {
        super(Arrays.copyOfRange(allTimesteps, begin, allTimesteps.length));
        this.begin = begin;
        float[] trained = schedule.trainedSigmas();
        sigmas = new float[allTimesteps.length + 1];
        float max = 0f;
        for (int i = 0; i < allTimesteps.length; i++) {
            sigmas[i] = (float) Timesteps.interp(allTimesteps[i], trained);
            max = Math.max(max, sigmas[i]);
        }
        initNoiseSigma = config.spacing() == TimestepSpacing.LEADING ? sqrt(max * max + 1f) : max;
    }

    @Override
    public final float initNoiseSigma() {
        return initNoiseSigma;
    }

    /**
     * {@code 1 / sqrt(sigma^2 + 1)}. diffusers divides by {@code sqrt(sigma^2 + 1)} on the CPU (on CUDA it
     * multiplies by the reciprocal, as this factor does), so the product can differ from the CPU quotient in the
     * last bit.
     */
    @Override
    public final float inputScale(int call) {
        checkCall(call);
        float sigma = sigma(call);
        return 1f / sqrt(sigma * sigma + 1f);
    }

    /** Divides by {@code sqrt(sigma^2 + 1)}, as diffusers' {@code scale_model_input} does on the CPU. */
    @Override
    public final void scaleModelInput(int call, float[] sample, float[] target, int offset) {
        checkCall(call);
        float sigma = sigma(call);
        float divisor = sqrt(sigma * sigma + 1f);
        for (int k = 0; k < sample.length; k++) {
            target[offset + k] = sample[k] / divisor;
        }
    }

    @Override
    public final void scaleModelInput(int call, float[] sample, java.nio.FloatBuffer target, int offset) {
        checkCall(call);
        float sigma = sigma(call);
        float divisor = sqrt(sigma * sigma + 1f);
        for (int k = 0; k < sample.length; k++) {
            target.put(offset + k, sample[k] / divisor);
        }
    }

    /** The noise level at {@code call}, and at {@code calls()} the final 0. */
    final float sigma(int call) {
        return sigmas[begin + call];
    }

    /** The index of {@code call} in diffusers' full schedule (its {@code step_index}). */
    final int stepIndex(int call) {
        return begin + call;
    }

    /** The noise level at a step index of the full schedule, {@code sigmas[index]} in diffusers. */
    final float sigmaAt(int stepIndex) {
        return sigmas[stepIndex];
    }

    /** {@code x + noise * sigma[begin]}; with no calls left that sigma is the final 0. */
    @Override
    public final void addNoise(float[] cleanLatents, float[] noise) {
        requireSameLength(cleanLatents, noise);
        float sigma = sigmas[begin];
        for (int i = 0; i < cleanLatents.length; i++) {
            cleanLatents[i] = cleanLatents[i] + noise[i] * sigma;
        }
    }
}
