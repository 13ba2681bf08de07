package dev.imagine.bot.models;

import java.util.Locale;

/** Floating-point precision of a model's ONNX graphs, as chosen by {@code --variant} and shown by {@code models list}. */
public enum Precision {
    /** 32-bit floats. */
    FP32,
    /** 16-bit floats: half the download and memory, for GPUs. */
    FP16;

    /** {@code fp32} or {@code fp16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code fp32} or {@code fp16} in any case.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Precision parse(String text) {
        for (Precision precision : values()) {
            if (precision.id().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return precision;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + text + "'; use fp32 or fp16");
    }
}
