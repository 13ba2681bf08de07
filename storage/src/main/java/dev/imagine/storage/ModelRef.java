package dev.imagine.storage;

/**
 * The model a generation ran on.
 *
 * @param name the model's name (its folder name), at most 256 characters
 * @param fingerprint a short hash of the model files that changes when they do, or {@code null} when unknown; a
 *     rerun on a model with another fingerprint may give another image
 * @param path where the model was loaded from, or {@code null}; at most 4096 characters
 */
public record ModelRef(String name, String fingerprint, String path) {

    /** Validates the fields. */
    public ModelRef {
        Checks.id("the model name", Checks.required("the model name", name), 256);
        Checks.id("the model fingerprint", fingerprint, 128);
        Checks.id("the model path", path, 4096);
    }
}
