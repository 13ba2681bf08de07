package dev.imagine.engine.sampler;

import java.util.Locale;

/**
 * How a sampler picks its timesteps out of the trained ones (table 2 of "Common Diffusion Noise Schedules and
 * Sample Steps are Flawed"); the {@code timestep_spacing} of a scheduler config.
 */
public enum TimestepSpacing {
    /** {@code 0, r, 2r, ...} plus {@code steps_offset}, with {@code r = T / steps} rounded down. */
    LEADING("leading"),
    /** Evenly spread over {@code [0, T - 1]}, both ends included. */
    LINSPACE("linspace"),
    /** Counted down from {@code T - 1} in strides of {@code T / steps}. */
    TRAILING("trailing");

    private final String configName;

    TimestepSpacing(String configName) {
        this.configName = configName;
    }

    /** The value of {@code timestep_spacing} in a scheduler config. */
    public String configName() {
        return configName;
    }

    /**
     * Reads a {@code timestep_spacing} value.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code value} is unknown
     */
    public static TimestepSpacing parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (TimestepSpacing spacing : values()) {
            if (spacing.configName.equals(wanted)) {
                return spacing;
            }
        }
        throw new IllegalArgumentException(
                "timestep_spacing '" + value + "' is unknown; allowed: leading, linspace, trailing");
    }
}
