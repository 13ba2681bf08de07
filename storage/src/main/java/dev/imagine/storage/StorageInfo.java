package dev.imagine.storage;

import java.nio.file.Path;

/**
 * What {@code imagine db info} shows.
 *
 * @param dataDirectory the data directory
 * @param databaseFile the H2 file
 * @param databaseBytes its size
 * @param schemaVersion the latest applied migration, e.g. {@code 2}
 * @param counts row counts
 * @param imageFiles files under {@code images/}
 * @param imageFileBytes their total size
 */
public record StorageInfo(Path dataDirectory, Path databaseFile, long databaseBytes, String schemaVersion,
        Counts counts, long imageFiles, long imageFileBytes) {
}
