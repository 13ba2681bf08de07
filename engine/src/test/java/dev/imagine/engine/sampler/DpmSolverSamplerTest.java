package dev.imagine.engine.sampler;

import static dev.imagine.engine.sampler.SamplerStepTest.SD15;
import static dev.imagine.engine.sampler.SamplerStepTest.SD21;
import static dev.imagine.engine.sampler.SamplerStepTest.X0;
import static dev.imagine.engine.sampler.SamplerStepTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DPM-Solver++(2M) with and without Karras sigmas. Expected values come from diffusers' own
 * {@code DPMSolverMultistepScheduler} (scheduling_dpmsolver_multistep.py of diffusers' main branch, August 2026)
 * run with PyTorch 1.13 and NumPy 1.24 on the CPU, configured with {@code algorithm_type="dpmsolver++"},
 * {@code solver_order=2}, midpoint, and stepped as diffusers' pipelines step it ({@code set_begin_index} for
 * image-to-image). Two adjustments make those runs comparable bit for bit: the schedule is passed as
 * {@code trained_betas} equal to {@link NoiseSchedule}'s betas (this machine's PyTorch AVX2 {@code linspace}
 * rounds a few betas differently), and its float32 {@code torch.exp}/{@code torch.log}, which are sometimes one
 * ulp off, are replaced by correctly rounded ones; without that swap the trajectories below differ by at most
 * 10 ulps (7e-7 relative).
 */
class DpmSolverSamplerTest {

    static DpmSolverSampler dpm(NoiseScheduleConfig config, int steps, double strength, boolean karras) {
        return (DpmSolverSampler) Samplers.dpmpp2m(config, steps, strength, karras);
    }

    static float[] sigmas(DpmSolverSampler sampler) {
        float[] out = new float[sampler.calls() + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampler.sigma(i);
        }
        return out;
    }

    static Stream<Arguments> schedules() {
        // karras, spacing, steps, timesteps, CRC32 of the float32 sigmas (final 0 included), first sigma, middle
        // sigma (index (steps + 1) / 2), sigma of the last step.
        return Stream.of(
                Arguments.of(false, TimestepSpacing.LEADING, 1, new int[] {501},
                        0xf1cf07a4L, 1.623693f, 0.0f, 1.623693f),
                Arguments.of(false, TimestepSpacing.LEADING, 4, new int[] {801, 601, 401, 201},
                        0xa6254637L, 5.1344333f, 1.1682165f, 0.5740507f),
                Arguments.of(false, TimestepSpacing.LEADING, 20, new int[] {941, 894, 847, 800, 753, 706, 659, 612, 565,
                        518, 471, 424, 377, 330, 283, 236, 189, 142, 95, 48},
                        0x177f670bL, 10.425045f, 1.4698153f, 0.22041033f),
                Arguments.of(false, TimestepSpacing.LEADING, 50, new int[] {951, 932, 913, 894, 875, 856, 837, 818, 799,
                        780, 761, 742, 723, 704, 685, 666, 647, 628, 609, 590, 571, 552, 533, 514, 495, 476, 457, 438,
                        419, 400, 381, 362, 343, 324, 305, 286, 267, 248, 229, 210, 191, 172, 153, 134, 115, 96, 77, 58,
                        39, 20},
                        0x33dd70c3L, 11.028336f, 1.4942911f, 0.13799095f),
                Arguments.of(false, TimestepSpacing.LINSPACE, 1, new int[] {999},
                        0x2ad473a4L, 14.614647f, 0.0f, 14.614647f),
                Arguments.of(false, TimestepSpacing.LINSPACE, 4, new int[] {999, 749, 500, 250},
                        0x936175c7L, 14.614647f, 1.6182797f, 0.69579947f),
                Arguments.of(false, TimestepSpacing.LINSPACE, 20, new int[] {999, 949, 899, 849, 799, 749, 699, 649,
                        599, 549, 500, 450, 400, 350, 300, 250, 200, 150, 100, 50},
                        0xa8d98f2eL, 14.614647f, 1.6182797f, 0.22558255f),
                Arguments.of(false, TimestepSpacing.LINSPACE, 50, new int[] {999, 979, 959, 939, 919, 899, 879, 859,
                        839, 819, 799, 779, 759, 739, 719, 699, 679, 659, 639, 619, 599, 579, 559, 539, 519, 500, 480,
                        460, 440, 420, 400, 380, 360, 340, 320, 300, 280, 260, 240, 220, 200, 180, 160, 140, 120, 100,
                        80, 60, 40, 20},
                        0x3011b081L, 14.614647f, 1.6182797f, 0.13799095f),
                Arguments.of(false, TimestepSpacing.TRAILING, 1, new int[] {999},
                        0x2ad473a4L, 14.614647f, 0.0f, 14.614647f),
                Arguments.of(false, TimestepSpacing.TRAILING, 4, new int[] {999, 749, 499, 249},
                        0x0de80fa6L, 14.614647f, 1.612887f, 0.6932054f),
                Arguments.of(false, TimestepSpacing.TRAILING, 20, new int[] {999, 949, 899, 849, 799, 749, 699, 649,
                        599, 549, 499, 449, 399, 349, 299, 249, 199, 149, 99, 49},
                        0x5d8e8ea3L, 14.614647f, 1.612887f, 0.22300382f),
                Arguments.of(false, TimestepSpacing.TRAILING, 50, new int[] {999, 979, 959, 939, 919, 899, 879, 859,
                        839, 819, 799, 779, 759, 739, 719, 699, 679, 659, 639, 619, 599, 579, 559, 539, 519, 499, 479,
                        459, 439, 419, 399, 379, 359, 339, 319, 299, 279, 259, 239, 219, 199, 179, 159, 139, 119, 99,
                        79, 59, 39, 19},
                        0x7dbe6dd7L, 14.614647f, 1.612887f, 0.13445081f),
                Arguments.of(true, TimestepSpacing.LEADING, 1, new int[] {999},
                        0x2ad473a4L, 14.614647f, 0.0f, 14.614647f),
                Arguments.of(true, TimestepSpacing.LEADING, 4, new int[] {999, 687, 146, 0},
                        0xfa4b58dcL, 14.614647f, 0.4469209f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.LEADING, 20, new int[] {999, 962, 921, 876, 827, 772, 710, 640, 561,
                        474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0},
                        0xfa6978e7L, 14.614647f, 1.0907905f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.LEADING, 50, new int[] {999, 985, 970, 955, 940, 924, 907, 890, 871,
                        853, 833, 813, 791, 769, 746, 721, 696, 669, 641, 612, 581, 549, 516, 481, 446, 409, 372, 335,
                        299, 263, 228, 195, 165, 137, 112, 90, 71, 55, 42, 32, 23, 17, 12, 8, 6, 4, 2, 1, 1, 0},
                        0xe34a19b6L, 14.614647f, 1.200116f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.LINSPACE, 1, new int[] {999},
                        0x2ad473a4L, 14.614647f, 0.0f, 14.614647f),
                Arguments.of(true, TimestepSpacing.LINSPACE, 4, new int[] {999, 687, 146, 0},
                        0xfa4b58dcL, 14.614647f, 0.4469209f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.LINSPACE, 20, new int[] {999, 962, 921, 876, 827, 772, 710, 640, 561,
                        474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0},
                        0xfa6978e7L, 14.614647f, 1.0907905f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.LINSPACE, 50, new int[] {999, 985, 970, 955, 940, 924, 907, 890, 871,
                        853, 833, 813, 791, 769, 746, 721, 696, 669, 641, 612, 581, 549, 516, 481, 446, 409, 372, 335,
                        299, 263, 228, 195, 165, 137, 112, 90, 71, 55, 42, 32, 23, 17, 12, 8, 6, 4, 2, 1, 1, 0},
                        0xe34a19b6L, 14.614647f, 1.200116f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.TRAILING, 1, new int[] {999},
                        0x2ad473a4L, 14.614647f, 0.0f, 14.614647f),
                Arguments.of(true, TimestepSpacing.TRAILING, 4, new int[] {999, 687, 146, 0},
                        0xfa4b58dcL, 14.614647f, 0.4469209f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.TRAILING, 20, new int[] {999, 962, 921, 876, 827, 772, 710, 640, 561,
                        474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0},
                        0xfa6978e7L, 14.614647f, 1.0907905f, 0.029167533f),
                Arguments.of(true, TimestepSpacing.TRAILING, 50, new int[] {999, 985, 970, 955, 940, 924, 907, 890, 871,
                        853, 833, 813, 791, 769, 746, 721, 696, 669, 641, 612, 581, 549, 516, 481, 446, 409, 372, 335,
                        299, 263, 228, 195, 165, 137, 112, 90, 71, 55, 42, 32, 23, 17, 12, 8, 6, 4, 2, 1, 1, 0},
                        0xe34a19b6L, 14.614647f, 1.200116f, 0.029167533f)
        );
    }

    @ParameterizedTest(name = "karras={0} {1} {2} steps")
    @MethodSource("schedules")
    void timestepsAndNoiseLevels(boolean karras, TimestepSpacing spacing, int steps, int[] timesteps, long crc,
            float first, float middle, float lastStep) {
        DpmSolverSampler sampler = dpm(TimestepScheduleTest.sd(spacing), steps, 1.0, karras);

        assertThat(TimestepScheduleTest.timesteps(sampler)).containsExactly(TimestepScheduleTest.asFloats(timesteps));
        float[] sigmas = sigmas(sampler);
        assertThat(NoiseScheduleTest.crc(sigmas)).isEqualTo(crc);
        assertThat(sigmas[0]).isEqualTo(first);
        assertThat(sigmas[sigmas.length / 2]).isEqualTo(middle);
        assertThat(sigmas[steps - 1]).isEqualTo(lastStep);
        assertThat(sigmas[steps]).isZero();
        assertThat(sampler.initNoiseSigma()).isEqualTo(1f);
    }

    @Test
    void fourStepNoiseLevels() {
        assertThat(sigmas(dpm(SD15, 4, 1.0, false))).containsExactly(14.614647f, 4.081731f, 1.6182797f,
                0.69579947f, 0f);
        // Karras: (14.614647^(1/7) + ramp * (0.029167533^(1/7) - 14.614647^(1/7)))^7 at ramp 0, 1/3, 2/3, 1.
        assertThat(sigmas(dpm(SD15, 4, 1.0, true))).containsExactly(14.614647f, 3.168611f, 0.4469209f,
                0.029167533f, 0f);
    }

    @Test
    void turboStyleTrailingTimesteps() {
        NoiseScheduleConfig turbo = TimestepScheduleTest.sd(TimestepSpacing.TRAILING);
        assertThat(TimestepScheduleTest.timesteps(dpm(turbo, 1, 1.0, false))).containsExactly(999f);
        assertThat(TimestepScheduleTest.timesteps(dpm(turbo, 2, 1.0, false))).containsExactly(999f, 499f);
        assertThat(TimestepScheduleTest.timesteps(dpm(turbo, 4, 1.0, false))).containsExactly(999f, 749f, 499f,
                249f);
    }

    @Test
    void epsilonTrajectory() {
        // Call 0 is first-order, calls 1..18 second-order, call 19 (the last, to sigma 0) first-order again.
        List<float[]> x = run(Samplers.dpmpp2m(SD15, 20, 1.0, false), 20, null);
        assertThat(x.get(0)).containsExactly(0.63502806f, -1.6468097f, 2.590889f, -0.016925568f, -0.40809774f,
                2.1997168f, -2.8855217f, 1.1565909f);
        assertThat(x.get(1)).containsExactly(0.7953787f, -2.1137078f, 3.288881f, -0.035788793f, -0.5344893f,
                2.7901807f, -3.6929262f, 1.4603127f);
        assertThat(x.get(2)).containsExactly(0.98264927f, -2.6562676f, 4.1017203f, -0.05704123f, -0.6808555f,
                3.4779062f, -4.63168f, 1.8144016f);
        assertThat(x.get(18)).containsExactly(4.7809415f, -13.516023f, 20.464054f, -0.44676366f, -3.5833871f,
                17.327429f, -23.448666f, 8.963104f);
        assertThat(x.get(19)).containsExactly(4.792663f, -13.551319f, 20.516077f, -0.4484757f, -3.5931594f,
                17.371391f, -23.509485f, 8.985573f);
    }

    @Test
    void vPredictionTrajectory() {
        List<float[]> x = run(Samplers.dpmpp2m(SD21, 20, 1.0, false), 20, null);
        assertThat(x.get(0)).containsExactly(0.49755427f, -1.2479297f, 1.9936833f, -0.001155422f, -0.30038124f,
                1.6944575f, -2.1954782f, 0.896522f);
        assertThat(x.get(1)).containsExactly(0.49478084f, -1.2455806f, 1.986519f, -0.0024652532f, -0.30081293f,
                1.6881715f, -2.1903481f, 0.89257765f);
        assertThat(x.get(19)).containsExactly(0.39699978f, -1.0782824f, 1.6615273f, -0.024509469f, -0.27741498f,
                1.4086219f, -1.8791504f, 0.7342069f);
    }

    @Test
    void karrasTrajectories() {
        List<float[]> x = run(Samplers.dpmpp2m(SD15, 20, 1.0, true), 20, null);
        assertThat(x.get(0)).containsExactly(0.5978641f, -1.5375834f, 2.4282477f, -0.012263771f, -0.37834048f,
                2.062171f, -2.6968265f, 1.0859663f);
        assertThat(x.get(1)).containsExactly(0.72054744f, -1.8953862f, 2.9627767f, -0.026862178f, -0.47530797f,
                2.5143306f, -3.3154647f, 1.3184752f);
        assertThat(x.get(2)).containsExactly(0.8758587f, -2.3461704f, 3.6375983f, -0.04472105f, -0.59706897f,
                3.0852501f, -4.095272f, 1.6123226f);
        assertThat(x.get(19)).containsExactly(4.776984f, -13.495312f, 20.438948f, -0.44367284f, -3.5760672f,
                17.306551f, -23.414564f, 8.953506f);

        List<float[]> v = run(Samplers.dpmpp2m(SD21, 20, 1.0, true), 20, null);
        assertThat(v.get(1)).containsExactly(0.49614146f, -1.2468342f, 1.9901205f, -0.0018515628f, -0.30064738f,
                1.6913247f, -2.193021f, 0.89453584f);
        assertThat(v.get(19)).containsExactly(0.4113695f, -1.1144236f, 1.7191929f, -0.024571396f, -0.28613597f,
                1.4576281f, -1.9427114f, 0.76012236f);
    }

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void oneStepIsTheCleanLatentPrediction(TimestepSpacing spacing) {
        // One first-order step to sigma 0: h is infinite, exp(-h) = 0, and the result is x0 itself.
        NoiseScheduleConfig config = TimestepScheduleTest.sd(spacing);
        float[] fromTop = {5.8636756f, -17.214195f, 25.644709f, -0.7300016f, -4.6862082f, 21.688503f, -29.742182f,
            11.1386175f};
        assertThat(run(Samplers.dpmpp2m(config, 1, 1.0, true), 1, null).get(0)).containsExactly(fromTop);
        float[] plain = run(Samplers.dpmpp2m(config, 1, 1.0, false), 1, null).get(0);
        if (spacing == TimestepSpacing.LEADING) {
            // Leading spaces steps + 1 points and drops the lowest: one step runs from timestep 501.
            assertThat(Samplers.dpmpp2m(config, 1, 1.0, false).timestep(0)).isEqualTo(501f);
            assertThat(plain).containsExactly(0.8316065f, -2.2213736f, 3.4484465f, -0.04067351f, -0.56404155f,
                    2.9250789f, -3.8787055f, 1.5294305f);
        } else {
            assertThat(plain).containsExactly(fromTop);
        }
    }

    @Test
    void imageToImageCutsAndNoisesLikeDiffusers() {
        // t_start = 20 - int(20 * 0.75) = 5; add_noise uses alpha = 1 / sqrt(s^2 + 1), sigma = s * alpha of the
        // first kept noise level; the run starts with a first-order step.
        DpmSolverSampler plain = dpm(SD15, 20, 0.75, false);
        assertThat(plain.calls()).isEqualTo(15);
        assertThat(plain.timestep(0)).isEqualTo(749f);
        assertThat(ImageToImageTest.noised(plain)).containsExactly(-0.60947835f, -0.297446f, 1.2043704f,
                -1.2140946f, -0.5570249f, 0.64734554f, 0.44777066f, -0.7571145f);
        List<float[]> x = run(plain, 2, null);
        assertThat(x.get(0)).containsExactly(0.58664507f, -1.4953587f, 2.3712196f, -0.008213138f, -0.3651281f,
                2.0143049f, -2.6255894f, 1.0625316f);
        assertThat(x.get(1)).containsExactly(0.67919886f, -1.7551476f, 2.7657814f, -0.016328681f, -0.43364525f,
                2.3484652f, -3.0766501f, 1.2356209f);

        DpmSolverSampler karras = dpm(SD15, 20, 0.3, true);
        assertThat(karras.calls()).isEqualTo(6);
        assertThat(karras.timestep(0)).isEqualTo(69f);
        assertThat(karras.timestep(1)).isEqualTo(35f);
        assertThat(ImageToImageTest.noised(karras)).containsExactly(0.28479517f, -1.2058591f, 2.126923f,
                -0.32924747f, -0.4211052f, 1.7058179f, -1.8589141f, 0.60482055f);
        List<float[]> k = run(karras, 2, null);
        assertThat(k.get(0)).containsExactly(0.5050586f, -1.2637018f, 2.021139f, -0.00030153187f, -0.3035176f,
                1.7179228f, -2.223886f, 0.90934664f);
        assertThat(k.get(1)).containsExactly(0.5065934f, -1.2677242f, 2.027437f, -0.000354465f, -0.3045232f,
                1.7232682f, -2.2309248f, 0.91215163f);
    }

    @Test
    void zeroStrengthLeavesTheImageAlone() {
        for (boolean karras : new boolean[] {false, true}) {
            Sampler sampler = Samplers.dpmpp2m(SD15, 20, 0.0, karras);
            assertThat(sampler.calls()).isZero();
            assertThat(ImageToImageTest.noised(sampler)).containsExactly(X0);
        }
    }

    @Test
    void neverDrawsNoiseNorScalesTheInput() {
        NoiseSource forbidden = count -> {
            throw new AssertionError("drew noise");
        };
        run(Samplers.dpmpp2m(SD15, 20, 1.0, false), 20, forbidden);
        run(Samplers.dpmpp2m(SD15, 20, 1.0, true), 20, forbidden);
        Sampler sampler = Samplers.dpmpp2m(SD15, 20, 1.0, false);
        float[] target = new float[X0.length];
        sampler.scaleModelInput(0, X0, target, 0);
        assertThat(target).containsExactly(X0);
        assertThat(sampler.inputScale(19)).isEqualTo(1f);
    }

    @Test
    void lambdaMinClippedDropsTheNoisiestTimesteps() {
        // lambda(t) = log(sqrt(acp)) - log(sqrt(1 - acp)) falls below -2 for the last 123 trained timesteps of
        // SD 1.x, so the schedule is spaced over [0, 877) instead of [0, 1000); trailing keeps its stride T / steps.
        NoiseScheduleConfig linspace = clipped(TimestepSpacing.LINSPACE, -2.0);
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(linspace, 4, 1.0, false)))
                .containsExactly(876f, 657f, 438f, 219f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(clipped(TimestepSpacing.LEADING, -2.0), 4, 1.0,
                false))).containsExactly(701f, 526f, 351f, 176f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(clipped(TimestepSpacing.TRAILING, -2.0), 4, 1.0,
                false))).containsExactly(876f, 626f, 376f, 126f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(clipped(TimestepSpacing.LINSPACE, -2.5), 4, 1.0,
                false))).containsExactly(968f, 726f, 484f, 242f);
        // Karras sigmas always span the whole trained range.
        assertThat(Samplers.dpmpp2m(linspace, 4, 1.0, true).timestep(0)).isEqualTo(999f);
    }

    private static NoiseScheduleConfig clipped(TimestepSpacing spacing, double lambdaMinClipped) {
        return new NoiseScheduleConfig("DPMSolverMultistepScheduler", 1000, 0.00085, 0.012, "scaled_linear", null,
                PredictionType.EPSILON, spacing, 1, false, false, 1.0, 50, 10.0, lambdaMinClipped,
                Set.of(), Map.of());
    }

    @Test
    void karrasTimestepsAreTruncatedOnTheCosineSchedule() {
        // diffusers skips the rounding for squaredcos_cap_v2, and the int64 cast truncates. sigma_max maps back to
        // 998.99999996 in float64, as diffusers' _sigma_to_t computes under NumPy 2 (checked with NumPy 2.4); NumPy
        // 1.x's value-based casting subtracts the log-sigmas in float32 there and gets exactly 999.
        NoiseScheduleConfig cosine = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json(
                "{\"beta_schedule\": \"squaredcos_cap_v2\"}"));
        DpmSolverSampler sampler = dpm(cosine, 4, 1.0, true);
        assertThat(TimestepScheduleTest.timesteps(sampler)).containsExactly(998f, 998f, 983f, 0f);
        assertThat(NoiseScheduleTest.crc(sigmas(sampler))).isEqualTo(0x57da6f38L);
        assertThat(sampler.sigma(0)).isEqualTo(20291.303f);
        assertThat(sampler.sigma(3)).isEqualTo(0.006427109f);
    }

    @Test
    void theSamplerNameDecidesKarrasAndRefusesOptionsItCannotFollow() {
        NoiseScheduleConfig karrasConfig = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("""
                {"_class_name": "DPMSolverMultistepScheduler", "beta_schedule": "scaled_linear",
                 "beta_start": 0.00085, "beta_end": 0.012, "use_karras_sigmas": true, "solver_order": 3,
                 "algorithm_type": "sde-dpmsolver++"}"""));
        assertThat(karrasConfig.usesKarrasSigmas()).isTrue();
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(karrasConfig, 4, 1.0, false)))
                .containsExactly(999f, 749f, 500f, 250f);
        assertThat(TimestepScheduleTest.timesteps(Samplers.dpmpp2m(karrasConfig, 4, 1.0, true)))
                .containsExactly(999f, 687f, 146f, 0f);

        for (String option : new String[] {"\"thresholding\": true", "\"use_lu_lambdas\": true",
            "\"final_sigmas_type\": \"sigma_min\"", "\"variance_type\": \"learned_range\"",
            "\"use_exponential_sigmas\": true"}) {
            NoiseScheduleConfig config = NoiseScheduleConfig.parse(NoiseScheduleConfigTest.json("{" + option + "}"));
            assertThatThrownBy(() -> Samplers.dpmpp2m(config, 20, 1.0, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dpmpp-2m sampler does not support");
            assertThatThrownBy(() -> Samplers.dpmpp2m(config, 20, 1.0, true))
                    .hasMessageContaining("dpmpp-2m-karras sampler does not support");
        }
    }
}
