package dev.imagine.engine.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Timestep lists of each sampler for every spacing. Expected values come from a pure-Python re-implementation
 * of diffusers' {@code set_timesteps} (NumPy's linspace/arange/round emulated in float64), cross-checked
 * against the real diffusers scheduler classes run with NumPy 1.24.
 */
class TimestepScheduleTest {

    /** SD 1.x betas with steps_offset 1 and the given spacing, as if the file named it. */
    static NoiseScheduleConfig sd(TimestepSpacing spacing) {
        return new NoiseScheduleConfig("PNDMScheduler", 1000, 0.00085, 0.012, "scaled_linear", null,
                PredictionType.EPSILON, spacing, 1, false);
    }

    static float[] timesteps(Sampler sampler) {
        float[] out = new float[sampler.calls()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampler.timestep(i);
        }
        return out;
    }

    static float[] asFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    static Stream<Arguments> schedules() {
        return Stream.of(
                Arguments.of(TimestepSpacing.LEADING, 1,
                        new int[] {1},
                        new int[] {1},
                        new float[] {1.0f}),
                Arguments.of(TimestepSpacing.LEADING, 4,
                        new int[] {751, 501, 251, 1},
                        new int[] {751, 501, 501, 251, 1},
                        new float[] {751.0f, 501.0f, 251.0f, 1.0f}),
                Arguments.of(TimestepSpacing.LEADING, 20,
                        new int[] {951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201,
                            151, 101, 51, 1},
                        new int[] {951, 901, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251,
                            201, 151, 101, 51, 1},
                        new float[] {951.0f, 901.0f, 851.0f, 801.0f, 751.0f, 701.0f, 651.0f, 601.0f, 551.0f, 501.0f,
                            451.0f, 401.0f, 351.0f, 301.0f, 251.0f, 201.0f, 151.0f, 101.0f, 51.0f, 1.0f}),
                Arguments.of(TimestepSpacing.LEADING, 50,
                        new int[] {981, 961, 941, 921, 901, 881, 861, 841, 821, 801, 781, 761, 741, 721, 701, 681,
                            661, 641, 621, 601, 581, 561, 541, 521, 501, 481, 461, 441, 421, 401, 381, 361, 341,
                            321, 301, 281, 261, 241, 221, 201, 181, 161, 141, 121, 101, 81, 61, 41, 21, 1},
                        new int[] {981, 961, 961, 941, 921, 901, 881, 861, 841, 821, 801, 781, 761, 741, 721, 701,
                            681, 661, 641, 621, 601, 581, 561, 541, 521, 501, 481, 461, 441, 421, 401, 381, 361,
                            341, 321, 301, 281, 261, 241, 221, 201, 181, 161, 141, 121, 101, 81, 61, 41, 21, 1},
                        new float[] {981.0f, 961.0f, 941.0f, 921.0f, 901.0f, 881.0f, 861.0f, 841.0f, 821.0f, 801.0f,
                            781.0f, 761.0f, 741.0f, 721.0f, 701.0f, 681.0f, 661.0f, 641.0f, 621.0f, 601.0f, 581.0f,
                            561.0f, 541.0f, 521.0f, 501.0f, 481.0f, 461.0f, 441.0f, 421.0f, 401.0f, 381.0f, 361.0f,
                            341.0f, 321.0f, 301.0f, 281.0f, 261.0f, 241.0f, 221.0f, 201.0f, 181.0f, 161.0f, 141.0f,
                            121.0f, 101.0f, 81.0f, 61.0f, 41.0f, 21.0f, 1.0f}),
                Arguments.of(TimestepSpacing.LINSPACE, 1,
                        new int[] {0},
                        new int[] {0},
                        new float[] {0f}),
                Arguments.of(TimestepSpacing.LINSPACE, 4,
                        new int[] {999, 666, 333, 0},
                        new int[] {999, 666, 666, 333, 0},
                        new float[] {999.0f, 666.0f, 333.0f, 0f}),
                Arguments.of(TimestepSpacing.LINSPACE, 20,
                        new int[] {999, 946, 894, 841, 789, 736, 684, 631, 578, 526, 473, 421, 368, 315, 263, 210,
                            158, 105, 53, 0},
                        new int[] {999, 946, 946, 894, 841, 789, 736, 684, 631, 578, 526, 473, 421, 368, 315, 263,
                            210, 158, 105, 53, 0},
                        new float[] {999.0f, 946.4211f, 893.8421f, 841.2632f, 788.6842f, 736.1053f, 683.5263f,
                            630.9474f, 578.3684f, 525.7895f, 473.21054f, 420.6316f, 368.05264f, 315.4737f,
                            262.89474f, 210.3158f, 157.73685f, 105.1579f, 52.57895f, 0f}),
                Arguments.of(TimestepSpacing.LINSPACE, 50,
                        new int[] {999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693,
                            673, 652, 632, 612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367, 347,
                            326, 306, 285, 265, 245, 224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0},
                        new int[] {999, 979, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714,
                            693, 673, 652, 632, 612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367,
                            347, 326, 306, 285, 265, 245, 224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0},
                        new float[] {999.0f, 978.61224f, 958.2245f, 937.83673f, 917.449f, 897.0612f, 876.67346f,
                            856.2857f, 835.89795f, 815.5102f, 795.12244f, 774.7347f, 754.3469f, 733.95917f,
                            713.5714f, 693.18365f, 672.7959f, 652.40814f, 632.0204f, 611.6326f, 591.2449f,
                            570.8571f, 550.46936f, 530.0816f, 509.69388f, 489.30612f, 468.91837f, 448.5306f,
                            428.14285f, 407.7551f, 387.36734f, 366.97958f, 346.59183f, 326.20407f, 305.8163f,
                            285.42856f, 265.0408f, 244.65306f, 224.2653f, 203.87755f, 183.48979f, 163.10204f,
                            142.71428f, 122.32653f, 101.938774f, 81.55102f, 61.163265f, 40.77551f, 20.387754f, 0f}),
                Arguments.of(TimestepSpacing.TRAILING, 1,
                        new int[] {999},
                        new int[] {999},
                        new float[] {999.0f}),
                Arguments.of(TimestepSpacing.TRAILING, 4,
                        new int[] {999, 749, 499, 249},
                        new int[] {999, 749, 749, 499, 249},
                        new float[] {999.0f, 749.0f, 499.0f, 249.0f}),
                Arguments.of(TimestepSpacing.TRAILING, 20,
                        new int[] {999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 499, 449, 399, 349, 299, 249,
                            199, 149, 99, 49},
                        new int[] {999, 949, 949, 899, 849, 799, 749, 699, 649, 599, 549, 499, 449, 399, 349, 299,
                            249, 199, 149, 99, 49},
                        new float[] {999.0f, 949.0f, 899.0f, 849.0f, 799.0f, 749.0f, 699.0f, 649.0f, 599.0f, 549.0f,
                            499.0f, 449.0f, 399.0f, 349.0f, 299.0f, 249.0f, 199.0f, 149.0f, 99.0f, 49.0f}),
                Arguments.of(TimestepSpacing.TRAILING, 50,
                        new int[] {999, 979, 959, 939, 919, 899, 879, 859, 839, 819, 799, 779, 759, 739, 719, 699,
                            679, 659, 639, 619, 599, 579, 559, 539, 519, 499, 479, 459, 439, 419, 399, 379, 359,
                            339, 319, 299, 279, 259, 239, 219, 199, 179, 159, 139, 119, 99, 79, 59, 39, 19},
                        new int[] {999, 979, 979, 959, 939, 919, 899, 879, 859, 839, 819, 799, 779, 759, 739, 719,
                            699, 679, 659, 639, 619, 599, 579, 559, 539, 519, 499, 479, 459, 439, 419, 399, 379,
                            359, 339, 319, 299, 279, 259, 239, 219, 199, 179, 159, 139, 119, 99, 79, 59, 39, 19},
                        new float[] {999.0f, 979.0f, 959.0f, 939.0f, 919.0f, 899.0f, 879.0f, 859.0f, 839.0f, 819.0f,
                            799.0f, 779.0f, 759.0f, 739.0f, 719.0f, 699.0f, 679.0f, 659.0f, 639.0f, 619.0f, 599.0f,
                            579.0f, 559.0f, 539.0f, 519.0f, 499.0f, 479.0f, 459.0f, 439.0f, 419.0f, 399.0f, 379.0f,
                            359.0f, 339.0f, 319.0f, 299.0f, 279.0f, 259.0f, 239.0f, 219.0f, 199.0f, 179.0f, 159.0f,
                            139.0f, 119.0f, 99.0f, 79.0f, 59.0f, 39.0f, 19.0f})
        );
    }

    @ParameterizedTest(name = "{0} {1} steps")
    @MethodSource("schedules")
    void everySamplerUsesDiffusersTimesteps(TimestepSpacing spacing, int steps, int[] ddim, int[] plms,
            float[] euler) {
        NoiseScheduleConfig config = sd(spacing);
        assertThat(timesteps(Samplers.ddim(config, steps, 1.0))).containsExactly(asFloats(ddim));
        assertThat(timesteps(Samplers.pndm(config, steps, 1.0))).containsExactly(asFloats(plms));
        assertThat(timesteps(Samplers.euler(config, steps, 1.0))).containsExactly(euler);
        assertThat(timesteps(Samplers.eulerAncestral(config, steps, 1.0))).containsExactly(euler);
    }

    @ParameterizedTest
    @EnumSource(TimestepSpacing.class)
    void plmsCallsOnceMoreThanStepsFromTwoStepsOn(TimestepSpacing spacing) {
        assertThat(Samplers.pndm(sd(spacing), 1, 1.0).calls()).isEqualTo(1);
        assertThat(Samplers.pndm(sd(spacing), 2, 1.0).calls()).isEqualTo(3);
        assertThat(Samplers.pndm(sd(spacing), 20, 1.0).calls()).isEqualTo(21);
    }

    @Test
    void trailingSpacingInheritsNumpysExtraTimestep() {
        // np.arange(1000, 0, -1000/61) has 62 values (1000 / (1000/61) is just above 61), the last rounding to
        // -0, so diffusers' trailing DDIM and Euler run 62 timesteps ending at -1 (checked with NumPy 1.24).
        NoiseScheduleConfig config = sd(TimestepSpacing.TRAILING);
        Sampler ddim = Samplers.ddim(config, 61, 1.0);
        assertThat(ddim.calls()).isEqualTo(62);
        assertThat(ddim.timestep(58)).isEqualTo(48f);
        assertThat(ddim.timestep(61)).isEqualTo(-1f);
        Sampler euler = Samplers.euler(config, 61, 1.0);
        assertThat(euler.calls()).isEqualTo(62);
        assertThat(euler.timestep(60)).isEqualTo(15f);
        assertThat(euler.timestep(61)).isEqualTo(-1f);
    }

    @Test
    void turboStyleTrailingSpacing() {
        // SD-Turbo's scheduler config sets timestep_spacing "trailing": 1 step is [999], 2 are [999, 499], 4 are
        // [999, 749, 499, 249] for every sampler that spaces timesteps (LCM and Karras sigmas do not).
        NoiseScheduleConfig turbo = sd(TimestepSpacing.TRAILING);
        float[][] expected = {{999f}, {999f, 499f}, {999f, 749f, 499f, 249f}};
        int[] steps = {1, 2, 4};
        for (int i = 0; i < steps.length; i++) {
            int n = steps[i];
            for (Sampler sampler : List.of(Samplers.ddim(turbo, n, 1.0), Samplers.euler(turbo, n, 1.0),
                    Samplers.eulerAncestral(turbo, n, 1.0), Samplers.lms(turbo, n, 1.0),
                    Samplers.dpmpp2m(turbo, n, 1.0, false))) {
                assertThat(timesteps(sampler)).containsExactly(expected[i]);
            }
        }
        assertThat(timesteps(Samplers.lcm(turbo, 4, 1.0))).containsExactly(999f, 759f, 499f, 259f);
        assertThat(timesteps(Samplers.dpmpp2m(turbo, 4, 1.0, true))).containsExactly(999f, 687f, 146f, 0f);
    }
}
