package dev.imagine.engine.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Known values of PyTorch's CPU generator, as printed by {@code torch.manual_seed(s); torch.rand/randn(...)}
 * (PyTorch documentation examples and the values quoted in the engine issue).
 */
class TorchGeneratorTest {

    @Test
    void mersenneTwisterMatchesReferenceOutput() {
        // First outputs of the reference mt19937 for init_genrand(5489), the C++ standard's default seed;
        // the 10000th output is the value std::mt19937 is required to produce (4123659995).
        TorchGenerator generator = new TorchGenerator(5489);
        assertThat(Integer.toUnsignedLong(generator.nextInt32())).isEqualTo(3499211612L);
        assertThat(Integer.toUnsignedLong(generator.nextInt32())).isEqualTo(581869302L);
        for (int i = 2; i < 9999; i++) {
            generator.nextInt32();
        }
        assertThat(Integer.toUnsignedLong(generator.nextInt32())).isEqualTo(4123659995L);
    }

    @Test
    void randWithSeedZero() {
        float[] values = new TorchGenerator(0).rand(2);
        assertThat(values[0]).isCloseTo(0.4963f, within(1e-4f));
        assertThat(values[1]).isCloseTo(0.7682f, within(1e-4f));
    }

    @Test
    void randnFourByFourWithSeed42UsesTheBlockBoxMuller() {
        float[] values = new TorchGenerator(42).randn(16);
        float[] firstRows = {1.9269f, 1.4873f, 0.9007f, -2.1055f, 0.6784f, -1.2345f, -0.0431f, -1.6047f};
        for (int i = 0; i < firstRows.length; i++) {
            assertThat(values[i]).as("element %d", i).isCloseTo(firstRows[i], within(1e-4f));
        }
    }

    @Test
    void smallCountsUseTheSerialDoublePath() {
        // torch.manual_seed(42); torch.randn(2) -> [0.3367, 0.1288]
        float[] seed42 = new TorchGenerator(42).randn(2);
        assertThat(seed42[0]).isCloseTo(0.3367f, within(1e-4f));
        assertThat(seed42[1]).isCloseTo(0.1288f, within(1e-4f));
        // torch.manual_seed(0); torch.randn(3) -> [1.5410, -0.2934, -2.1788]
        float[] seed0 = new TorchGenerator(0).randn(3);
        assertThat(seed0[0]).isCloseTo(1.5410f, within(1e-4f));
        assertThat(seed0[1]).isCloseTo(-0.2934f, within(1e-4f));
        assertThat(seed0[2]).isCloseTo(-2.1788f, within(1e-4f));
    }

    @Test
    void raggedTailRedrawsTheLastSixteen() {
        // For 20 values torch fills 20 uniforms, transforms 0..15, then draws 16 fresh uniforms for 4..19.
        TorchGenerator reference = new TorchGenerator(7);
        float[] uniforms = reference.rand(36);
        float[] expected = new float[20];
        System.arraycopy(uniforms, 0, expected, 0, 16);
        boxMuller(expected, 0);
        System.arraycopy(uniforms, 20, expected, 4, 16);
        boxMuller(expected, 4);

        float[] actual = new TorchGenerator(7).randn(20);
        assertThat(actual).containsExactly(expected, within(1e-6f));
    }

    @Test
    void sameSeedSameStreamAndTheStreamContinues() {
        TorchGenerator a = new TorchGenerator(1234);
        TorchGenerator b = new TorchGenerator(1234);
        assertThat(a.randn(256)).containsExactly(b.randn(256));
        assertThat(a.randn(256)).containsExactly(b.randn(256)).isNotEqualTo(new TorchGenerator(1234).randn(256));
    }

    @Test
    void bulkUniformsEqualSingleDrawsAcrossStateBlocks() {
        TorchGenerator single = new TorchGenerator(99);
        TorchGenerator bulk = new TorchGenerator(99);
        float[] expected = new float[3000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = single.nextFloat();
        }
        bulk.nextFloat();
        float[] rest = bulk.rand(expected.length - 1);
        assertThat(rest).containsExactly(java.util.Arrays.copyOfRange(expected, 1, expected.length));
        assertThat(bulk.nextFloat()).isEqualTo(single.nextFloat());
    }

    @Test
    void largestSeedIsAcceptedAndOutOfRangeRefused() {
        assertThat(new TorchGenerator(TorchGenerator.MAX_SEED).randn(16)).doesNotContain(Float.NaN);
        assertThatThrownBy(() -> new TorchGenerator(-1)).hasMessageContaining("seed must be between 0 and 4294967295");
        assertThatThrownBy(() -> new TorchGenerator(1L << 32)).hasMessageContaining("got 4294967296");
    }

    @Test
    void normalsHaveUnitVariance() {
        float[] values = new TorchGenerator(3).randn(100_000);
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / values.length;
        assertThat(mean).isCloseTo(0.0, within(0.02));
        assertThat(squares / values.length - mean * mean).isCloseTo(1.0, within(0.02));
    }

    private static void boxMuller(float[] d, int o) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1.0 - d[o + j];
            double u2 = d[o + j + 8];
            double r = Math.sqrt(-2.0 * Math.log(u1));
            double t = 2.0 * Math.PI * u2;
            d[o + j] = (float) (r * Math.cos(t));
            d[o + j + 8] = (float) (r * Math.sin(t));
        }
    }
}
