package dev.imagine.storage;

import java.nio.file.Path;
import java.time.Clock;

/**
 * How to open storage.
 *
 * @param dataDirectory holds {@code imagine.mv.db} and {@code images/} when the database is the embedded H2 file;
 *     created when missing. Its absolute path becomes part of H2's JDBC URL, so it must not contain {@code ';'}
 * @param clock the time stamped on rows (tests pass a fixed one)
 * @param syncEachCommit whether every write also forces the file to the device ({@code CHECKPOINT SYNC}), so a
 *     power loss or OS crash loses no committed write either; without it a killed process still loses nothing.
 *     H2 only: PostgreSQL's own {@code synchronous_commit} decides there
 * @param server the PostgreSQL server shared by the nodes of a cluster, or {@code null} for the embedded H2 file
 *     in {@code dataDirectory}; with a server, images are stored in the database too
 */
public record StorageOptions(Path dataDirectory, Clock clock, boolean syncEachCommit, DatabaseServer server) {

    /** Validates the fields. */
    public StorageOptions {
        Checks.required("the data directory", dataDirectory);
        Checks.required("the clock", clock);
        if (dataDirectory.toAbsolutePath().toString().indexOf(';') >= 0) {
            throw new IllegalArgumentException("the data directory " + dataDirectory
                    + " contains ';', which H2 would read as a setting; choose another folder");
        }
    }

    /** The embedded H2 file in {@code dataDirectory}. */
    public StorageOptions(Path dataDirectory, Clock clock, boolean syncEachCommit) {
        this(dataDirectory, clock, syncEachCommit, null);
    }

    /** The data directory with the system clock and a sync on every commit. */
    public static StorageOptions of(Path dataDirectory) {
        return new StorageOptions(dataDirectory, Clock.systemUTC(), true);
    }

    /** These options with another clock. */
    public StorageOptions withClock(Clock value) {
        return new StorageOptions(dataDirectory, value, syncEachCommit, server);
    }

    /** These options with a PostgreSQL server instead of the H2 file ({@code null} for the file). */
    public StorageOptions withServer(DatabaseServer value) {
        return new StorageOptions(dataDirectory, clock, syncEachCommit, value);
    }
}
