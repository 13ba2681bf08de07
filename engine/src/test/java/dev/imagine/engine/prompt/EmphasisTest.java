package dev.imagine.engine.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A1111's "Original" emphasis: multiply, then restore the batch mean; expectations worked out by hand. */
class EmphasisTest {
    @Test
    void multipliesEachTokenThenRestoresTheMean() {
        // Two tokens of hidden size 2: [1, 1] and [3, 3]; multipliers 1 and 2.
        // Mean before: 8 / 4 = 2. After multiplying: [1, 1, 6, 6], mean 3.5. Scale by 2 / 3.5.
        List<float[]> out = Emphasis.apply(List.of(new float[] {1, 1, 3, 3}), List.of(new float[] {1, 2}),
                new int[] {1});
        float restore = 2f / 3.5f;
        assertThat(out.get(0)).containsExactly(1 * restore, 1 * restore, 6 * restore, 6 * restore);
    }

    @Test
    void multipliersOfOneChangeNothing() {
        float[] z = {0.1f, -0.7f, 0.3337f, 5e-8f};
        assertThat(Emphasis.apply(List.of(z), List.of(new float[] {1, 1}), new int[] {1}).get(0)).containsExactly(z);
    }

    @Test
    void theMeanRunsOverTheWholeBatchWithRepeatedTextsCounted() {
        // Text x: one token [2], multiplier 3. Text y: one token [4], multiplier 1; y appears 3 times in the batch.
        // Mean before: (2 + 3 * 4) / 4 = 3.5. After: (6 + 3 * 4) / 4 = 4.5. Both scaled by 3.5 / 4.5.
        List<float[]> out = Emphasis.apply(List.of(new float[] {2}, new float[] {4}),
                List.of(new float[] {3}, new float[] {1}), new int[] {1, 3});
        float restore = 3.5f / 4.5f;
        assertThat(out.get(0)).containsExactly(6 * restore);
        assertThat(out.get(1)).containsExactly(4 * restore);
    }

    @Test
    void theInputsAreLeftAsTheyWere() {
        float[] z = {1, 1, 3, 3};
        Emphasis.apply(List.of(z), List.of(new float[] {1, 2}), new int[] {1});
        assertThat(z).containsExactly(1, 1, 3, 3);
    }

    @Test
    void withMultipliersOfOneAMeanOfZeroStillGivesNaNAsA1111s() {
        // Both means are 0: A1111 scales by 0 / 0; the shortcut for unit multipliers must not hide that.
        List<float[]> out = Emphasis.apply(List.of(new float[] {1, -1, 2, -2}), List.of(new float[] {1, 1}),
                new int[] {1});
        assertThat(out.get(0)).containsOnly(Float.NaN);
    }

    @Test
    void aStateThatDoesNotSplitIntoItsTokensIsRefusedAlsoWithMultipliersOfOne() {
        assertThatThrownBy(() -> Emphasis.apply(List.of(new float[] {1, 2, 3}),
                        List.of(new float[] {1, 1}), new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 values do not split into 2 tokens");
    }

    /**
     * With multipliers of 1 the result is the states themselves when A1111's mean (summed one value after another,
     * as written out here) is a finite non-zero float, else NaN everywhere: on random states, on states whose mean
     * is exactly 0 or a hair from it, on subnormal states whose mean rounds to 0, and with an infinity.
     */
    @Test
    void withMultipliersOfOneTheResultIsTheStatesOrNaNExactlyAsTheFullComputation() {
        java.util.Random random = new java.util.Random(3);
        List<float[]> cases = new java.util.ArrayList<>();
        for (int n = 0; n < 20; n++) {
            float[] z = new float[8 * 77];
            for (int k = 0; k < z.length; k++) {
                z[k] = (float) random.nextGaussian() * (n < 10 ? 1f : 1e-3f);
            }
            cases.add(z);
            float[] balanced = z.clone();
            for (int k = 0; k < z.length / 2; k++) {
                balanced[z.length / 2 + k] = -balanced[k];
            }
            cases.add(balanced);
            float[] nearlyBalanced = balanced.clone();
            nearlyBalanced[random.nextInt(z.length)] += Math.ulp(1f) * (n + 1);
            cases.add(nearlyBalanced);
        }
        float[] subnormal = new float[8 * 77];
        java.util.Arrays.fill(subnormal, Float.MIN_VALUE);
        subnormal[0] = -Float.MIN_VALUE * 300;
        cases.add(subnormal);
        float[] infinite = cases.get(0).clone();
        infinite[5] = Float.POSITIVE_INFINITY;
        cases.add(infinite);
        float[] ones = new float[77];
        java.util.Arrays.fill(ones, 1f);
        int nan = 0;
        for (float[] z : cases) {
            double sum = 0;
            for (float value : z) {
                sum += value;
            }
            float mean = (float) (sum / z.length);
            float[] out = Emphasis.apply(List.of(z), List.of(ones), new int[] {1}).get(0);
            if (Float.isFinite(mean) && mean != 0f) {
                assertThat(out).containsExactly(z);
            } else {
                assertThat(out).containsOnly(Float.NaN);
                nan++;
            }
        }
        assertThat(nan).isGreaterThanOrEqualTo(12);
    }
}
