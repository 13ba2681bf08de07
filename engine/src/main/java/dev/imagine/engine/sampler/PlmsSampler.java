package dev.imagine.engine.sampler;

/**
 * PNDM with {@code skip_prk_steps} (PLMS), step for step diffusers' {@code PNDMScheduler.step_plms}: a linear
 * multistep method over the last four model outputs, started by one Euler-like step that the second call redoes
 * with the mean of the first two outputs.
 */
final class PlmsSampler extends BaseSampler {
    private final boolean vPrediction;
    // Per call, the coefficients of _get_prev_sample(sample, timestep, prev_timestep, model_output).
    private final float[] sampleCoeff;
    private final float[] alphaDiff;
    private final float[] denominator;
    private final float[] sqrtAlpha;
    private final float[] sqrtBeta;
    private final float noiseAlpha;
    // (1 / 24) as torch casts the Python float when multiplying a float32 tensor.
    private static final float ONE_TWENTY_FOURTH = (float) (1.0 / 24);

    // The last four raw model outputs, newest at (newest), and the sample that the first step started from.
    private final float[][] ets = new float[4][];
    private int etsCount;
    private int newest = -1;
    private float[] firstSample;

    PlmsSampler(NoiseScheduleConfig config, NoiseSchedule schedule, int steps, int[] run) {
        super(DdimSampler.toFloat(run));
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
        float finalAlpha = config.setAlphaToOne() ? 1f : schedule.alphaCumprod(0);
        int stride = schedule.trainTimesteps() / steps;
        sampleCoeff = new float[run.length];
        alphaDiff = new float[run.length];
        denominator = new float[run.length];
        sqrtAlpha = new float[run.length];
        sqrtBeta = new float[run.length];
        for (int counter = 0; counter < run.length; counter++) {
            int timestep = run[counter];
            int prev = timestep - stride;
            if (counter == 1) {
                prev = timestep;
                timestep = timestep + stride;
            }
            float alpha = schedule.alphaCumprod(timestep);
            float alphaPrev = prev >= 0 ? schedule.alphaCumprod(prev) : finalAlpha;
            float beta = 1f - alpha;
            float betaPrev = 1f - alphaPrev;
            sampleCoeff[counter] = sqrt(alphaPrev / alpha);
            denominator[counter] = alpha * sqrt(betaPrev) + sqrt(alpha * beta * alphaPrev);
            alphaDiff[counter] = alphaPrev - alpha;
            sqrtAlpha[counter] = sqrt(alpha);
            sqrtBeta[counter] = sqrt(beta);
        }
        noiseAlpha = run.length > 0 ? schedule.alphaCumprod(run[0]) : 1f;
    }

    @Override
    void advance(int counter, float[] modelOutput, float[] sample, NoiseSource noise) {
        if (counter != 1) {
            newest = (newest + 1) & 3;
            if (ets[newest] == null) {
                ets[newest] = new float[sample.length];
            }
            System.arraycopy(modelOutput, 0, ets[newest], 0, sample.length);
            etsCount = Math.min(etsCount + 1, 4);
        }
        float[] e1 = ets[newest];
        float[] e2 = ets[(newest + 3) & 3];
        float[] e3 = ets[(newest + 2) & 3];
        float[] e4 = ets[(newest + 1) & 3];
        Update update = new Update(vPrediction, sampleCoeff[counter], alphaDiff[counter], denominator[counter],
                sqrtAlpha[counter], sqrtBeta[counter]);
        if (counter == 0) {
            firstSample = sample.clone();
            for (int i = 0; i < sample.length; i++) {
                sample[i] = update.apply(sample[i], modelOutput[i]);
            }
        } else if (counter == 1) {
            // The redo: from the first call's sample, with the mean of the first two outputs.
            for (int i = 0; i < sample.length; i++) {
                sample[i] = update.apply(firstSample[i], (modelOutput[i] + e1[i]) / 2f);
            }
            firstSample = null;
        } else if (etsCount == 2) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = update.apply(sample[i], (3f * e1[i] - e2[i]) / 2f);
            }
        } else if (etsCount == 3) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = update.apply(sample[i], (23f * e1[i] - 16f * e2[i] + 5f * e3[i]) / 12f);
            }
        } else {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = update.apply(sample[i],
                        ONE_TWENTY_FOURTH * (55f * e1[i] - 59f * e2[i] + 37f * e3[i] - 9f * e4[i]));
            }
        }
    }

    /** diffusers' {@code _get_prev_sample} for one element, given the combined model output. */
    private record Update(boolean vPrediction, float sampleCoeff, float alphaDiff, float denominator,
            float sqrtAlpha, float sqrtBeta) {
        float apply(float x, float m) {
            float eps = vPrediction ? sqrtAlpha * m + sqrtBeta * x : m;
            return sampleCoeff * x - alphaDiff * eps / denominator;
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
