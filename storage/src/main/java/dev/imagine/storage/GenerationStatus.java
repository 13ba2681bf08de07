package dev.imagine.storage;

import java.util.Locale;

/**
 * Where a generation stands. {@code QUEUED -> RUNNING -> DONE | FAILED | CANCELLED}; a queued generation may also
 * fail or be cancelled before it runs. Stored by {@link #id()}.
 */
public enum GenerationStatus {
    /** Recorded, waiting for the engine. */
    QUEUED,
    /** The engine is working on it. */
    RUNNING,
    /** Finished; its images are stored. */
    DONE,
    /** The engine or the bot failed; the generation carries a user-facing error. */
    FAILED,
    /** Cancelled by the user or the operator. */
    CANCELLED;

    /** The stored name, e.g. {@code queued}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the generation can change no more. */
    public boolean isFinal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    static GenerationStatus fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
