package dev.imagine.engine.sampler;

import static dev.imagine.engine.sampler.SamplerStepTest.SD15;
import static dev.imagine.engine.sampler.SamplerStepTest.SD21;
import static dev.imagine.engine.sampler.SamplerStepTest.X0;
import static dev.imagine.engine.sampler.SamplerStepTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * K-LMS. Expected values come from diffusers' own {@code LMSDiscreteScheduler} (scheduling_lms_discrete.py of
 * diffusers' main branch, August 2026) run with PyTorch 1.13, NumPy 1.24 and SciPy 1.10 on the CPU and stepped as
 * diffusers' pipelines step it ({@code set_begin_index} for image-to-image), with the schedule passed as
 * {@code trained_betas} equal to {@link NoiseSchedule}'s betas (this machine's PyTorch AVX2 {@code linspace} rounds
 * a few betas differently). With that, every value matched bit for bit, SciPy's {@code integrate.quad} coefficients
 * included.
 */
class LmsSamplerTest {

    static Stream<Arguments> noiseLevels() {
        // spacing, steps, CRC32 of the float32 sigmas (final 0 included), first sigma, middle sigma (index
        // (steps + 1) / 2), sigma of the last step, init_noise_sigma.
        return Stream.of(
                Arguments.of(TimestepSpacing.LEADING, 1, 0xadcdf64bL, 0.04131448f, 0.0f, 0.04131448f, 1.0008531f),
                Arguments.of(TimestepSpacing.LEADING, 4, 0x7f42bae3L, 4.1166983f, 0.6983986f, 0.04131448f, 4.236414f),
                Arguments.of(TimestepSpacing.LEADING, 20, 0x205f1128L, 11.028336f, 1.3761796f, 0.04131448f,
                        11.073581f),
                Arguments.of(TimestepSpacing.LEADING, 50, 0x56cf93f9L, 13.120416f, 1.5192176f, 0.04131448f,
                        13.158469f),
                Arguments.of(TimestepSpacing.LINSPACE, 1, 0x33658df2L, 0.029167533f, 0.0f, 0.029167533f,
                        0.029167533f),
                Arguments.of(TimestepSpacing.LINSPACE, 4, 0xd6283f82L, 14.614647f, 0.9323583f, 0.029167533f,
                        14.614647f),
                Arguments.of(TimestepSpacing.LINSPACE, 20, 0x4f8c9278L, 14.614647f, 1.4805827f, 0.029167533f,
                        14.614647f),
                Arguments.of(TimestepSpacing.LINSPACE, 50, 0xd295b6dbL, 14.614647f, 1.5616596f, 0.029167533f,
                        14.614647f),
                Arguments.of(TimestepSpacing.TRAILING, 1, 0x2ad473a4L, 14.614647f, 0.0f, 14.614647f, 14.614647f),
                Arguments.of(TimestepSpacing.TRAILING, 4, 0x0de80fa6L, 14.614647f, 1.612887f, 0.6932054f, 14.614647f),
                Arguments.of(TimestepSpacing.TRAILING, 20, 0x5d8e8ea3L, 14.614647f, 1.612887f, 0.22300382f,
                        14.614647f),
                Arguments.of(TimestepSpacing.TRAILING, 50, 0x7dbe6dd7L, 14.614647f, 1.612887f, 0.13445081f,
                        14.614647f));
    }

    static float[] sigmas(Sampler sampler) {
        LmsSampler lms = (LmsSampler) sampler;
        float[] out = new float[lms.calls() + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = lms.sigma(i);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} steps")
    @MethodSource("dev.imagine.engine.sampler.TimestepScheduleTest#schedules")
    void timestepsAreEulers(TimestepSpacing spacing, int steps, int[] ddim, int[] plms, float[] euler) {
        // LMSDiscreteScheduler.set_timesteps spaces exactly as EulerDiscreteScheduler's (float32 timesteps).
        assertThat(TimestepScheduleTest.timesteps(Samplers.lms(TimestepScheduleTest.sd(spacing), steps, 1.0)))
                .containsExactly(euler);
    }

    @ParameterizedTest(name = "{0} {1} steps")
    @MethodSource("noiseLevels")
    void noiseLevelsAndInitialNoise(TimestepSpacing spacing, int steps, long crc, float first, float middle,
            float lastStep, float initNoiseSigma) {
        Sampler sampler = Samplers.lms(TimestepScheduleTest.sd(spacing), steps, 1.0);
        float[] sigmas = sigmas(sampler);
        assertThat(NoiseScheduleTest.crc(sigmas)).isEqualTo(crc);
        assertThat(sigmas[0]).isEqualTo(first);
        assertThat(sigmas[sigmas.length / 2]).isEqualTo(middle);
        assertThat(sigmas[steps - 1]).isEqualTo(lastStep);
        assertThat(sigmas[steps]).isZero();
        assertThat(sampler.initNoiseSigma()).isEqualTo(initNoiseSigma);
    }

    @Test
    void fourStepCoefficientsAreSciPysQuadResults() {
        // SD 1.x, linspace, 4 steps: sigmas 14.614647, 2.9183085, 0.9323583, 0.029167533, 0. diffusers'
        // get_lms_coefficient returned these doubles; step i uses order min(i + 1, 4).
        LmsSampler lms = (LmsSampler) Samplers.lms(SD15, 4, 1.0);
        assertThat(lms.coefficients(0)).containsExactly((float) -11.696338415145874);
        assertThat(lms.coefficients(1)).containsExactly((float) -2.154549822883069, (float) 0.16859968894497085);
        assertThat(lms.coefficients(2)).containsExactly((float) -1.1474209235728234, (float) 0.250826366842182,
                (float) -0.006596257261446052);
        assertThat(lms.coefficients(3)).containsExactly((float) -0.029818891502419523,
                (float) 0.0007362825423076279, (float) -8.541093804890222e-05, (float) 4.890574500591583e-07);
    }

    @Test
    void coefficientsAreTheExactIntegralsUpToFloat32Rounding() {
        // The Lagrange basis integrated in closed form (double), against the 21-point Gauss-Kronrod rule over the
        // float32 integrand; they agree to the integrand's float32 rounding.
        float[] sigmas = sigmas(Samplers.lms(TimestepScheduleTest.sd(TimestepSpacing.LINSPACE), 20, 1.0));
        for (int t = 0; t < 20; t++) {
            int order = Math.min(t + 1, 4);
            for (int current = 0; current < order; current++) {
                double exact = exactIntegral(sigmas, order, t, current);
                double scale = Math.abs(sigmas[t + 1] - sigmas[t]);
                assertThat(LmsSampler.coefficient(sigmas, order, t, current)).as("t=%d current=%d", t, current)
                        .isCloseTo(exact, within(3e-7 * scale));
            }
        }
    }

    /** The Lagrange basis polynomial through sigmas[t - k], k < order, that is 1 at sigmas[t - current]. */
    private static double exactIntegral(float[] sigmas, int order, int t, int current) {
        double[] poly = {1};
        double denominator = 1;
        for (int k = 0; k < order; k++) {
            if (k == current) {
                continue;
            }
            double root = sigmas[t - k];
            double[] next = new double[poly.length + 1];
            for (int i = 0; i < poly.length; i++) {
                next[i + 1] += poly[i];
                next[i] -= root * poly[i];
            }
            poly = next;
            denominator *= (double) sigmas[t - current] - root;
        }
        double a = sigmas[t];
        double b = sigmas[t + 1];
        double sum = 0;
        for (int i = 0; i < poly.length; i++) {
            sum += poly[i] * (Math.pow(b, i + 1) - Math.pow(a, i + 1)) / (i + 1);
        }
        return sum / denominator;
    }

    @Test
    void epsilonTrajectory() {
        // Call 0 (order 1) is Euler's first step; calls 3 on use all four derivatives.
        List<float[]> x = run(Samplers.lms(SD15, 20, 1.0), 20, null);
        assertThat(x.get(0)).containsExactly(0.11341369f, -0.95972186f, 1.0332441f, -0.19319646f, -0.37716255f,
                0.8492781f, -1.5422812f, 0.35870183f);
        assertThat(x.get(1)).containsExactly(-0.0050240904f, -0.8542944f, 0.7229219f, -0.24767275f, -0.39326197f,
                0.57733274f, -1.3153269f, 0.18909484f);
        assertThat(x.get(2)).containsExactly(-0.08392462f, -0.77900517f, 0.51185876f, -0.28251904f, -0.40167573f,
                0.3927021f, -1.1563346f, 0.074950956f);
        assertThat(x.get(3)).containsExactly(-0.122770935f, -0.73366976f, 0.40085667f, -0.29731345f, -0.40203896f,
                0.29613113f, -1.0653006f, 0.016863078f);
        assertThat(x.get(4)).containsExactly(-0.14771782f, -0.70020074f, 0.325839f, -0.30557007f, -0.40028143f,
                0.23112766f, -1.00012f, -0.02143599f);
        assertThat(x.get(19)).containsExactly(-0.17419307f, -0.54967666f, 0.14765011f, -0.28147408f, -0.34584275f,
                0.08328149f, -0.7535105f, -0.088368185f);
    }

    @Test
    void vPredictionTrajectory() {
        List<float[]> x = run(Samplers.lms(SD21, 20, 1.0), 5, null);
        assertThat(x.get(0)).containsExactly(0.34190035f, -0.90091074f, 1.407167f, -0.013188535f, -0.22624186f,
                1.1941137f, -1.5755796f, 0.62597144f);
        assertThat(x.get(3)).containsExactly(0.12213582f, -0.40492252f, 0.5739001f, -0.028452277f, -0.11880515f,
                0.4835473f, -0.6910399f, 0.24260628f);
        assertThat(x.get(4)).containsExactly(0.08861263f, -0.32639948f, 0.4443373f, -0.029962266f, -0.1011072f,
                0.3731924f, -0.5516918f, 0.18347253f);
    }

    @Test
    void imageToImageWeighsItsFirstDerivativeAsDiffusersDoes() {
        // t_start = 5: diffusers' step uses order min(step_index + 1, 4) = 4 from the first call, with only one
        // derivative stored, so the first update is the first coefficient of the order-4 rule through sigmas 5, 4,
        // 3, 2, not Euler's step (0.43562385, ... in ImageToImageTest).
        Sampler lms = Samplers.lms(SD15, 20, 0.75);
        assertThat(lms.calls()).isEqualTo(15);
        assertThat(lms.timestep(0)).isEqualTo(736.1053f);
        assertThat(((LmsSampler) lms).coefficients(0)).hasSize(1);
        assertThat(ImageToImageTest.noised(lms)).containsExactly(-2.3990383f, -1.25f, 4.8990383f, -4.831731f,
                -2.2326922f, 2.666346f, 1.6653845f, -2.9653845f);
        List<float[]> x = run(lms, 2, null);
        assertThat(x.get(0)).containsExactly(0.38586396f, -1.134037f, 1.6886362f, -0.04839346f, -0.30894792f,
                1.4280818f, -1.9591261f, 0.7332699f);
        assertThat(x.get(1)).containsExactly(0.3710072f, -1.1135395f, 1.6434758f, -0.05314898f, -0.3076427f,
                1.388982f, -1.9194362f, 0.7103321f);

        Sampler short6 = Samplers.lms(SD15, 20, 0.3);
        assertThat(short6.calls()).isEqualTo(6);
        assertThat(short6.timestep(0)).isEqualTo(262.89474f);
        assertThat(ImageToImageTest.noised(short6)).containsExactly(-0.04728961f, -1.25f, 2.5472896f, -0.9121494f,
                -0.6648598f, 1.88243f, -1.4702805f, 0.17028046f);
        List<float[]> y = run(short6, 2, null);
        assertThat(y.get(0)).containsExactly(0.4827551f, -1.2194521f, 1.9417899f, -0.0035898467f, -0.2953968f,
                1.6499829f, -2.1435075f, 0.871831f);
        assertThat(y.get(1)).containsExactly(0.4823191f, -1.2168012f, 1.938708f, -0.0031438656f, -0.29442164f,
                1.6474302f, -2.1391807f, 0.8706894f);

        Sampler none = Samplers.lms(SD15, 20, 0.0);
        assertThat(none.calls()).isZero();
        assertThat(ImageToImageTest.noised(none)).containsExactly(X0);
    }

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void oneStepRunsInEverySpacing(TimestepSpacing spacing) {
        float[] x = run(Samplers.lms(TimestepScheduleTest.sd(spacing), 1, 1.0), 1, null).get(0);
        float[] expected = switch (spacing) {
            case LEADING -> new float[] {0.4979322f, -1.2448378f, 1.991735f, -2.065724e-06f, -0.29876265f,
                1.6929746f, -2.190913f, 0.89627963f};
            case LINSPACE -> new float[] {0.49854162f, -1.2463541f, 1.9941665f, 0.0f, -0.299125f, 1.6950415f,
                -2.1935833f, 0.89737487f};
            case TRAILING -> new float[] {-0.960734f, -0.15317082f, -1.652931f, -0.7300016f, -0.5915622f,
                -1.5144916f, 0.28522086f, -1.1453198f};
        };
        assertThat(x).containsExactly(expected);
    }

    @Test
    void dividesTheUnetInputLikeEuler() {
        Sampler lms = Samplers.lms(SD15, 20, 1.0);
        Sampler euler = Samplers.euler(SD15, 20, 1.0);
        float[] fromLms = new float[X0.length];
        float[] fromEuler = new float[X0.length];
        for (int call : new int[] {0, 7, 19}) {
            lms.scaleModelInput(call, X0, fromLms, 0);
            euler.scaleModelInput(call, X0, fromEuler, 0);
            assertThat(fromLms).containsExactly(fromEuler);
            assertThat(lms.inputScale(call)).isEqualTo(euler.inputScale(call));
        }
        // 1 / sqrt(14.614647^2 + 1)
        assertThat(lms.inputScale(0)).isEqualTo(0.06826489f);
    }

    @Test
    void neverDrawsNoise() {
        NoiseSource forbidden = count -> {
            throw new AssertionError("drew noise");
        };
        run(Samplers.lms(SD15, 20, 1.0), 20, forbidden);
    }

    @Test
    void refusesKarrasSigmasFromTheConfig() {
        NoiseScheduleConfig karras = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json(
                "{\"_class_name\": \"LMSDiscreteScheduler\", \"use_karras_sigmas\": true}"));
        assertThatThrownBy(() -> Samplers.lms(karras, 20, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use_karras_sigmas=true")
                .hasMessageContaining("lms sampler");
    }
}
