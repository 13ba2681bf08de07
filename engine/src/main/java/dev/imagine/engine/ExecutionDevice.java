package dev.imagine.engine;

import java.util.Locale;

/**
 * Where the engine runs: {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (CUDA when usable, else CPU).
 * A CUDA request on a machine or build without CUDA runs on the CPU and says so in one log line.
 *
 * @param kind the device kind
 * @param index the CUDA device ordinal; 0 for cpu and auto
 */
public record ExecutionDevice(Kind kind, int index) {

    /** Device kinds. */
    public enum Kind {
        CPU, CUDA, AUTO
    }

    /** Checks the index. */
    public ExecutionDevice {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is required");
        }
        if (index < 0 || index > 63) {
            throw new IllegalArgumentException("CUDA device index must be between 0 and 63, got " + index);
        }
    }

    /** The CPU. */
    public static ExecutionDevice cpu() {
        return new ExecutionDevice(Kind.CPU, 0);
    }

    /** CUDA device 0 if usable, else the CPU. */
    public static ExecutionDevice auto() {
        return new ExecutionDevice(Kind.AUTO, 0);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}.
     *
     * @throws IllegalArgumentException naming the allowed forms
     */
    public static ExecutionDevice parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return cpu();
        }
        if (value.equals("auto")) {
            return auto();
        }
        if (value.equals("cuda") || value.equals("gpu")) {
            return new ExecutionDevice(Kind.CUDA, 0);
        }
        if (value.startsWith("cuda:")) {
            try {
                return new ExecutionDevice(Kind.CUDA, Integer.parseInt(value.substring(5)));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("device '" + text + "' is not one of cpu, cuda, cuda:N (N = 0, 1, ...) or auto");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
