package dev.imagine.engine;

/**
 * AUTOMATIC1111's variation seed: the seed's noise and the subseed's noise mixed by spherical interpolation, as its
 * {@code slerp(strength, noise, subnoise)} does on a {@code [channels, height, width]} tensor - vectors taken along
 * the height axis (its {@code dim=1}), one angle per channel and column. At strength 0 the result is the seed's noise;
 * at 1 the subseed's.
 */
final class VariationNoise {
    private VariationNoise() {
    }

    static float[] slerp(float strength, float[] low, float[] high, int channels, int height, int width) {
        if (low.length != channels * height * width || high.length != low.length) {
            throw new IllegalArgumentException("noise tensors must both hold " + channels + "x" + height + "x" + width);
        }
        int columns = channels * width;
        float[] dot = new float[columns];
        float dotSum = 0f;
        for (int c = 0; c < channels; c++) {
            for (int x = 0; x < width; x++) {
                float lowNorm = 0f;
                float highNorm = 0f;
                for (int y = 0; y < height; y++) {
                    int i = (c * height + y) * width + x;
                    lowNorm += low[i] * low[i];
                    highNorm += high[i] * high[i];
                }
                lowNorm = (float) Math.sqrt(lowNorm);
                highNorm = (float) Math.sqrt(highNorm);
                float sum = 0f;
                for (int y = 0; y < height; y++) {
                    int i = (c * height + y) * width + x;
                    sum += (low[i] / lowNorm) * (high[i] / highNorm);
                }
                dot[c * width + x] = sum;
                dotSum += sum;
            }
        }
        float[] out = new float[low.length];
        if (dotSum / columns > 0.9995f) {
            // A1111 falls back to this (reversed-weight) lerp for nearly parallel noises; kept for identical results.
            for (int i = 0; i < out.length; i++) {
                out[i] = low[i] * strength + high[i] * (1f - strength);
            }
            return out;
        }
        for (int c = 0; c < channels; c++) {
            for (int x = 0; x < width; x++) {
                double omega = Math.acos(Math.max(-1f, Math.min(1f, dot[c * width + x])));
                float so = (float) Math.sin(omega);
                float lowWeight = (float) Math.sin((1.0 - strength) * omega) / so;
                float highWeight = (float) Math.sin(strength * omega) / so;
                for (int y = 0; y < height; y++) {
                    int i = (c * height + y) * width + x;
                    out[i] = lowWeight * low[i] + highWeight * high[i];
                }
            }
        }
        return out;
    }
}
