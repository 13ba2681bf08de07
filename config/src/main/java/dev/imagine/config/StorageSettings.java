package dev.imagine.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where imagine keeps its database and images (key {@code storage}).
 *
 * @param dir the data folder, absolute once loaded (key {@code storage.dir}, default {@code ./data} in the working
 *     directory); holds the embedded H2 database and the image files when {@code url} is absent
 * @param url a PostgreSQL server that several nodes share, as {@code jdbc:postgresql://host:port/database} (key
 *     {@code storage.url}); absent means the embedded H2 file in {@code dir}
 * @param user the database user (key {@code storage.user}); absent means the driver's default. The password is
 *     never a key: it comes from the environment variable {@value #PASSWORD_VARIABLE} where the server is opened
 */
public record StorageSettings(Path dir, Optional<String> url, Optional<String> user) {

    /** Default {@code storage.dir}, relative to the working directory. */
    public static final String DEFAULT_DIR = "./data";
    /** The environment variable that holds the database password. */
    public static final String PASSWORD_VARIABLE = "IMAGINE_DB_PASSWORD";
    /** How a {@code storage.url} starts. */
    public static final String URL_PREFIX = "jdbc:postgresql://";

    /** Requires the folder. */
    public StorageSettings {
        Rules.present("storage.dir", dir);
        Rules.present("storage.url", url);
        Rules.present("storage.user", user);
    }

    /** The embedded H2 file in {@code dir}. */
    public StorageSettings(Path dir) {
        this(dir, Optional.empty(), Optional.empty());
    }
}
