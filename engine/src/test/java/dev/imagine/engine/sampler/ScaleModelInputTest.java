package dev.imagine.engine.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The UNet input as diffusers' {@code scale_model_input} computes it on the CPU. */
class ScaleModelInputTest {
    private static final NoiseScheduleConfig SD1 = NoiseScheduleConfig.stableDiffusionV1();

    @Test
    void eulerDividesBySqrtOfSigmaSquaredPlusOne() {
        Sampler euler = Samplers.euler(SD1, 20, 1.0);
        float[] sample = {1f, -2f, 3.5f, 0f};
        float[] target = new float[6];
        euler.scaleModelInput(0, sample, target, 2);
        // sigma_max of SD 1.x at timestep 999 is 14.614647 (diffusers' EulerDiscreteScheduler, linspace spacing).
        float divisor = (float) Math.sqrt(14.614647f * 14.614647f + 1f);
        assertThat(target[0]).isZero();
        assertThat(target[1]).isZero();
        for (int k = 0; k < sample.length; k++) {
            assertThat(target[2 + k]).isCloseTo(sample[k] / divisor, within(1e-6f));
        }
        assertThat(target[2]).isCloseTo(euler.inputScale(0), within(1e-7f));
    }

    @Test
    void ddimAndPlmsPassTheSampleThrough() {
        float[] sample = {0.25f, -7f, 3f};
        for (Sampler sampler : new Sampler[] {Samplers.ddim(SD1, 10, 1.0), Samplers.pndm(SD1, 10, 1.0)}) {
            float[] target = new float[3];
            sampler.scaleModelInput(0, sample, target, 0);
            assertThat(target).containsExactly(sample);
        }
    }
}
