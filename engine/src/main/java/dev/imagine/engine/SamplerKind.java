package dev.imagine.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The samplers a user can choose, by the names users type.
 *
 * <p>Each matches the step maths of the diffusers scheduler named in {@link #diffusersName()}.
 */
public enum SamplerKind {
    /** DDIM with eta 0 (deterministic). */
    DDIM("ddim", "DDIM", "DDIMScheduler"),
    /** PNDM with {@code skip_prk_steps}, i.e. PLMS: n + 1 UNet calls for n steps. */
    PNDM("pndm", "PLMS", "PNDMScheduler", "plms"),
    /** Euler (Karras et al. algorithm 2 without churn). */
    EULER("euler", "Euler", "EulerDiscreteScheduler"),
    /** Euler ancestral: fresh noise from the seed's generator stream at every step. */
    EULER_ANCESTRAL("euler-a", "Euler a", "EulerAncestralDiscreteScheduler", "euler_a", "euler-ancestral"),
    /** K-LMS: linear multistep of order 4 on the sigma schedule. */
    LMS("lms", "LMS", "LMSDiscreteScheduler", "k-lms", "k_lms"),
    /** DPM-Solver++ (2M): second-order multistep, lower order on the final step. */
    DPMPP_2M("dpmpp-2m", "DPM++ 2M", "DPMSolverMultistepScheduler", "dpm++2m", "dpmpp_2m"),
    /** DPM-Solver++ (2M) on Karras sigmas (rho 7). */
    DPMPP_2M_KARRAS("dpmpp-2m-karras", "DPM++ 2M Karras", "DPMSolverMultistepScheduler+karras", "dpm++2m-karras",
            "dpmpp_2m_karras"),
    /** Latent Consistency Model sampler: few steps, fresh noise between steps; for LCM models. */
    LCM("lcm", "LCM", "LCMScheduler");

    private final String id;
    private final String displayName;
    private final String diffusersName;
    private final List<String> aliases;

    SamplerKind(String id, String displayName, String diffusersName, String... aliases) {
        this.id = id;
        this.displayName = displayName;
        this.diffusersName = diffusersName;
        this.aliases = List.of(aliases);
    }

    /** The name users type, e.g. {@code euler-a}. */
    public String id() {
        return id;
    }

    /** The name AUTOMATIC1111 writes in its {@code parameters} text, e.g. {@code Euler a}. */
    public String displayName() {
        return displayName;
    }

    /** The diffusers scheduler class whose maths this sampler follows. */
    public String diffusersName() {
        return diffusersName;
    }

    /**
     * Finds a sampler by its name or alias, ignoring case.
     *
     * @throws IllegalArgumentException naming the allowed names when {@code name} is unknown
     */
    public static SamplerKind parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SamplerKind kind : values()) {
            if (kind.id.equals(wanted) || kind.aliases.contains(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "'; choose one of " + names());
    }

    /** The user-facing names, comma separated, for help texts and error messages. */
    public static String names() {
        return Arrays.stream(values()).map(SamplerKind::id).collect(Collectors.joining(", "));
    }

    /** The sampler whose maths matches a diffusers scheduler class, or {@code null} if none does. */
    public static SamplerKind forDiffusersClass(String className) {
        for (SamplerKind kind : values()) {
            if (kind.diffusersName.equals(className)) {
                return kind;
            }
        }
        return null;
    }
}
