package dev.imagine.engine.sampler;

import java.util.Locale;

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

    /**
     * DPMSolverMultistepScheduler's integer timesteps, descending: {@code steps + 1} points over
     * {@code [0, lastTimestep)} without the lowest for linspace and leading, the trailing list of DDIM otherwise
     * (which NumPy's arange can lengthen by one, as for DDIM).
     *
     * @param lastTimestep {@code trainTimesteps} less the timesteps that {@code lambda_min_clipped} cuts off
     */
    static int[] dpmSolver(TimestepSpacing spacing, int steps, int trainTimesteps, int lastTimestep,
            int stepsOffset) {
        switch (spacing) {
            case LINSPACE -> {
                double[] values = linspace(0, lastTimestep - 1, steps + 1);
                int[] out = new int[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (int) Math.rint(values[steps - i]);
                }
                return out;
            }
            case LEADING -> {
                int ratio = lastTimestep / (steps + 1);
                int[] out = new int[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (steps - i) * ratio + stepsOffset;
                }
                return out;
            }
            case TRAILING -> {
                double[] values = arange(lastTimestep, 0, -((double) trainTimesteps / steps));
                int[] out = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = (int) Math.rint(values[i]) - 1;
                }
                return out;
            }
            default -> throw new IllegalArgumentException("unknown spacing " + spacing);
        }
    }

    /**
     * LCMScheduler's timesteps, descending: of the origin timesteps {@code k - 1, 2k - 1, ...} ({@code k = T /
     * originalSteps}, the first {@code (int) (originalSteps * strength)} of them) reversed, those at indices
     * {@code floor(linspace(0, count, steps, endpoint=False))}.
     *
     * @throws IllegalArgumentException when {@code steps} exceeds {@code originalSteps} or strength leaves fewer
     *     origin timesteps than {@code steps}
     */
    static int[] lcm(int steps, int trainTimesteps, int originalSteps, double strength) {
        if (originalSteps > trainTimesteps) {
            throw new IllegalArgumentException("original_inference_steps (" + originalSteps
                    + ") must not exceed num_train_timesteps (" + trainTimesteps + ")");
        }
        if (steps > originalSteps) {
            throw new IllegalArgumentException("the lcm sampler takes at most " + originalSteps
                    + " steps with this model (its original_inference_steps), got " + steps);
        }
        int k = trainTimesteps / originalSteps;
        int count = (int) (originalSteps * strength);
        if (count / steps < 1) {
            double least = Math.ceil(100.0 * steps / originalSteps) / 100;
            while ((int) (originalSteps * least) < steps) {
                least += 0.01;
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "strength %s is too low for %d lcm steps: it needs at least %.2f; raise the strength or use "
                            + "fewer steps", strength, steps, least));
        }
        double stride = (double) count / steps;
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(i * stride);
            out[i] = (count - index) * k - 1;
        }
        return out;
    }

    /**
     * Karras et al.'s noise levels ({@code _convert_to_karras}, rho 7): {@code steps} values from
     * {@code sigmaMax} down to {@code sigmaMin}, evenly spaced in {@code sigma^(1/7)}, in float64.
     */
    static double[] karrasSigmas(double sigmaMin, double sigmaMax, int steps) {
        double rho = 7.0;
        double minInvRho = StrictMath.pow(sigmaMin, 1 / rho);
        double maxInvRho = StrictMath.pow(sigmaMax, 1 / rho);
        double[] ramp = linspace(0, 1, steps);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = StrictMath.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return out;
    }

    /**
     * diffusers' {@code _sigma_to_t}: the fractional trained timestep whose log-sigma is {@code log(sigma)},
     * interpolating linearly between neighbours of the float32 {@code logSigmas} (ascending), clamped to the
     * trained range. The differences are taken in float64, as NumPy 2 computes them; NumPy 1.x's value-based casting
     * takes them in float32, which can move the result across a rounding or truncation boundary in rare cases.
     */
    static double sigmaToT(double sigma, float[] logSigmas) {
        double logSigma = StrictMath.log(Math.max(sigma, 1e-10));
        int lastBelow = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                lastBelow = i;
            }
        }
        int low = Math.min(lastBelow, logSigmas.length - 2);
        float lowLog = logSigmas[low];
        float highLog = logSigmas[low + 1];
        double w = (lowLog - logSigma) / (float) (lowLog - highLog);
        w = Math.min(Math.max(w, 0), 1);
        return (1 - w) * low + w * (low + 1);
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
