package dev.imagine.engine.sampler;

import java.util.List;

/**
 * The diffusers scheduler class behind each sampler: its defaults for the keys a config may leave out, and the
 * options of its {@code __init__} that these samplers do not implement.
 */
enum SamplerClass {
    // Defaults as in each class's __init__ (diffusers schedulers/scheduling_*.py).
    DDIM("ddim", TimestepSpacing.LEADING, true, true, List.of("thresholding", "rescale_betas_zero_snr")),
    PNDM("pndm", TimestepSpacing.LEADING, false, false, List.of()),
    EULER("euler", TimestepSpacing.LINSPACE, true, false, List.of("rescale_betas_zero_snr", "use_karras_sigmas",
            "use_exponential_sigmas", "use_beta_sigmas", "interpolation_type", "final_sigmas_type",
            "timestep_type")),
    EULER_ANCESTRAL("euler-a", TimestepSpacing.LINSPACE, true, false, List.of("rescale_betas_zero_snr")),
    LMS("lms", TimestepSpacing.LINSPACE, true, false, List.of("use_karras_sigmas", "use_exponential_sigmas",
            "use_beta_sigmas")),
    // DPMSolverMultistepScheduler; the sampler's name fixes algorithm_type, solver_order, solver_type and
    // use_karras_sigmas, so the config's values of those are not read.
    DPMPP_2M("dpmpp-2m", TimestepSpacing.LINSPACE, true, false, DpmOptions.MATHS),
    DPMPP_2M_KARRAS("dpmpp-2m-karras", TimestepSpacing.LINSPACE, true, false, DpmOptions.MATHS),
    LCM("lcm", TimestepSpacing.LEADING, true, false, 0.00085, 0.012, "scaled_linear",
            List.of("thresholding", "rescale_betas_zero_snr"));

    private final String userName;
    private final TimestepSpacing defaultSpacing;
    private final boolean defaultSetAlphaToOne;
    private final boolean defaultClipSample;
    private final double defaultBetaStart;
    private final double defaultBetaEnd;
    private final String defaultBetaSchedule;
    private final List<String> mathsOptions;

    SamplerClass(String userName, TimestepSpacing defaultSpacing, boolean defaultSetAlphaToOne,
            boolean defaultClipSample, List<String> mathsOptions) {
        this(userName, defaultSpacing, defaultSetAlphaToOne, defaultClipSample, 0.0001, 0.02, "linear", mathsOptions);
    }

    SamplerClass(String userName, TimestepSpacing defaultSpacing, boolean defaultSetAlphaToOne,
            boolean defaultClipSample, double defaultBetaStart, double defaultBetaEnd, String defaultBetaSchedule,
            List<String> mathsOptions) {
        this.userName = userName;
        this.defaultSpacing = defaultSpacing;
        this.defaultSetAlphaToOne = defaultSetAlphaToOne;
        this.defaultClipSample = defaultClipSample;
        this.defaultBetaStart = defaultBetaStart;
        this.defaultBetaEnd = defaultBetaEnd;
        this.defaultBetaSchedule = defaultBetaSchedule;
        this.mathsOptions = mathsOptions;
    }

    String userName() {
        return userName;
    }

    TimestepSpacing defaultSpacing() {
        return defaultSpacing;
    }

    /** Only DDIM, PNDM and LCM read it; the others have no such key. */
    boolean defaultSetAlphaToOne() {
        return defaultSetAlphaToOne;
    }

    /** Only DDIM and LCM read it. */
    boolean defaultClipSample() {
        return defaultClipSample;
    }

    /** {@code beta_start}: 0.0001 in every class but LCMScheduler (0.00085). */
    double defaultBetaStart() {
        return defaultBetaStart;
    }

    /** {@code beta_end}: 0.02 in every class but LCMScheduler (0.012). */
    double defaultBetaEnd() {
        return defaultBetaEnd;
    }

    /** {@code beta_schedule}: linear in every class but LCMScheduler (scaled_linear). */
    String defaultBetaSchedule() {
        return defaultBetaSchedule;
    }

    /** The config keys of this class that change its maths when set to a non-default value. */
    List<String> mathsOptions() {
        return mathsOptions;
    }

    /** Holder for the list both DPM-Solver++ constants share (enum constants cannot see static fields). */
    private static final class DpmOptions {
        static final List<String> MATHS = List.of("thresholding", "rescale_betas_zero_snr",
                "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas", "use_flow_sigmas",
                "final_sigmas_type", "variance_type");
    }
}
