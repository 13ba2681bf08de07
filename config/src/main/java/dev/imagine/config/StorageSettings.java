package dev.imagine.config;

import java.nio.file.Path;

/**
 * Where imagine keeps its database and images (key {@code storage}).
 *
 * @param dir the data folder, absolute once loaded (key {@code storage.dir}, default {@code ./data} in the working
 *     directory)
 */
public record StorageSettings(Path dir) {

    /** Default {@code storage.dir}, relative to the working directory. */
    public static final String DEFAULT_DIR = "./data";

    /** Requires the folder. */
    public StorageSettings {
        Rules.present("storage.dir", dir);
    }
}
