package dev.imagine.engine.sampler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trained noise levels: betas and their running alpha products, in float32 exactly as diffusers computes
 * them with PyTorch on the CPU.
 */
final class NoiseSchedule {
    /**
     * Schedules made so far, by configuration: each job makes a sampler, and working out a thousand levels again
     * cost about 0.1 ms per job. A server has a model or a few, each with a configuration per sampler, so a handful
     * are kept; past {@link #KEPT} the map starts again.
     */
    private static final Map<NoiseScheduleConfig, NoiseSchedule> MADE = new ConcurrentHashMap<>();
    private static final int KEPT = 64;

    private final float[] alphasCumprod;
    private final float[] trainedSigmas;

    private NoiseSchedule(float[] alphasCumprod) {
        this.alphasCumprod = alphasCumprod;
        this.trainedSigmas = new float[alphasCumprod.length];
        for (int i = 0; i < trainedSigmas.length; i++) {
            float a = alphasCumprod[i];
            trainedSigmas[i] = (float) Math.sqrt((1f - a) / a);
        }
    }

    /** The schedule of {@code config}; equal configurations share one (it never changes). */
    static NoiseSchedule of(NoiseScheduleConfig config) {
        NoiseSchedule made = MADE.get(config);
        if (made == null) {
            made = new NoiseSchedule(alphasCumprod(betas(config)));
            if (MADE.size() >= KEPT) {
                MADE.clear();
            }
            MADE.put(config, made);
        }
        return made;
    }

    int trainTimesteps() {
        return alphasCumprod.length;
    }

    /**
     * The alpha product at trained timestep {@code t}; negative {@code t} counts from the end, as indexing a torch
     * tensor does (diffusers' trailing spacing can yield timestep -1).
     *
     * @throws IllegalArgumentException when {@code t} is past the trained timesteps
     */
    float alphaCumprod(int t) {
        int n = alphasCumprod.length;
        if (t >= n || t < -n) {
            throw new IllegalArgumentException("timestep " + t + " is outside the model's " + n
                    + " trained timesteps; use fewer steps or a smaller steps_offset");
        }
        return alphasCumprod[t < 0 ? t + n : t];
    }

    /**
     * {@code sqrt((1 - acp) / acp)} for every trained timestep, in float32; the schedule's own array, shared by every
     * sampler using it, so callers only read it.
     */
    float[] trainedSigmas() {
        return trainedSigmas;
    }

    static float[] betas(NoiseScheduleConfig config) {
        float[] trained = config.trainedBetas();
        if (trained != null) {
            return trained;
        }
        int count = config.trainTimesteps();
        switch (config.betaSchedule()) {
            case "linear":
                return torchLinspace(config.betaStart(), config.betaEnd(), count);
            case "scaled_linear":
                float[] roots = torchLinspace(Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), count);
                for (int i = 0; i < count; i++) {
                    roots[i] = roots[i] * roots[i];
                }
                return roots;
            case "squaredcos_cap_v2":
                return cosineBetas(count);
            default:
                throw new IllegalArgumentException("beta_schedule '" + config.betaSchedule() + "' is not supported");
        }
    }

    /**
     * {@code torch.linspace(start, end, count, dtype=float32)} on the CPU: element i is {@code start + step*i} in
     * the first half and {@code end - step*(count-1-i)} in the second. The AVX2, AVX-512 and aarch64 builds of
     * PyTorch compile each of these to one fused multiply-add; this matches PyTorch 1.13 bit for bit on all three
     * beta schedules of Stable Diffusion.
     */
    static float[] torchLinspace(double start, double end, int count) {
        float first = (float) start;
        float last = (float) end;
        float[] out = new float[count];
        if (count == 1) {
            out[0] = first;
            return out;
        }
        float step = (last - first) / (float) (count - 1);
        int halfway = count / 2;
        for (int i = 0; i < count; i++) {
            out[i] = i < halfway ? Math.fma(step, (float) i, first) : Math.fma(-step, (float) (count - 1 - i), last);
        }
        return out;
    }

    /** diffusers' {@code betas_for_alpha_bar} with the cosine alpha bar, in double, then float32. */
    static float[] cosineBetas(int count) {
        float[] betas = new float[count];
        for (int i = 0; i < count; i++) {
            double t1 = (double) i / count;
            double t2 = (double) (i + 1) / count;
            betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = StrictMath.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** {@code torch.cumprod(1 - betas)}: PyTorch's CPU kernel keeps the running product in double. */
    static float[] alphasCumprod(float[] betas) {
        float[] out = new float[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            product *= 1f - betas[i];
            out[i] = (float) product;
        }
        return out;
    }
}
