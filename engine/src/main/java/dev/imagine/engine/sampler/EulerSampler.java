package dev.imagine.engine.sampler;

/**
 * Euler (Karras et al. 2022, algorithm 2, no churn) and Euler ancestral, step for step diffusers'
 * {@code EulerDiscreteScheduler.step} and {@code EulerAncestralDiscreteScheduler.step}.
 *
 * <p>Noise levels, input scaling and image-to-image noising as in {@link SigmaSampler}.
 */
final class EulerSampler extends SigmaSampler {
    private final boolean ancestral;
    private final boolean vPrediction;

    EulerSampler(NoiseScheduleConfig config, NoiseSchedule schedule, float[] allTimesteps, int begin,
            boolean ancestral) {
        super(config, schedule, allTimesteps, begin);
        this.ancestral = ancestral;
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
    }

    @Override
    public int noiseDraws() {
        return ancestral ? calls() : 0;
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        float sigma = sigma(call);
        float next = sigma(call + 1);
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
        float[] fresh = draw(noise, sample.length, "Euler ancestral");
        for (int i = 0; i < sample.length; i++) {
            float x = sample[i];
            float x0 = vPrediction ? modelOutput[i] * cOut + x / sigmaSquaredPlusOne : x - sigma * modelOutput[i];
            float prev = x + (x - x0) / sigma * dt;
            sample[i] = prev + fresh[i] * up;
        }
    }
}
