package dev.imagine.engine.sampler;

/**
 * DDIM with eta 0, step for step diffusers' {@code DDIMScheduler.step}: predict the clean latent, then move it
 * to the previous timestep's noise level along the predicted noise.
 */
final class DdimSampler extends BaseSampler {
    private final boolean vPrediction;
    private final boolean clip;
    private final float clipRange;
    private final float[] sqrtAlpha;
    private final float[] sqrtBeta;
    private final float[] sqrtAlphaPrev;
    private final float[] direction;
    private final float noiseAlpha;

    DdimSampler(NoiseScheduleConfig config, NoiseSchedule schedule, int steps, int[] run) {
        super(toFloat(run));
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
        clip = config.clipSample();
        clipRange = (float) config.clipSampleRange();
        float finalAlpha = config.setAlphaToOne() ? 1f : schedule.alphaCumprod(0);
        int stride = schedule.trainTimesteps() / steps;
        sqrtAlpha = new float[run.length];
        sqrtBeta = new float[run.length];
        sqrtAlphaPrev = new float[run.length];
        direction = new float[run.length];
        for (int i = 0; i < run.length; i++) {
            int prev = run[i] - stride;
            float alpha = schedule.alphaCumprod(run[i]);
            float alphaPrev = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlpha;
            sqrtAlpha[i] = sqrt(alpha);
            sqrtBeta[i] = sqrt(1f - alpha);
            sqrtAlphaPrev[i] = sqrt(alphaPrev);
            // (1 - alpha_prev - std_dev_t**2) ** 0.5 with std_dev_t = eta * ... = 0
            direction[i] = sqrt(1f - alphaPrev - 0f);
        }
        noiseAlpha = run.length > 0 ? schedule.alphaCumprod(run[0]) : 1f;
    }

    static float[] toFloat(int[] timesteps) {
        float[] out = new float[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = timesteps[i];
        }
        return out;
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        float a = sqrtAlpha[call];
        float b = sqrtBeta[call];
        float ap = sqrtAlphaPrev[call];
        float d = direction[call];
        float lo = -clipRange;
        float hi = clipRange;
        if (!vPrediction) {
            for (int i = 0; i < sample.length; i++) {
                float eps = modelOutput[i];
                float x0 = (sample[i] - b * eps) / a;
                if (clip) {
                    x0 = Math.max(lo, Math.min(hi, x0));
                }
                sample[i] = ap * x0 + d * eps;
            }
        } else {
            for (int i = 0; i < sample.length; i++) {
                float v = modelOutput[i];
                float x = sample[i];
                float x0 = a * x - b * v;
                float eps = a * v + b * x;
                if (clip) {
                    x0 = Math.max(lo, Math.min(hi, x0));
                }
                sample[i] = ap * x0 + d * eps;
            }
        }
    }

    @Override
    public void addNoise(float[] cleanLatents, float[] noise) {
        requireSameLength(cleanLatents, noise);
        if (calls() > 0) {
            addAlphaNoise(noiseAlpha, cleanLatents, noise);
        }
    }
}
