package dev.imagine.engine.sampler;

import static dev.imagine.engine.sampler.SamplerStepTest.SD15;
import static dev.imagine.engine.sampler.SamplerStepTest.X0;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Image-to-image cut and noising for SD 1.5 at 20 steps. Expected values come from a pure-Python emulation of
 * diffusers' img2img {@code get_timesteps} + {@code set_begin_index} and the schedulers' {@code add_noise},
 * cross-checked against the real scheduler classes.
 */
class ImageToImageTest {
    static final float[] NOISE = {-0.75f, 0f, 0.75f, -1.25f, -0.5f, 0.25f, 1.0f, -1.0f};

    static float[] noised(Sampler sampler) {
        float[] x = X0.clone();
        sampler.addNoise(x, NOISE.clone());
        return x;
    }

    @Test
    void fullStrengthIsTextToImage() {
        assertThat(Samplers.ddim(SD15, 20, 1.0).calls()).isEqualTo(20);
        assertThat(Samplers.pndm(SD15, 20, 1.0).calls()).isEqualTo(21);
        assertThat(Samplers.euler(SD15, 20, 1.0).calls()).isEqualTo(20);
        // sqrt(acp[951]) * x + sqrt(1 - acp[951]) * noise
        assertThat(noised(Samplers.ddim(SD15, 20, 1.0))).containsExactly(-0.70178306f, -0.11288129f, 0.92754567f,
                -1.2448927f, -0.5250486f, 0.4024971f, 0.7972431f, -0.91463965f);
        // x + noise * 14.614647
        assertThat(noised(Samplers.euler(SD15, 20, 1.0))).containsExactly(-10.460985f, -1.25f, 12.960985f,
                -18.268309f, -7.6073236f, 5.3536615f, 12.414647f, -13.714647f);
    }

    @Test
    void strengthThreeQuartersSkipsFiveSteps() {
        // t_start = 20 - int(20 * 0.75) = 5.
        Sampler ddim = Samplers.ddim(SD15, 20, 0.75);
        assertThat(ddim.calls()).isEqualTo(15);
        assertThat(ddim.timestep(0)).isEqualTo(701f);
        assertThat(noised(ddim)).containsExactly(-0.57551956f, -0.3577636f, 1.2910467f, -1.1977084f, -0.5649466f,
                0.72610015f, 0.3285027f, -0.7005769f);

        // PLMS cuts its 21-entry list (951, 901, 901, 851, 801, 751, ...) at the same index 5.
        Sampler plms = Samplers.pndm(SD15, 20, 0.75);
        assertThat(plms.calls()).isEqualTo(16);
        assertThat(plms.timestep(0)).isEqualTo(751f);
        assertThat(plms.timestep(1)).isEqualTo(701f);
        assertThat(noised(plms)).containsExactly(-0.6107816f, -0.29506084f, 1.2009033f, -1.2146766f, -0.5566852f,
                0.6442181f, 0.45243412f, -0.75929743f);

        Sampler euler = Samplers.euler(SD15, 20, 0.75);
        assertThat(euler.calls()).isEqualTo(15);
        assertThat(euler.timestep(0)).isEqualTo(736.1053f);
        assertThat(euler.inputScale(0)).isEqualTo(0.25046065f);
        // sigma at step index 5 = 3.8653846
        assertThat(noised(euler)).containsExactly(-2.3990383f, -1.25f, 4.8990383f, -4.831731f, -2.2326922f,
                2.666346f, 1.6653845f, -2.9653845f);
        float[] x = X0.clone();
        euler.step(0, SamplerStepTest.toy(x, euler.timestep(0)), x, null);
        assertThat(x).containsExactly(0.43562385f, -1.1845934f, 1.8243816f, -0.027295357f, -0.30504692f, 1.54663f,
                -2.06414f, 0.8059592f);
    }

    @Test
    void strengthPointThreeKeepsSixSteps() {
        // t_start = 20 - int(20 * 0.3) = 14.
        Sampler ddim = Samplers.ddim(SD15, 20, 0.3);
        assertThat(ddim.calls()).isEqualTo(6);
        assertThat(ddim.timestep(0)).isEqualTo(251f);
        assertThat(noised(ddim)).containsExactly(-0.01951155f, -1.0248103f, 2.069132f, -0.7157261f, -0.5322449f,
                1.5368873f, -1.2310853f, 0.16528255f);
        Sampler plms = Samplers.pndm(SD15, 20, 0.3);
        assertThat(plms.calls()).isEqualTo(7);
        assertThat(plms.timestep(0)).isEqualTo(301f);
        Sampler euler = Samplers.eulerAncestral(SD15, 20, 0.3);
        assertThat(euler.calls()).isEqualTo(6);
        assertThat(euler.timestep(0)).isEqualTo(262.89474f);
        assertThat(euler.inputScale(0)).isEqualTo(0.80779487f);
        assertThat(noised(euler)).containsExactly(-0.04728961f, -1.25f, 2.5472896f, -0.9121494f, -0.6648598f,
                1.88243f, -1.4702805f, 0.17028046f);
    }

    @Test
    void zeroStrengthLeavesTheImageAlone() {
        for (Sampler sampler : new Sampler[] {Samplers.ddim(SD15, 20, 0.0), Samplers.euler(SD15, 20, 0.0),
                Samplers.eulerAncestral(SD15, 20, 0.0)}) {
            assertThat(sampler.calls()).isZero();
            assertThat(noised(sampler)).containsExactly(X0);
        }
        // diffusers cuts PLMS's 21 timesteps at index 20, which leaves its last call (t = 1) and noises to t = 1.
        Sampler plms = Samplers.pndm(SD15, 20, 0.0);
        assertThat(plms.calls()).isEqualTo(1);
        assertThat(plms.timestep(0)).isEqualTo(1f);
        assertThat(noised(plms)).containsExactly(0.46861437f, -1.2489345f, 2.0292547f, -0.051599078f,
                -0.32038394f, 1.7088709f, -2.1568456f, 0.8579536f);
    }
}
