package dev.imagine.engine.sampler;

import java.util.Arrays;
import java.util.Objects;

/**
 * Creates one image's run of a sampler, each matching the diffusers scheduler it is named after.
 *
 * <p>{@code strength} is the image-to-image strength: 1 runs all steps from pure noise (text-to-image), lower
 * values skip the noisiest steps as diffusers' img2img {@code get_timesteps} does: the run keeps the timesteps
 * from index {@code steps - min((int) (steps * strength), steps)} on, and {@link Sampler#addNoise} noises the
 * input image to the first of them. LCM differs, as in diffusers: see {@link #lcm}.
 *
 * <p>Keys the model's config leaves out take the defaults of the sampler's own diffusers class (see
 * {@link NoiseScheduleConfig}). All factories throw {@link IllegalArgumentException} with a user-readable
 * message when {@code steps} is not in {@code [1, num_train_timesteps]}, {@code strength} is not in
 * {@code [0, 1]}, a timestep falls past the trained ones (too large a {@code steps_offset}), or the config asks
 * for an option the sampler does not implement.
 */
public final class Samplers {
    private Samplers() {
    }

    /** DDIM with eta 0 ({@code DDIMScheduler}): deterministic, one UNet call per step. */
    public static Sampler ddim(NoiseScheduleConfig config, int steps, double strength) {
        NoiseScheduleConfig c = prepare(config, SamplerClass.DDIM, steps, strength);
        int[] all = Timesteps.ddim(c.spacing(), steps, c.trainTimesteps(), c.stepsOffset());
        return new DdimSampler(c, NoiseSchedule.of(c), steps, tail(all, tStart(steps, strength)));
    }

    /**
     * PLMS ({@code PNDMScheduler} with {@code skip_prk_steps}): {@code steps + 1} UNet calls for two or more steps,
     * because the second call redoes the first step. Always PLMS, also where a config leaves
     * {@code skip_prk_steps} false (diffusers would then start with Runge-Kutta steps).
     */
    public static Sampler pndm(NoiseScheduleConfig config, int steps, double strength) {
        NoiseScheduleConfig c = prepare(config, SamplerClass.PNDM, steps, strength);
        int[] all = Timesteps.plms(c.spacing(), steps, c.trainTimesteps(), c.stepsOffset());
        return new PlmsSampler(c, NoiseSchedule.of(c), steps, tail(all, tStart(steps, strength)));
    }

    /** Euler ({@code EulerDiscreteScheduler}, no churn): deterministic, one UNet call per step. */
    public static Sampler euler(NoiseScheduleConfig config, int steps, double strength) {
        return euler(config, steps, strength, SamplerClass.EULER);
    }

    /**
     * Euler ancestral ({@code EulerAncestralDiscreteScheduler}): one UNet call per step, and each step draws
     * {@code sample.length} fresh values from the noise source, the last step too.
     */
    public static Sampler eulerAncestral(NoiseScheduleConfig config, int steps, double strength) {
        return euler(config, steps, strength, SamplerClass.EULER_ANCESTRAL);
    }

    /**
     * K-LMS ({@code LMSDiscreteScheduler}, order 4): deterministic, one UNet call per step; the timesteps, noise
     * levels and input scaling of Euler.
     */
    public static Sampler lms(NoiseScheduleConfig config, int steps, double strength) {
        NoiseScheduleConfig c = prepare(config, SamplerClass.LMS, steps, strength);
        float[] all = Timesteps.euler(c.spacing(), steps, c.trainTimesteps(), c.stepsOffset());
        int begin = Math.min(tStart(steps, strength), all.length);
        return new LmsSampler(c, NoiseSchedule.of(c), all, begin);
    }

    /**
     * DPM-Solver++(2M) ({@code DPMSolverMultistepScheduler} with {@code algorithm_type="dpmsolver++"},
     * {@code solver_order=2}, midpoint, final sigma 0): deterministic, one UNet call per step, second-order except
     * on the first and the last step. These settings and the choice of Karras sigmas come from this call, not from
     * the config (whose {@code use_karras_sigmas}, {@code solver_order}, {@code algorithm_type} and
     * {@code solver_type} are ignored).
     *
     * @param karras {@code true} for Karras et al.'s noise levels (rho 7, from the model's smallest to its largest
     *     trained sigma, {@code steps} of them, spacing ignored) with the timesteps mapped back from them and rounded;
     *     {@code false} for the trained noise levels at the spaced timesteps
     */
    public static Sampler dpmpp2m(NoiseScheduleConfig config, int steps, double strength, boolean karras) {
        NoiseScheduleConfig c = prepare(config, karras ? SamplerClass.DPMPP_2M_KARRAS : SamplerClass.DPMPP_2M, steps,
                strength);
        NoiseSchedule schedule = NoiseSchedule.of(c);
        float[] trained = schedule.trainedSigmas();
        float[] timesteps;
        float[] sigmas;
        if (karras) {
            float[] logSigmas = new float[trained.length];
            for (int i = 0; i < trained.length; i++) {
                logSigmas[i] = (float) StrictMath.log(trained[i]);
            }
            double[] levels = Timesteps.karrasSigmas(trained[0], trained[trained.length - 1], steps);
            // diffusers rounds the mapped-back timesteps, except for squaredcos_cap_v2 where the cast to int64
            // truncates them.
            boolean truncate = c.betaSchedule().equals("squaredcos_cap_v2");
            timesteps = new float[steps];
            sigmas = new float[steps + 1];
            for (int i = 0; i < steps; i++) {
                double t = Timesteps.sigmaToT(levels[i], logSigmas);
                timesteps[i] = truncate ? (long) t : (long) Math.rint(t);
                sigmas[i] = (float) levels[i];
            }
        } else {
            int last = c.trainTimesteps() - clippedTimesteps(schedule, c.lambdaMinClipped());
            int[] ints = Timesteps.dpmSolver(c.spacing(), steps, c.trainTimesteps(), last, c.stepsOffset());
            timesteps = DdimSampler.toFloat(ints);
            sigmas = new float[ints.length + 1];
            for (int i = 0; i < ints.length; i++) {
                sigmas[i] = (float) Timesteps.interp(ints[i], trained);
            }
        }
        int begin = Math.min(tStart(steps, strength), timesteps.length);
        return new DpmSolverSampler(c, timesteps, sigmas, begin);
    }

    /**
     * How many of the noisiest trained timesteps {@code lambda_min_clipped} removes: those whose
     * {@code log(sqrt(acp)) - log(sqrt(1 - acp))} (float32) lies below it.
     */
    static int clippedTimesteps(NoiseSchedule schedule, double lambdaMinClipped) {
        int clipped = 0;
        for (int t = 0; t < schedule.trainTimesteps(); t++) {
            float acp = schedule.alphaCumprod(t);
            float lambda = (float) StrictMath.log(BaseSampler.sqrt(acp))
                    - (float) StrictMath.log(BaseSampler.sqrt(1f - acp));
            if (lambda < lambdaMinClipped) {
                clipped++;
            }
        }
        return clipped;
    }

    /**
     * LCM ({@code LCMScheduler}): one UNet call per step, and each step but the last draws {@code sample.length}
     * fresh values from the noise source. The timesteps come from the config's {@code original_inference_steps}
     * (50 unless it says otherwise), never from its spacing. {@code strength} works as in diffusers' LCM img2img
     * pipeline: it keeps the first {@code (int) (original_inference_steps * strength)} origin timesteps and picks
     * {@code steps} of them, so every strength above 0 runs {@code steps} calls; strength 0 runs none.
     *
     * @throws IllegalArgumentException also when {@code steps} exceeds {@code original_inference_steps}, or a
     *     strength above 0 leaves fewer origin timesteps than {@code steps}
     */
    public static Sampler lcm(NoiseScheduleConfig config, int steps, double strength) {
        NoiseScheduleConfig c = prepare(config, SamplerClass.LCM, steps, strength);
        int[] run = strength == 0 ? new int[0]
                : Timesteps.lcm(steps, c.trainTimesteps(), c.originalInferenceSteps(), strength);
        return new LcmSampler(c, NoiseSchedule.of(c), run);
    }

    private static Sampler euler(NoiseScheduleConfig config, int steps, double strength, SamplerClass kind) {
        NoiseScheduleConfig c = prepare(config, kind, steps, strength);
        float[] all = Timesteps.euler(c.spacing(), steps, c.trainTimesteps(), c.stepsOffset());
        int begin = Math.min(tStart(steps, strength), all.length);
        return new EulerSampler(c, NoiseSchedule.of(c), all, begin, kind == SamplerClass.EULER_ANCESTRAL);
    }

    private static NoiseScheduleConfig prepare(NoiseScheduleConfig config, SamplerClass kind, int steps,
            double strength) {
        Objects.requireNonNull(config, "config");
        if (steps < 1 || steps > config.trainTimesteps()) {
            throw new IllegalArgumentException("steps must be between 1 and " + config.trainTimesteps()
                    + " for this model, got " + steps);
        }
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be between 0 and 1, got " + strength);
        }
        return config.resolvedFor(kind);
    }

    /** diffusers' img2img {@code t_start}: how many of the first timesteps strength skips. */
    static int tStart(int steps, double strength) {
        int init = Math.min((int) (steps * strength), steps);
        return Math.max(steps - init, 0);
    }

    private static int[] tail(int[] timesteps, int from) {
        return Arrays.copyOfRange(timesteps, Math.min(from, timesteps.length), timesteps.length);
    }
}
