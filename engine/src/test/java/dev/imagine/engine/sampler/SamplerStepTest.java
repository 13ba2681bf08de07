package dev.imagine.engine.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Step maths on a fixed 8-value latent with a toy model ({@code 0.1 * x + t / 20000}). Expected values come
 * from a pure-Python float32 emulation of diffusers' {@code step} functions, which matched the real
 * DDIMScheduler, PNDMScheduler, EulerDiscreteScheduler and EulerAncestralDiscreteScheduler (run with PyTorch
 * 1.13 on the CPU) bit for bit.
 */
class SamplerStepTest {
    static final float[] X0 = {0.5f, -1.25f, 2.0f, 0f, -0.3f, 1.7f, -2.2f, 0.9f};

    static final NoiseScheduleConfig SD15 = NoiseScheduleConfig.stableDiffusionV1();
    static final NoiseScheduleConfig SD21 = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("""
            {"_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000,
             "prediction_type": "v_prediction", "set_alpha_to_one": false, "skip_prk_steps": true,
             "steps_offset": 1, "trained_betas": null}"""));

    static float[] toy(float[] x, float t) {
        float c = t / 20000f;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = 0.1f * x[i] + c;
        }
        return out;
    }

    /** Exactly representable noise: ((5k + 3i) mod 11 - 5) / 4 for draw k, element i. */
    static final class CountingNoise implements NoiseSource {
        final List<Integer> requests = new ArrayList<>();

        @Override
        public float[] randn(int count) {
            int k = requests.size();
            requests.add(count);
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = (((k * 5 + i * 3) % 11) - 5) / 4f;
            }
            return out;
        }
    }

    /** Runs the first {@code steps} calls from X0 and returns the latent after each. */
    static List<float[]> run(Sampler sampler, int steps, NoiseSource noise) {
        float[] x = X0.clone();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            sampler.step(i, toy(x, sampler.timestep(i)), x, noise);
            out.add(x.clone());
        }
        return out;
    }

    @Test
    void ddimEpsilon() {
        List<float[]> x = run(Samplers.ddim(SD15, 20, 1.0), 2, null);
        assertThat(x.get(0)).containsExactly(0.6247865f, -1.6139148f, 2.5436735f, -0.0148425065f, -0.3986199f,
                2.159896f, -2.82921f, 1.1364895f);
        assertThat(x.get(1)).containsExactly(0.7712332f, -2.038414f, 3.1795022f, -0.03152315f, -0.5131769f,
                2.697848f, -3.563651f, 1.4134381f);
    }

    @Test
    void plmsEpsilonThroughItsWarmUp() {
        // Calls 0..5 cover every branch: first step, its redo, then 2-, 3- and 4-term multistep (twice).
        List<float[]> x = run(Samplers.pndm(SD15, 20, 1.0), 6, null);
        assertThat(x.get(0)).containsExactly(0.62478644f, -1.6139148f, 2.5436733f, -0.014842505f, -0.39861986f,
                2.159896f, -2.8292098f, 1.1364895f);
        assertThat(x.get(1)).containsExactly(0.623229f, -1.607845f, 2.5355783f, -0.014220672f, -0.3966905f,
                2.1531084f, -2.8189993f, 1.1331887f);
        assertThat(x.get(2)).containsExactly(0.76787263f, -2.0253167f, 3.162035f, -0.030181397f, -0.50901383f,
                2.6832025f, -3.541619f, 1.4063158f);
        assertThat(x.get(3)).containsExactly(0.93322074f, -2.5003307f, 3.8762648f, -0.04779382f, -0.6364026f,
                3.287656f, -4.364258f, 1.7180324f);
        assertThat(x.get(4)).containsExactly(1.1183661f, -3.0302725f, 4.674342f, -0.06695902f, -0.7781542f,
                3.9631467f, -5.2823896f, 2.066626f);
        assertThat(x.get(5)).containsExactly(1.3212148f, -3.6092148f, 5.5472975f, -0.087479204f, -0.9326957f,
                4.7020802f, -6.2857323f, 2.4481697f);
    }

    @Test
    void eulerEpsilon() {
        List<float[]> x = run(Samplers.euler(SD15, 20, 1.0), 2, null);
        assertThat(x.get(0)).containsExactly(0.11341369f, -0.95972186f, 1.0332441f, -0.19319646f, -0.37716255f,
                0.8492781f, -1.5422812f, 0.35870183f);
        assertThat(x.get(1)).containsExactly(-0.04294008f, -0.83005136f, 0.63172674f, -0.267829f, -0.40276235f,
                0.4967934f, -1.2573403f, 0.13697107f);
    }

    @Test
    void eulerAncestralEpsilon() {
        CountingNoise noise = new CountingNoise();
        List<float[]> x = run(Samplers.eulerAncestral(SD15, 20, 1.0), 2, noise);
        assertThat(x.get(0)).containsExactly(-9.274651f, -4.387782f, 2.1430998f, 6.9477677f, -7.7169347f,
                -1.5970564f, 2.5828867f, 9.064447f);
        assertThat(x.get(1)).containsExactly(-5.164725f, 1.4355178f, -5.737529f, 0.818897f, -3.0026183f,
                4.254867f, -4.171322f, 3.278954f);
        assertThat(noise.requests).containsExactly(8, 8);
    }

    @Test
    void ddimVPrediction() {
        List<float[]> x = run(Samplers.ddim(SD21, 20, 1.0), 2, null);
        assertThat(x.get(0)).containsExactly(0.4970515f, -1.2473202f, 1.9922272f, -0.0013403525f, -0.30037552f,
                1.6931921f, -2.1942647f, 0.89576507f);
        assertThat(x.get(1)).containsExactly(0.49355644f, -1.2439052f, 1.9828092f, -0.0028611007f, -0.3007117f,
                1.6849587f, -2.1870983f, 0.89069057f);
    }

    @Test
    void plmsVPrediction() {
        List<float[]> x = run(Samplers.pndm(SD21, 20, 1.0), 6, null);
        assertThat(x.get(1)).containsExactly(0.4970909f, -1.2472886f, 1.9922732f, -0.0013032284f, -0.3003397f,
                1.6932368f, -2.1942375f, 0.8958062f);
        assertThat(x.get(5)).containsExactly(0.4800613f, -1.2281613f, 1.9442523f, -0.008002278f, -0.3008404f,
                1.6514139f, -2.155482f, 0.8705121f);
    }

    @Test
    void eulerVPrediction() {
        List<float[]> x = run(Samplers.euler(SD21, 20, 1.0), 2, null);
        assertThat(x.get(0)).containsExactly(0.34190035f, -0.90091074f, 1.407167f, -0.013188535f, -0.22624186f,
                1.1941137f, -1.5755796f, 0.62597144f);
        assertThat(x.get(1)).containsExactly(0.23770541f, -0.66883314f, 1.0147384f, -0.021305617f, -0.17671223f,
                0.8593319f, -1.1609541f, 0.4449142f);
    }

    @Test
    void eulerAncestralVPrediction() {
        List<float[]> x = run(Samplers.eulerAncestral(SD21, 20, 1.0), 2, new CountingNoise());
        assertThat(x.get(1)).containsExactly(-4.689992f, 1.7207713f, -5.210924f, 1.1344814f, -2.609714f,
                4.781414f, -4.0195107f, 3.6591916f);
    }

    @Test
    void ddimLastStepUsesTheFinalAlpha() {
        // One leading step at t=1: prev = 1 - 1000 < 0, so alpha_prev is alphas_cumprod[0] (set_alpha_to_one
        // false, SD 1.5) or 1 (set_alpha_to_one true).
        assertThat(run(Samplers.ddim(SD15, 1, 1.0), 1, null).get(0)).containsExactly(0.4996061f, -1.2490174f,
                1.9984262f, -6.070892e-07f, -0.29976466f, 1.6986623f, -2.19827f, 0.89929146f);
        NoiseScheduleConfig alphaOne = new NoiseScheduleConfig("DDIMScheduler", 1000, 0.00085, 0.012,
                "scaled_linear", null, PredictionType.EPSILON, TimestepSpacing.LEADING, 1, true);
        assertThat(run(Samplers.ddim(alphaOne, 1, 1.0), 1, null).get(0)).containsExactly(0.49835876f,
                -1.2459041f, 1.9934412f, -2.065724e-06f, -0.29901856f, 1.6944247f, -2.1927896f, 0.8970474f);
    }

    @Test
    void ddimClipsWhereTheConfigLeavesClipSampleOut() {
        // DDIMScheduler defaults clip_sample to True: x0 is clamped to [-1, 1].
        NoiseScheduleConfig clipping = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("""
                {"_class_name": "DDIMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
                 "beta_start": 0.00085, "set_alpha_to_one": false, "steps_offset": 1}"""));
        List<float[]> x = run(Samplers.ddim(clipping, 20, 1.0), 2, null);
        assertThat(x.get(0)).containsExactly(0.21520676f, -0.19524801f, 0.36415267f, -0.0148425065f,
                -0.10091558f, 0.33436352f, -0.2895804f, 0.25492567f);
        assertThat(x.get(1)).containsExactly(0.21770914f, -0.1266821f, 0.23243086f, -0.03152315f, -0.11735834f,
                0.22948653f, -0.13600586f, 0.22163492f);
    }

    @Test
    void eulerAncestralDrawsNoiseAtEveryStepIncludingTheLast() {
        // One linspace step goes from sigma(t=0) to 0, so sigma_up is 0, yet diffusers still draws noise.
        CountingNoise noise = new CountingNoise();
        assertThat(run(Samplers.eulerAncestral(SD15, 1, 1.0), 1, noise).get(0)).containsExactly(0.49854162f,
                -1.2463541f, 1.9941665f, 0f, -0.299125f, 1.6950415f, -2.1935833f, 0.89737487f);
        assertThat(noise.requests).containsExactly(8);

        CountingNoise full = new CountingNoise();
        Sampler sampler = Samplers.eulerAncestral(SD15, 20, 1.0);
        run(sampler, sampler.calls(), full);
        assertThat(full.requests).hasSize(20).containsOnly(8);
    }

    @Test
    void deterministicSamplersNeverDrawNoise() {
        NoiseSource forbidden = count -> {
            throw new AssertionError("drew noise");
        };
        run(Samplers.ddim(SD15, 20, 1.0), 20, forbidden);
        run(Samplers.pndm(SD15, 20, 1.0), 21, forbidden);
        run(Samplers.euler(SD15, 20, 1.0), 20, forbidden);
    }

    /** The engine draws {@link Sampler#noiseDraws()} blocks ahead: the count must be exactly what step draws. */
    @Test
    void noiseDrawsCountsEveryDrawOfTheRun() {
        for (double strength : new double[] {1.0, 0.5}) {
            for (Sampler sampler : List.of(Samplers.ddim(SD15, 12, strength), Samplers.pndm(SD15, 12, strength),
                    Samplers.euler(SD15, 12, strength), Samplers.eulerAncestral(SD15, 12, strength),
                    Samplers.lms(SD15, 12, strength), Samplers.dpmpp2m(SD15, 12, strength, false),
                    Samplers.dpmpp2m(SD15, 12, strength, true), Samplers.lcm(SD15, 4, strength))) {
                CountingNoise noise = new CountingNoise();
                run(sampler, sampler.calls(), noise);
                assertThat(noise.requests).as(sampler.getClass().getSimpleName() + " at strength " + strength)
                        .hasSize(sampler.noiseDraws())
                        .allMatch(count -> count == X0.length);
            }
        }
    }

    @Test
    void initialNoiseAndInputScales() {
        // Euler linspace 20 steps: sigma(999) = 14.614647; leading 20 steps: sqrt(sigma(951)^2 + 1).
        assertThat(Samplers.euler(SD15, 20, 1.0).initNoiseSigma()).isEqualTo(14.614647f);
        assertThat(Samplers.eulerAncestral(SD15, 20, 1.0).initNoiseSigma()).isEqualTo(14.614647f);
        NoiseScheduleConfig leading = TimestepScheduleTest.sd(TimestepSpacing.LEADING);
        assertThat(Samplers.euler(leading, 20, 1.0).initNoiseSigma()).isEqualTo(11.073581f);
        assertThat(Samplers.ddim(SD15, 20, 1.0).initNoiseSigma()).isEqualTo(1f);
        assertThat(Samplers.pndm(SD15, 20, 1.0).initNoiseSigma()).isEqualTo(1f);

        // 1 / sqrt(14.614647^2 + 1)
        assertThat(Samplers.euler(SD15, 20, 1.0).inputScale(0)).isEqualTo(0.06826489f);
        assertThat(Samplers.ddim(SD15, 20, 1.0).inputScale(3)).isEqualTo(1f);
        assertThat(Samplers.pndm(SD15, 20, 1.0).inputScale(20)).isEqualTo(1f);
        assertThatThrownBy(() -> Samplers.ddim(SD15, 20, 1.0).inputScale(20))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void oneStepRunsInEverySpacing(TimestepSpacing spacing) {
        NoiseScheduleConfig config = TimestepScheduleTest.sd(spacing);
        for (Sampler sampler : List.of(Samplers.ddim(config, 1, 1.0), Samplers.pndm(config, 1, 1.0),
                Samplers.euler(config, 1, 1.0), Samplers.eulerAncestral(config, 1, 1.0), Samplers.lms(config, 1, 1.0),
                Samplers.dpmpp2m(config, 1, 1.0, false), Samplers.dpmpp2m(config, 1, 1.0, true),
                Samplers.lcm(config, 1, 1.0))) {
            assertThat(sampler.calls()).isEqualTo(1);
            float[] x = run(sampler, 1, new CountingNoise()).get(0);
            for (float v : x) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void stepsMustComeInOrderWithMatchingLengths() {
        Sampler sampler = Samplers.pndm(SD15, 4, 1.0);
        float[] x = X0.clone();
        assertThatThrownBy(() -> sampler.step(1, toy(x, 751f), x, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the next step is 0");
        assertThatThrownBy(() -> sampler.step(0, new float[3], x, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model output has 3 values but the sample has 8");
        sampler.step(0, toy(x, 751f), x, null);
        float[] shorter = new float[4];
        assertThatThrownBy(() -> sampler.step(1, new float[4], shorter, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("earlier steps had 8");

        Sampler oneStep = Samplers.ddim(SD15, 1, 1.0);
        oneStep.step(0, toy(x, 1f), x, null);
        assertThatThrownBy(() -> oneStep.step(1, toy(x, 1f), x, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 1 steps of this sampler are done");
    }

    @Test
    void rejectsStepsAndStrengthOutOfRange() {
        assertThatThrownBy(() -> Samplers.ddim(SD15, 0, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be between 1 and 1000 for this model, got 0");
        assertThatThrownBy(() -> Samplers.euler(SD15, 1001, 1.0)).hasMessageContaining("got 1001");
        assertThatThrownBy(() -> Samplers.pndm(SD15, 20, 1.5))
                .hasMessage("strength must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> Samplers.eulerAncestral(SD15, 20, Double.NaN)).hasMessageContaining("strength");
        assertThatThrownBy(() -> Samplers.ddim(SD15, 20, -0.1)).hasMessageContaining("strength");
    }

    @Test
    void rejectsTimestepsPastTheTrainedOnes() {
        // Leading 1000 steps with steps_offset 1 ends at timestep 1000, which diffusers would fail to index.
        assertThatThrownBy(() -> Samplers.ddim(SD15, 1000, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestep 1000 is outside the model's 1000 trained timesteps");
        assertThatThrownBy(() -> Samplers.pndm(SD15, 1000, 1.0)).hasMessageContaining("timestep 1000");
    }
}
