package dev.imagine.engine.sampler;

/**
 * Latent Consistency Model sampling, step for step diffusers' {@code LCMScheduler.step}: each call predicts the
 * clean latent x0, applies the consistency boundary condition {@code denoised = c_out * x0 + c_skip * x}, and, except
 * at the last call, noises the result afresh to the next timestep with values drawn from the seed's stream.
 *
 * <p>The boundary scalings use {@code s = timestep * timestep_scaling} and {@code sigma_data = 0.5}:
 * {@code c_skip = 0.25 / (s^2 + 0.25)}, {@code c_out = s / sqrt(s^2 + 0.25)}, in float32 as diffusers computes them
 * from the pipeline's integer timestep tensor. Neither the initial noise nor the UNet input is scaled.
 */
final class LcmSampler extends BaseSampler {
    private final boolean vPrediction;
    private final boolean clip;
    private final float clipRange;
    private final float[] sqrtAlpha;
    private final float[] sqrtBeta;
    private final float[] sqrtAlphaNext;
    private final float[] sqrtBetaNext;
    private final float[] cSkip;
    private final float[] cOut;
    private final float noiseAlpha;

    /** @param run the timesteps of this run, descending (already cut for image-to-image) */
    LcmSampler(NoiseScheduleConfig config, NoiseSchedule schedule, int[] run) {
        super(DdimSampler.toFloat(run));
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
        clip = config.clipSample();
        clipRange = (float) config.clipSampleRange();
        float finalAlpha = config.setAlphaToOne() ? 1f : schedule.alphaCumprod(0);
        float scaling = (float) config.timestepScaling();
        int n = run.length;
        sqrtAlpha = new float[n];
        sqrtBeta = new float[n];
        sqrtAlphaNext = new float[n];
        sqrtBetaNext = new float[n];
        cSkip = new float[n];
        cOut = new float[n];
        for (int i = 0; i < n; i++) {
            int t = run[i];
            int next = i + 1 < n ? run[i + 1] : t;
            float alpha = schedule.alphaCumprod(t);
            float alphaNext = next >= 0 ? schedule.alphaCumprod(next) : finalAlpha;
            sqrtAlpha[i] = sqrt(alpha);
            sqrtBeta[i] = sqrt(1f - alpha);
            sqrtAlphaNext[i] = sqrt(alphaNext);
            sqrtBetaNext[i] = sqrt(1f - alphaNext);
            float scaled = (float) t * scaling;
            float denominator = scaled * scaled + 0.25f;
            // 0.25 / tensor is reciprocal(tensor) * 0.25 in PyTorch.
            cSkip[i] = 1f / denominator * 0.25f;
            cOut[i] = scaled / sqrt(denominator);
        }
        noiseAlpha = n > 0 ? schedule.alphaCumprod(run[0]) : 1f;
    }

    /** {@code c_skip} of {@code call}. */
    float cSkip(int call) {
        return cSkip[checkCall(call)];
    }

    /** {@code c_out} of {@code call}. */
    float cOut(int call) {
        return cOut[checkCall(call)];
    }

    @Override
    public int noiseDraws() {
        return Math.max(0, calls() - 1);
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        float a = sqrtAlpha[call];
        float b = sqrtBeta[call];
        float skip = cSkip[call];
        float out = cOut[call];
        float lo = -clipRange;
        float hi = clipRange;
        boolean last = call == calls() - 1;
        float[] fresh = last ? null : draw(noise, sample.length, "LCM");
        float an = sqrtAlphaNext[call];
        float bn = sqrtBetaNext[call];
        for (int i = 0; i < sample.length; i++) {
            float x = sample[i];
            float m = modelOutput[i];
            float x0 = vPrediction ? a * x - b * m : (x - b * m) / a;
            if (clip) {
                x0 = Math.max(lo, Math.min(hi, x0));
            }
            float denoised = out * x0 + skip * x;
            sample[i] = last ? denoised : an * denoised + bn * fresh[i];
        }
    }

    /** DDPM's {@code add_noise} at the first timestep; unchanged when there are no calls (strength 0). */
    @Override
    public void addNoise(float[] cleanLatents, float[] noise) {
        requireSameLength(cleanLatents, noise);
        if (calls() > 0) {
            addAlphaNoise(noiseAlpha, cleanLatents, noise);
        }
    }
}
