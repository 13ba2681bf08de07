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
}
