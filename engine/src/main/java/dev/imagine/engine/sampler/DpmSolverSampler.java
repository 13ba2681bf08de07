package dev.imagine.engine.sampler;

import java.util.Arrays;

/**
 * DPM-Solver++(2M), step for step diffusers' {@code DPMSolverMultistepScheduler.step} with
 * {@code algorithm_type="dpmsolver++"}, {@code solver_order=2}, {@code solver_type="midpoint"} and
 * {@code final_sigmas_type="zero"}: the UNet output is turned into a clean-latent prediction x0, the first step and
 * the last are first-order (DDIM-like) updates in log-SNR time, the others combine the last two x0.
 *
 * <p>The final step is first-order for every step count: diffusers' {@code lower_order_final} test holds at the last
 * step whenever the final sigma is 0, whatever {@code lower_order_final} and {@code euler_at_final} say, and its
 * {@code lower_order_second} rule (fewer than 15 steps) only lowers third-order solvers. Latents live in the
 * variance-preserving space: the initial noise is not scaled and neither is the UNet input.
 */
final class DpmSolverSampler extends BaseSampler {
    private final boolean vPrediction;
    private final float[] levels;
    // Per call: alpha_t and sigma_t of the call's own noise level (x0 prediction) ...
    private final float[] alpha;
    private final float[] sigma;
    // ... and the update x' = a * x - b * x0 - c * r * (x0 - previous x0), with c = 0 for first-order calls.
    private final float[] sampleWeight;
    private final float[] x0Weight;
    private final float[] differenceWeight;
    private final float[] reciprocalRatio;
    private final boolean[] secondOrder;
    private final float noiseAlpha;
    private final float noiseSigma;

    private float[] x0;
    private float[] previousX0;

    /**
     * @param allTimesteps the full schedule's timesteps
     * @param sigmas the full schedule's noise levels (VE sigmas), one per timestep and a final 0
     * @param begin the image-to-image start index
     */
    DpmSolverSampler(NoiseScheduleConfig config, float[] allTimesteps, float[] sigmas, int begin) {
        super(Arrays.copyOfRange(allTimesteps, begin, allTimesteps.length));
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
        levels = Arrays.copyOfRange(sigmas, Math.min(begin, sigmas.length - 1), sigmas.length);
        int last = allTimesteps.length - 1;
        int calls = calls();
        alpha = new float[calls];
        sigma = new float[calls];
        sampleWeight = new float[calls];
        x0Weight = new float[calls];
        differenceWeight = new float[calls];
        reciprocalRatio = new float[calls];
        secondOrder = new boolean[calls];
        for (int call = 0; call < calls; call++) {
            int index = begin + call;
            Level s0 = Level.of(sigmas[index]);
            Level t = Level.of(sigmas[index + 1]);
            alpha[call] = s0.alpha;
            sigma[call] = s0.sigma;
            float h = t.lambda - s0.lambda;
            sampleWeight[call] = t.sigma / s0.sigma;
            x0Weight[call] = t.alpha * ((float) StrictMath.exp(-h) - 1f);
            // lower_order_nums < 1 on the run's first call; lower_order_final on the schedule's last.
            secondOrder[call] = call > 0 && index != last;
            if (secondOrder[call]) {
                Level s1 = Level.of(sigmas[index - 1]);
                float r0 = (s0.lambda - s1.lambda) / h;
                reciprocalRatio[call] = 1f / r0;
                differenceWeight[call] = 0.5f * x0Weight[call];
            }
        }
        Level start = Level.of(sigmas[Math.min(begin, sigmas.length - 1)]);
        noiseAlpha = start.alpha;
        noiseSigma = start.sigma;
    }

    /**
     * A noise level as diffusers' {@code _sigma_to_alpha_sigma_t} and its log-SNR half {@code lambda} compute
     * them in float32: {@code alpha = 1 / sqrt(s^2 + 1)}, {@code sigma = s * alpha}, {@code log(alpha) - log(sigma)}
     * (infinite for the final {@code s = 0}).
     */
    private record Level(float alpha, float sigma, float lambda) {
        static Level of(float s) {
            float a = 1f / sqrt(s * s + 1f);
            float st = s * a;
            return new Level(a, st, (float) StrictMath.log(a) - (float) StrictMath.log(st));
        }
    }

    /** The noise level (VE sigma) at {@code call}, and at {@code calls()} the final 0. */
    float sigma(int call) {
        return levels[call];
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        if (x0 == null) {
            x0 = new float[sample.length];
            previousX0 = new float[sample.length];
        }
        float a = alpha[call];
        float s = sigma[call];
        float wx = sampleWeight[call];
        float w0 = x0Weight[call];
        float[] current = x0;
        if (!secondOrder[call]) {
            for (int i = 0; i < sample.length; i++) {
                float x = sample[i];
                float predicted = vPrediction ? a * x - s * modelOutput[i] : (x - s * modelOutput[i]) / a;
                current[i] = predicted;
                sample[i] = wx * x - w0 * predicted;
            }
        } else {
            float[] previous = previousX0;
            float r = reciprocalRatio[call];
            float wd = differenceWeight[call];
            for (int i = 0; i < sample.length; i++) {
                float x = sample[i];
                float predicted = vPrediction ? a * x - s * modelOutput[i] : (x - s * modelOutput[i]) / a;
                current[i] = predicted;
                float d1 = r * (predicted - previous[i]);
                sample[i] = wx * x - w0 * predicted - wd * d1;
            }
        }
        x0 = previousX0;
        previousX0 = current;
    }

    /** {@code alpha * x + sigma * noise} at the first call's noise level; unchanged when there are no calls. */
    @Override
    public void addNoise(float[] cleanLatents, float[] noise) {
        requireSameLength(cleanLatents, noise);
        if (calls() == 0) {
            return;
        }
        for (int i = 0; i < cleanLatents.length; i++) {
            cleanLatents[i] = noiseAlpha * cleanLatents[i] + noiseSigma * noise[i];
        }
    }
}
