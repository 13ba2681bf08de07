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
    EULER_ANCESTRAL("euler-a", TimestepSpacing.LINSPACE, true, false, List.of("rescale_betas_zero_snr"));

    private final String userName;
    private final TimestepSpacing defaultSpacing;
    private final boolean defaultSetAlphaToOne;
    private final boolean defaultClipSample;
    private final List<String> mathsOptions;

    SamplerClass(String userName, TimestepSpacing defaultSpacing, boolean defaultSetAlphaToOne,
            boolean defaultClipSample, List<String> mathsOptions) {
        this.userName = userName;
        this.defaultSpacing = defaultSpacing;
        this.defaultSetAlphaToOne = defaultSetAlphaToOne;
        this.defaultClipSample = defaultClipSample;
        this.mathsOptions = mathsOptions;
    }

    String userName() {
        return userName;
    }

    TimestepSpacing defaultSpacing() {
        return defaultSpacing;
    }

    /** Only DDIM and PNDM read it; the Euler classes have no such key. */
    boolean defaultSetAlphaToOne() {
        return defaultSetAlphaToOne;
    }

    /** Only DDIM reads it. */
    boolean defaultClipSample() {
        return defaultClipSample;
    }

    /** The config keys of this class that change its maths when set to a non-default value. */
    List<String> mathsOptions() {
        return mathsOptions;
    }
}
