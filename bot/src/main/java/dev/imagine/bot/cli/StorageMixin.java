package dev.imagine.bot.cli;

import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR}: the data directory of the commands that record or read generations; or {@code --db-url URL}
 * (and {@code --db-user USER}, the password from {@code IMAGINE_DB_PASSWORD}) for a cluster's PostgreSQL server.
 */
final class StorageMixin {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Data directory with the database and stored images (default ./data).")
    Path data;

    @Option(names = "--db-url", paramLabel = "URL",
            description = "A PostgreSQL server instead of the data directory's H2 file, as "
                    + "jdbc:postgresql://host:5432/imagine (storage.url); the password comes from IMAGINE_DB_PASSWORD.")
    String url;

    @Option(names = "--db-user", paramLabel = "USER", description = "The PostgreSQL user (storage.user).")
    String user;

    private StorageOptions options() {
        if (url == null) {
            return StorageOptions.of(data);
        }
        try {
            String password = System.getenv("IMAGINE_DB_PASSWORD");
            return StorageOptions.of(data).withServer(new DatabaseServer(url, user,
                    password == null || password.isBlank() ? null : password));
        } catch (IllegalArgumentException e) {
            throw new UserException("--db-url: " + e.getMessage());
        }
    }

    /** Opens the data directory (or the server), creating it when missing; the caller closes the storage. */
    Storage openOrCreate() {
        if (url == null) {
            PathChecks.writableFolder("--data", data);
        }
        return Storage.open(options());
    }

    /** Opens an existing data directory (or the server); the caller closes the storage. */
    Storage openExisting() {
        return openExisting(false);
    }

    /**
     * Opens an existing data directory as {@link #openExisting()} does, or, when a running {@code imagine run} or
     * {@code generate} holds it, reaches its database through that process (for reading and backups only).
     */
    Storage openShared() {
        return openExisting(true);
    }

    private Storage openExisting(boolean shared) {
        if (url != null) {
            return Storage.open(options());
        }
        if (data.toString().isBlank()) {
            throw new UserException("--data is empty; name the data folder");
        }
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new UserException("--data " + data + " is a file, not a folder; name the data folder");
        }
        if (!Files.isRegularFile(data.resolve(Storage.DATABASE_FILE))) {
            throw new UserException("there is no imagine database in " + data.toAbsolutePath()
                    + "; generate an image first, or pass --data DIR");
        }
        return shared ? Storage.openShared(StorageOptions.of(data)) : Storage.open(data);
    }
}
