package dev.imagine.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which safety checker the engine runs on its pictures.
 *
 * @param mode automatic, off, or a given folder
 * @param folder with {@link Mode#FOLDER}: a model folder with {@code safety_checker/model.onnx} (and
 *     {@code feature_extractor/preprocessor_config.json}), or a {@code safety_checker} folder itself; otherwise
 *     {@code null}
 */
public record SafetyCheckerSource(Mode mode, Path folder) {

    /** How the checker is found. */
    public enum Mode {
        /** The model folder's own {@code safety_checker/} when it has one, else none (logged once). */
        AUTO,
        /** No checker: every picture is reported as not flagged. */
        OFF,
        /** The checker in {@link SafetyCheckerSource#folder()}; a folder without one is an error. */
        FOLDER
    }

    /** Requires a folder exactly with {@link Mode#FOLDER}. */
    public SafetyCheckerSource {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.FOLDER) != (folder != null)) {
            throw new IllegalArgumentException("a safety checker folder goes with mode FOLDER only");
        }
    }

    /** The model's own checker, if any. */
    public static SafetyCheckerSource auto() {
        return new SafetyCheckerSource(Mode.AUTO, null);
    }

    /** No checker. */
    public static SafetyCheckerSource off() {
        return new SafetyCheckerSource(Mode.OFF, null);
    }

    /** The checker in {@code folder}. */
    public static SafetyCheckerSource folder(Path folder) {
        return new SafetyCheckerSource(Mode.FOLDER, Objects.requireNonNull(folder, "folder"));
    }
}
