package dev.imagine.engine.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * AUTOMATIC1111's "Original" emphasis on the text encoder's output for one chunk position of a batch: remember the
 * mean of the whole batch, multiply each token's hidden state by its multiplier, then scale everything so that the
 * batch has its old mean again. A1111 encodes all texts of one prompt's schedule as one batch, so one text's result
 * depends on the others; {@code copies} says how often each distinct text appears in that batch.
 */
public final class Emphasis {
    private Emphasis() {
    }

    /**
     * Applies the multipliers and restores the mean; the inputs are not changed.
     *
     * @param states one encoder output of {@code multipliers[i].length * hidden} floats per distinct text
     * @param multipliers one multiplier per token per distinct text
     * @param copies how many times each distinct text is in A1111's batch (at least 1)
     * @return the emphasised states, in the same order; the given arrays themselves when no token is emphasised
     *     (callers only read them)
     */
    public static List<float[]> apply(List<float[]> states, List<float[]> multipliers, int[] copies) {
        if (states.size() != multipliers.size() || states.size() != copies.length) {
            throw new IllegalArgumentException("states, multipliers and copies differ in count: " + states.size()
                    + ", " + multipliers.size() + ", " + copies.length);
        }
        if (allOne(multipliers)) {
            List<float[]> unchanged = unchangedWhenAllOne(states, multipliers, copies);
            if (unchanged != null) {
                return unchanged;
            }
        }
        double before = 0;
        double after = 0;
        long values = 0;
        List<float[]> weighted = new ArrayList<>(states.size());
        for (int t = 0; t < states.size(); t++) {
            float[] z = states.get(t);
            float[] m = multipliers.get(t);
            int hidden = z.length / m.length;
            if (hidden * m.length != z.length) {
                throw new IllegalArgumentException(z.length + " values do not split into " + m.length + " tokens");
            }
            float[] out = new float[z.length];
            double sumBefore = 0;
            double sumAfter = 0;
            for (int token = 0; token < m.length; token++) {
                float multiplier = m[token];
                for (int k = token * hidden, end = k + hidden; k < end; k++) {
                    sumBefore += z[k];
                    out[k] = z[k] * multiplier;
                    sumAfter += out[k];
                }
            }
            before += copies[t] * sumBefore;
            after += copies[t] * sumAfter;
            values += (long) copies[t] * z.length;
            weighted.add(out);
        }
        float meanBefore = (float) (before / values);
        float meanAfter = (float) (after / values);
        float restore = meanBefore / meanAfter;
        for (float[] out : weighted) {
            for (int k = 0; k < out.length; k++) {
                out[k] *= restore;
            }
        }
        return weighted;
    }

    private static boolean allOne(List<float[]> multipliers) {
        for (float[] m : multipliers) {
            for (float multiplier : m) {
                if (multiplier != 1f) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * With every multiplier 1 the weighted states equal the states and both means are the same number, so the
     * restoring factor is exactly 1 and nothing changes, unless that mean is 0, infinite or NaN (then the factor is
     * NaN, as A1111's). The states as they are in the first case (most prompts: one sum instead of three passes and
     * a copy per text), null in the others.
     */
    private static List<float[]> unchangedWhenAllOne(List<float[]> states, List<float[]> multipliers, int[] copies) {
        double before = 0;
        long values = 0;
        for (int t = 0; t < states.size(); t++) {
            float[] z = states.get(t);
            if (z.length % multipliers.get(t).length != 0) {
                return null;
            }
            double sum = 0;
            for (float value : z) {
                sum += value;
            }
            before += copies[t] * sum;
            values += (long) copies[t] * z.length;
        }
        float mean = (float) (before / values);
        return Float.isFinite(mean) && mean != 0f ? states : null;
    }
}
