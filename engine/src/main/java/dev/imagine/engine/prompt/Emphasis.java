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
     * NaN, as A1111's). The states as they are when the mean is certainly finite and not 0 (most prompts: one pass
     * instead of three and a copy per text), else null for the full computation.
     *
     * <p>The pass sums in four lanes (a sum one value after another, as the full computation's, waits for each
     * addition: 0.1 ms per text). Both sums are within {@code (values + texts + 8) * 2^-52} times the sum of
     * magnitudes of the exact one, so a lane sum further from 0 than twice that (plus a smallest normal float per
     * value, so the float mean cannot round to 0) means the full computation's mean is not 0 either; a sum of
     * magnitudes below half the largest float per value means it is finite.
     */
    private static List<float[]> unchangedWhenAllOne(List<float[]> states, List<float[]> multipliers, int[] copies) {
        double sum = 0;
        double magnitude = 0;
        long values = 0;
        for (int t = 0; t < states.size(); t++) {
            float[] z = states.get(t);
            if (z.length % multipliers.get(t).length != 0) {
                return null;
            }
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            int k = 0;
            for (; k + 4 <= z.length; k += 4) {
                s0 += z[k];
                s1 += z[k + 1];
                s2 += z[k + 2];
                s3 += z[k + 3];
                a0 += Math.abs(z[k]);
                a1 += Math.abs(z[k + 1]);
                a2 += Math.abs(z[k + 2]);
                a3 += Math.abs(z[k + 3]);
            }
            for (; k < z.length; k++) {
                s0 += z[k];
                a0 += Math.abs(z[k]);
            }
            sum += copies[t] * ((s0 + s1) + (s2 + s3));
            magnitude += copies[t] * ((a0 + a1) + (a2 + a3));
            values += (long) copies[t] * z.length;
        }
        double error = (values + states.size() + 8) * 0x1p-52 * magnitude;
        boolean finite = magnitude < Float.MAX_VALUE / 2.0 * values;
        boolean clearOfZero = Math.abs(sum) - 2 * error > values * (double) Float.MIN_NORMAL;
        return finite && clearOfZero ? states : null;
    }
}
