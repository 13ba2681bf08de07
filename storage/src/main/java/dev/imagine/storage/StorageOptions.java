package dev.imagine.storage;

import java.nio.file.Path;
import java.time.Clock;

/**
 * How to open a data directory.
 *
 * @param dataDirectory holds {@code imagine.mv.db} and {@code images/}; created when missing. Its absolute path
 *     becomes part of H2's JDBC URL, so it must not contain {@code ';'}
 * @param clock the time stamped on rows (tests pass a fixed one)
 * @param syncEachCommit whether every write also forces the file to the device ({@code CHECKPOINT SYNC}), so a
 *     power loss or OS crash loses no committed write either; without it a killed process still loses nothing
 */
public record StorageOptions(Path dataDirectory, Clock clock, boolean syncEachCommit) {

    /** Validates the fields. */
    public StorageOptions {
        Checks.required("the data directory", dataDirectory);
        Checks.required("the clock", clock);
        if (dataDirectory.toAbsolutePath().toString().indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data directory " + dataDirectory
                    + " contains ';', which H2 would read as a setting; choose another folder");
        }
    }

    /** The data directory with the system clock and a sync on every commit. */
    public static StorageOptions of(Path dataDirectory) {
        return new StorageOptions(dataDirectory, Clock.systemUTC(), true);
    }

    /** These options with another clock. */
    public StorageOptions withClock(Clock value) {
        return new StorageOptions(dataDirectory, value, syncEachCommit);
    }
}
