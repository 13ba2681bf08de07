package dev.imagine.engine;

import java.util.Locale;

/** How an animation's frames are spaced along each segment. */
public enum Ease {
    /** Evenly: frame {@code i} of {@code N} sits at {@code t = i / (N - 1)}. */
    LINEAR("linear"),
    /** Smoothstep of the even spacing, {@code t = s * s * (3 - 2 s)}: slow near the keyframes, fast between them. */
    SMOOTH("smooth");

    private final String id;

    Ease(String id) {
        this.id = id;
    }

    /** The name users type. */
    public String id() {
        return id;
    }

    /** The fraction of a segment at the even position {@code s} (0 to 1). */
    public double apply(double s) {
        return this == LINEAR ? s : s * s * (3 - 2 * s);
    }

    /**
     * The ease named {@code text}, ignoring case.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static Ease parse(String text) {
        for (Ease ease : values()) {
            if (ease.id.equals(text.toLowerCase(Locale.ROOT))) {
                return ease;
            }
        }
        throw new IllegalArgumentException("ease must be linear or smooth, got '" + text + "'");
    }
}
