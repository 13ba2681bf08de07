package dev.imagine.bot.cli;

import dev.imagine.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}: the data directory of the commands that record or read generations. */
final class StorageMixin {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Data directory with the database and stored images (default ./data).")
    Path data;

    /** Opens the data directory, creating it when missing; the caller closes the storage. */
    Storage openOrCreate() {
        return Storage.open(data);
    }

    /** Opens an existing data directory; the caller closes the storage. */
    Storage openExisting() {
        if (!Files.isRegularFile(data.resolve(Storage.DATABASE_FILE))) {
            throw new UserException("there is no imagine database in " + data.toAbsolutePath()
                    + "; generate an image first, or pass --data DIR");
        }
        return Storage.open(data);
    }
}
