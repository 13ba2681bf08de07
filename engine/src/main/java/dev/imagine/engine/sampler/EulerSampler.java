package dev.imagine.engine.sampler;

import java.util.Arrays;
import java.util.Objects;

/**
 * Euler (Karras et al. 2022, algorithm 2, no churn) and Euler ancestral, step for step diffusers'
 * {@code EulerDiscreteScheduler.step} and {@code EulerAncestralDiscreteScheduler.step}.
 *
 * <p>The noise levels are {@code sqrt((1 - acp) / acp)} interpolated at the (possibly fractional) timesteps,
 * then a final 0. Image-to-image starts at step index {@code tStart} (diffusers' {@code set_begin_index}).
 */
final class EulerSampler extends BaseSampler {
    private final boolean ancestral;
    private final boolean vPrediction;
    private final float[] sigmas;
    private final int begin;
    private final float initNoiseSigma;

    EulerSampler(NoiseScheduleConfig config, NoiseSchedule schedule, float[] allTimesteps, int begin,
            boolean ancestral) {
        super(Arrays.copyOfRange(allTimesteps, begin, allTimesteps.length));
        this.ancestral = ancestral;
        this.begin = begin;
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
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
    public float initNoiseSigma() {
        return initNoiseSigma;
    }

    /**
     * {@code 1 / sqrt(sigma^2 + 1)}. diffusers divides by {@code sqrt(sigma^2 + 1)} on the CPU (on CUDA it
     * multiplies by the reciprocal, as this factor does), so the product can differ from the CPU quotient in the
     * last bit.
     */
    @Override
    public float inputScale(int call) {
        checkCall(call);
        float sigma = sigmas[begin + call];
        return 1f / sqrt(sigma * sigma + 1f);
    }

    /** Divides by {@code sqrt(sigma^2 + 1)}, as diffusers' {@code scale_model_input} does on the CPU. */
    @Override
    public void scaleModelInput(int call, float[] sample, float[] target, int offset) {
        checkCall(call);
        float sigma = sigmas[begin + call];
        float divisor = sqrt(sigma * sigma + 1f);
        for (int k = 0; k < sample.length; k++) {
            target[offset + k] = sample[k] / divisor;
        }
    }

    @Override
    public void scaleModelInput(int call, float[] sample, java.nio.FloatBuffer target, int offset) {
        checkCall(call);
        float sigma = sigmas[begin + call];
        float divisor = sqrt(sigma * sigma + 1f);
        for (int k = 0; k < sample.length; k++) {
            target.put(offset + k, sample[k] / divisor);
        }
    }

    /** The noise level at {@code call}, and at {@code calls()} the final 0. */
    float sigma(int call) {
        return sigmas[begin + call];
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        int index = begin + call;
        float sigma = sigmas[index];
        float next = sigmas[index + 1];
        float sigmaSquaredPlusOne = sigma * sigma + 1f;
        float cOut = -sigma / sqrt(sigmaSquaredPlusOne);
        if (!ancestral) {
            float dt = next - sigma;
            for (int i = 0; i < sample.length; i++) {
                float x = sample[i];
                float x0 = vPrediction ? modelOutput[i] * cOut + x / sigmaSquaredPlusOne : x - sigma * modelOutput[i];
                sample[i] = x + (x - x0) / sigma * dt;
            }
            return;
        }
        float toSquared = next * next;
        float fromSquared = sigma * sigma;
        float up = sqrt(toSquared * (fromSquared - toSquared) / fromSquared);
        float down = sqrt(toSquared - up * up);
        float dt = down - sigma;
        float[] fresh = Objects.requireNonNull(noise, "Euler ancestral needs a noise source")
                .randn(sample.length);
        if (fresh.length != sample.length) {
            throw new IllegalStateException("noise source returned " + fresh.length + " values, asked for "
                    + sample.length);
        }
        for (int i = 0; i < sample.length; i++) {
            float x = sample[i];
            float x0 = vPrediction ? modelOutput[i] * cOut + x / sigmaSquaredPlusOne : x - sigma * modelOutput[i];
            float prev = x + (x - x0) / sigma * dt;
            sample[i] = prev + fresh[i] * up;
        }
    }

    /** {@code x + noise * sigma[tStart]}; with no calls left that sigma is the final 0. */
    @Override
    public void addNoise(float[] cleanLatents, float[] noise) {
        requireSameLength(cleanLatents, noise);
        float sigma = sigmas[begin];
        for (int i = 0; i < cleanLatents.length; i++) {
            cleanLatents[i] = cleanLatents[i] + noise[i] * sigma;
        }
    }
}
