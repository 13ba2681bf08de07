package dev.imagine.bot.models;

/**
 * Sees a pull as it happens, on the pulling thread; every method does nothing by default. {@link #bytesReceived}
 * is called for every chunk the network delivers, so a listener that draws should throttle itself.
 */
public interface PullListener {
    /** A listener that ignores everything. */
    PullListener NONE = new PullListener() {
    };

    /** The files are chosen and the free space checked; downloads start next. */
    default void planned(PullPlan plan) {
    }

    /**
     * A file's download starts (or resumes).
     *
     * @param path its path in the model folder
     * @param size its full size
     * @param resumedAt bytes already on disk from an earlier try
     */
    default void fileStarted(String path, long size, long resumedAt) {
    }

    /** {@code done} of {@code size} bytes of {@code path} are on disk. */
    default void bytesReceived(String path, long done, long size) {
    }

    /** {@code path} was checked and moved into place. */
    default void fileFinished(String path, long size) {
    }

    /** Something the user should know: a retry, a corrupt file fetched again, a precision that differs. */
    default void note(String message) {
    }
}
