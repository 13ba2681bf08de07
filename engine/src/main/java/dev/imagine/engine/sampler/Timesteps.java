package dev.imagine.engine.sampler;

/**
 * The timestep lists of diffusers' {@code set_timesteps}, built with NumPy's float64 rules (linspace, arange with
 * a fractional step, round half to even, interp) so that every value matches.
 */
final class Timesteps {
    private Timesteps() {
    }

    /** DDIMScheduler's integer timesteps, descending. Trailing spacing can give one more than {@code steps}. */
    static int[] ddim(TimestepSpacing spacing, int steps, int trainTimesteps, int stepsOffset) {
        int[] ascending = ascending(spacing, steps, trainTimesteps, stepsOffset);
        return reversed(ascending);
    }

    /**
     * PNDMScheduler's PLMS timesteps ({@code skip_prk_steps}), descending: the second-lowest timestep is repeated,
     * so {@code steps + 1} calls for two or more steps.
     */
    static int[] plms(TimestepSpacing spacing, int steps, int trainTimesteps, int stepsOffset) {
        int[] a = ascending(spacing, steps, trainTimesteps, stepsOffset);
        int n = a.length;
        int[] seq;
        if (n < 2) {
            seq = a.clone();
        } else {
            seq = new int[n + 1];
            System.arraycopy(a, 0, seq, 0, n - 1);
            seq[n - 1] = a[n - 2];
            seq[n] = a[n - 1];
        }
        return reversed(seq);
    }

    /** EulerDiscreteScheduler's float32 timesteps, descending (linspace gives fractions like 946.4211). */
    static float[] euler(TimestepSpacing spacing, int steps, int trainTimesteps, int stepsOffset) {
        float[] out;
        switch (spacing) {
            case LINSPACE -> {
                double[] values = linspace(0, trainTimesteps - 1, steps);
                out = new float[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (float) values[steps - 1 - i];
                }
            }
            case LEADING -> {
                int ratio = trainTimesteps / steps;
                out = new float[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (float) ((long) (steps - 1 - i) * ratio) + stepsOffset;
                }
            }
            case TRAILING -> {
                double[] values = arange(trainTimesteps, 0, -((double) trainTimesteps / steps));
                out = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = (float) Math.rint(values[i]) - 1f;
                }
            }
            default -> throw new IllegalArgumentException("unknown spacing " + spacing);
        }
        return out;
    }

    private static int[] ascending(TimestepSpacing spacing, int steps, int trainTimesteps, int stepsOffset) {
        switch (spacing) {
            case LINSPACE -> {
                double[] values = linspace(0, trainTimesteps - 1, steps);
                int[] out = new int[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (int) Math.rint(values[i]);
                }
                return out;
            }
            case LEADING -> {
                int ratio = trainTimesteps / steps;
                int[] out = new int[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = i * ratio + stepsOffset;
                }
                return out;
            }
            case TRAILING -> {
                double[] values = arange(trainTimesteps, 0, -((double) trainTimesteps / steps));
                int[] out = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[values.length - 1 - i] = (int) Math.rint(values[i]) - 1;
                }
                return out;
            }
            default -> throw new IllegalArgumentException("unknown spacing " + spacing);
        }
    }

    /** {@code np.linspace(start, stop, count)}: {@code i * step + start}, the last value exactly {@code stop}. */
    static double[] linspace(double start, double stop, int count) {
        double[] out = new double[count];
        if (count == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++) {
            out[i] = i * step + start;
        }
        out[count - 1] = stop;
        return out;
    }

    /**
     * {@code np.arange(start, stop, step)} for float steps: {@code ceil((stop - start) / step)} values, filled as
     * {@code start + i * delta} with {@code delta = (start + step) - start}. The length can exceed the intended one
     * (1000 / (1000 / 61) is just above 61), and diffusers inherits that extra timestep.
     */
    static double[] arange(double start, double stop, double step) {
        int count = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] out = new double[count];
        if (count == 0) {
            return out;
        }
        out[0] = start;
        if (count > 1) {
            out[1] = start + step;
            double delta = out[1] - start;
            for (int i = 2; i < count; i++) {
                out[i] = start + i * delta;
            }
        }
        return out;
    }

    /** {@code np.interp(x, arange(len(fp)), fp)} in float64, clamping outside the range. */
    static double interp(double x, float[] fp) {
        int last = fp.length - 1;
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 0) {
            return fp[0];
        }
        if (x >= last) {
            return fp[last];
        }
        int j = (int) Math.floor(x);
        if (j == x) {
            return fp[j];
        }
        double slope = (double) fp[j + 1] - fp[j];
        return slope * (x - j) + fp[j];
    }

    private static int[] reversed(int[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[values.length - 1 - i];
        }
        return out;
    }
}
