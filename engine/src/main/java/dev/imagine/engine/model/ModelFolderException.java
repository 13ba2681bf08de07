package dev.imagine.engine.model;

/** A model folder that cannot be used, with a sentence a person can act on. */
public final class ModelFolderException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the folder is a valid model of a kind imagine does not run (e.g. SDXL), not a broken one. */
    private final boolean unsupported;

    ModelFolderException(String message, boolean unsupported) {
        super(message);
        this.unsupported = unsupported;
    }

    ModelFolderException(String message, Throwable cause) {
        super(message, cause);
        this.unsupported = false;
    }

    /** True when the folder holds a model family imagine does not support, rather than a damaged folder. */
    public boolean unsupported() {
        return unsupported;
    }
}
