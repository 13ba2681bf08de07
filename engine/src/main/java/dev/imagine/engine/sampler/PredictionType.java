package dev.imagine.engine.sampler;

import java.util.Locale;

/** What the UNet predicts: the noise ({@code epsilon}) or the velocity ({@code v_prediction}, SD 2.x 768 models). */
public enum PredictionType {
    /** The UNet predicts the added noise (SD 1.x, SD 2.x base). */
    EPSILON("epsilon"),
    /** The UNet predicts v = sqrt(alpha) * noise - sqrt(1 - alpha) * sample (Imagen Video, section 2.4). */
    V_PREDICTION("v_prediction");

    private final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    /** The value of {@code prediction_type} in a scheduler config. */
    public String configName() {
        return configName;
    }

    /**
     * Reads a {@code prediction_type} value.
     *
     * @throws IllegalArgumentException for {@code sample} (not supported by these samplers) and unknown values
     */
    public static PredictionType parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (PredictionType type : values()) {
            if (type.configName.equals(wanted)) {
                return type;
            }
        }
        if (wanted.equals("sample")) {
            throw new IllegalArgumentException(
                    "prediction_type 'sample' is not supported: the samplers need a model that predicts "
                            + "epsilon or v_prediction");
        }
        throw new IllegalArgumentException(
                "prediction_type '" + value + "' is unknown; allowed: epsilon, v_prediction");
    }
}
