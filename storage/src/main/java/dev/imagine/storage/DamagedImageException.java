package dev.imagine.storage;

/** A stored image file is missing or its bytes no longer match their hash; it is never served. */
public final class DamagedImageException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Problem {
        /** The file is gone. */
        MISSING,
        /** The file's SHA-256 differs from the one stored with it. */
        ALTERED
    }

    private final Problem problem;
    private final String path;

    DamagedImageException(Problem problem, String path, String message) {
        super(message);
        this.problem = problem;
        this.path = path;
    }

    /** What is wrong. */
    public Problem problem() {
        return problem;
    }

    /** The file, relative to the data directory. */
    public String path() {
        return path;
    }
}
