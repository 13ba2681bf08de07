package dev.imagine.engine.sampler;

import static dev.imagine.engine.sampler.SamplerStepTest.SD15;
import static dev.imagine.engine.sampler.SamplerStepTest.SD21;
import static dev.imagine.engine.sampler.SamplerStepTest.X0;
import static dev.imagine.engine.sampler.SamplerStepTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.sampler.SamplerStepTest.CountingNoise;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LCM. Expected values come from diffusers' own {@code LCMScheduler} (scheduling_lcm.py of diffusers' main branch,
 * August 2026) run with PyTorch 1.13 and NumPy 1.24 on the CPU, stepped with the pipeline's integer timestep
 * tensors, {@code set_timesteps(steps, strength=...)} as the LCM img2img pipeline calls it, and the noise of
 * {@link CountingNoise} in place of {@code randn_tensor}; the schedule was passed as {@code trained_betas} equal to
 * {@link NoiseSchedule}'s betas (this machine's PyTorch AVX2 {@code linspace} rounds a few betas differently).
 * Every value matched bit for bit.
 */
class LcmSamplerTest {

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void timestepsIgnoreTheSpacing(TimestepSpacing spacing) {
        // (1..50) * 20 - 1 reversed, picked at floor(linspace(0, 50, steps, endpoint=False)).
        NoiseScheduleConfig config = TimestepScheduleTest.sd(spacing);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 1, 1.0))).containsExactly(999f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 2, 1.0))).containsExactly(999f, 499f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 4, 1.0))).containsExactly(999f, 759f, 499f,
                259f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 20, 1.0))).containsExactly(999f, 959f, 899f,
                859f, 799f, 759f, 699f, 659f, 599f, 559f, 499f, 459f, 399f, 359f, 299f, 259f, 199f, 159f, 99f, 59f);
        float[] fifty = new float[50];
        for (int i = 0; i < 50; i++) {
            fifty[i] = 999 - 20 * i;
        }
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 50, 1.0))).containsExactly(fifty);
    }

    @Test
    void refusesMoreStepsThanTheOriginalSchedule() {
        assertThatThrownBy(() -> Samplers.lcm(SD15, 51, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the lcm sampler takes at most 50 steps with this model (its original_inference_steps), "
                        + "got 51");
    }

    @Test
    void originalInferenceStepsComeFromTheConfig() {
        // k = 1000 // 100 = 10: origin timesteps 9, 19, ..., 999.
        NoiseScheduleConfig config = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("""
                {"_class_name": "LCMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                 "beta_end": 0.012, "original_inference_steps": 100}"""));
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(config, 4, 1.0))).containsExactly(999f, 749f, 499f,
                249f);
        assertThat(Samplers.lcm(config, 100, 1.0).calls()).isEqualTo(100);

        NoiseScheduleConfig tooMany = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json(
                "{\"original_inference_steps\": 2000}"));
        assertThatThrownBy(() -> Samplers.lcm(tooMany, 4, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("original_inference_steps (2000) must not exceed num_train_timesteps (1000)");
    }

    @Test
    void boundaryScalings() {
        // c_skip = 0.25 / ((10 t)^2 + 0.25) and c_out = 10 t / sqrt((10 t)^2 + 0.25), in float32.
        LcmSampler lcm = (LcmSampler) Samplers.lcm(SD15, 4, 1.0);
        assertThat(lcm.cSkip(0)).isEqualTo(2.5050075e-09f);
        assertThat(lcm.cSkip(1)).isEqualTo(4.3396673e-09f);
        assertThat(lcm.cSkip(2)).isEqualTo(1.0040121e-08f);
        assertThat(lcm.cSkip(3)).isEqualTo(3.726838e-08f);
        for (int call = 0; call < 4; call++) {
            assertThat(lcm.cOut(call)).isEqualTo(1f);
        }
    }

    @Test
    void epsilonTrajectoryDrawsNoiseBetweenStepsOnly() {
        CountingNoise noise = new CountingNoise();
        List<float[]> x = run(Samplers.lcm(SD15, 4, 1.0), 4, noise);
        assertThat(x.get(0)).containsExactly(0.12292862f, -4.4202394f, 6.103237f, 0.8067372f, -2.0443487f,
                4.7124677f, -6.3093586f, 3.762119f);
        assertThat(x.get(1)).containsExactly(0.17068486f, -8.648845f, 11.556784f, 1.169135f, -4.128195f,
                10.574064f, -14.068517f, 7.533465f);
        assertThat(x.get(2)).containsExactly(0.93789715f, -12.66207f, 16.257792f, 2.053327f, -6.5817423f,
                14.580561f, -19.717672f, 11.170487f);
        assertThat(x.get(3)).containsExactly(1.0785824f, -14.696477f, 18.848642f, 2.3724072f, -7.6437006f,
                16.903168f, -22.880508f, 12.947708f);
        // Four calls, three draws of the latent's size: none at the last call.
        assertThat(noise.requests).containsExactly(8, 8, 8);
    }

    @Test
    void vPredictionTrajectory() {
        CountingNoise noise = new CountingNoise();
        List<float[]> x = run(Samplers.lcm(SD21, 4, 1.0), 4, noise);
        assertThat(x.get(0)).containsExactly(-1.2319156f, -0.48916104f, 0.21760245f, 0.9621566f, -0.98277116f,
                -0.26700988f, 0.49122083f, 1.199064f);
        assertThat(x.get(3)).containsExactly(0.5011356f, -0.19260634f, -0.30887294f, 0.20728451f, -0.53665966f,
                -0.021040123f, -0.13634537f, 0.3791263f);
        assertThat(noise.requests).containsExactly(8, 8, 8);
    }

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void oneStepIsTheDenoisedPredictionWithoutNoise(TimestepSpacing spacing) {
        NoiseSource forbidden = count -> {
            throw new AssertionError("drew noise");
        };
        float[] x = run(Samplers.lcm(TimestepScheduleTest.sd(spacing), 1, 1.0), 1, forbidden).get(0);
        assertThat(x).containsExactly(5.8636756f, -17.214195f, 25.644707f, -0.7300016f, -4.6862082f, 21.688503f,
                -29.742182f, 11.1386175f);
    }

    @Test
    void strengthCutsTheOriginSchedule() {
        // set_timesteps(4, strength=s) keeps the first int(50 * s) origin timesteps and picks 4 of them.
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(SD15, 4, 0.5))).containsExactly(499f, 379f, 259f,
                139f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(SD15, 4, 0.3))).containsExactly(299f, 239f, 159f,
                79f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(SD15, 4, 0.1))).containsExactly(99f, 79f, 59f, 39f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(SD15, 4, 0.08))).containsExactly(79f, 59f, 39f, 19f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.lcm(SD15, 2, 0.5))).containsExactly(499f, 259f);
        // int(50 * 0.07) = 3 origin timesteps cannot give 4 steps; diffusers raises too.
        assertThatThrownBy(() -> Samplers.lcm(SD15, 4, 0.07))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strength 0.07 is too low for 4 lcm steps")
                .hasMessageContaining("at least 0.08");
        // 50 * 0.58 is 28.999999999999996 in float64: 29 steps need 0.59.
        assertThatThrownBy(() -> Samplers.lcm(SD15, 29, 0.58)).hasMessageContaining("at least 0.59");
        assertThat(Samplers.lcm(SD15, 29, 0.59).calls()).isEqualTo(29);
    }

    @Test
    void imageToImageNoisesToTheFirstTimestep() {
        // add_noise: sqrt(acp[739]) * x + sqrt(1 - acp[739]) * noise; int(50 * 0.75) = 37 origin timesteps.
        CountingNoise noise = new CountingNoise();
        Sampler lcm = Samplers.lcm(SD15, 4, 0.75);
        assertThat(lcm.calls()).isEqualTo(4);
        assertThat(lcm.timestep(0)).isEqualTo(739f);
        assertThat(lcm.timestep(1)).isEqualTo(559f);
        assertThat(ImageToImageTest.noised(lcm)).containsExactly(-0.60283035f, -0.30952966f, 1.2218896f,
                -1.2110703f, -0.5587153f, 0.6631744f, 0.42408407f, -0.7459949f);
        List<float[]> x = run(lcm, 2, noise);
        assertThat(x.get(0)).containsExactly(-0.35773522f, -2.568868f, 3.449747f, 0.8271269f, -1.451402f,
                2.5097764f, -3.240148f, 2.5315742f);
        assertThat(x.get(1)).containsExactly(-0.526272f, -2.9959145f, 3.75687f, 0.7249253f, -1.8368146f,
                4.128076f, -5.2009826f, 3.238037f);

        Sampler low = Samplers.lcm(SD15, 4, 0.3);
        assertThat(low.timestep(0)).isEqualTo(299f);
        assertThat(ImageToImageTest.noised(low)).containsExactly(-0.09418717f, -0.9619177f, 2.0180225f,
                -0.79825705f, -0.5501631f, 1.4678595f, -1.0543694f, 0.053975105f);
        List<float[]> y = run(low, 2, new CountingNoise());
        assertThat(y.get(0)).containsExactly(-0.19843015f, -1.5526483f, 2.1520476f, 0.5448838f, -0.86905587f,
                1.5709118f, -1.9586396f, 1.594289f);
        assertThat(y.get(1)).containsExactly(-0.21062525f, -1.2763271f, 1.6613438f, 0.33633065f, -0.7905957f,
                2.0333717f, -2.4452598f, 1.5196769f);
    }

    @Test
    void zeroStrengthLeavesTheImageAlone() {
        Sampler lcm = Samplers.lcm(SD15, 4, 0.0);
        assertThat(lcm.calls()).isZero();
        assertThat(ImageToImageTest.noised(lcm)).containsExactly(X0);
    }

    @Test
    void neitherScalesTheInputNorTheInitialNoise() {
        Sampler lcm = Samplers.lcm(SD15, 4, 1.0);
        assertThat(lcm.initNoiseSigma()).isEqualTo(1f);
        assertThat(lcm.inputScale(3)).isEqualTo(1f);
        float[] target = new float[X0.length + 2];
        lcm.scaleModelInput(1, X0, target, 2);
        assertThat(target).startsWith(0f, 0f, X0[0], X0[1]);
    }

    @Test
    void missingBetaKeysTakeLcmSchedulersDefaults() {
        // LCMScheduler defaults to scaled_linear 0.00085..0.012, unlike the other classes (linear 0.0001..0.02).
        NoiseScheduleConfig empty = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("{}"));
        NoiseScheduleConfig explicit = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("""
                {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}"""));
        List<float[]> fromDefaults = run(Samplers.lcm(empty, 4, 1.0), 4, new CountingNoise());
        List<float[]> fromExplicit = run(Samplers.lcm(explicit, 4, 1.0), 4, new CountingNoise());
        for (int i = 0; i < 4; i++) {
            assertThat(fromDefaults.get(i)).containsExactly(fromExplicit.get(i));
        }
        // The other samplers keep linear 0.0001..0.02: DDIM's x differs.
        assertThat(run(Samplers.ddim(empty, 4, 1.0), 1, null).get(0))
                .isNotEqualTo(run(Samplers.ddim(explicit, 4, 1.0), 1, null).get(0));
    }

    @Test
    void refusesOptionsItCannotFollow() {
        NoiseScheduleConfig thresholding = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json(
                "{\"_class_name\": \"LCMScheduler\", \"thresholding\": true}"));
        assertThatThrownBy(() -> Samplers.lcm(thresholding, 4, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thresholding=true")
                .hasMessageContaining("lcm sampler");
    }
}
