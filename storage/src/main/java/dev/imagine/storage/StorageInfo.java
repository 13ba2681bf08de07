package dev.imagine.storage;

import java.nio.file.Path;

/**
 * What {@code imagine db info} shows.
 *
 * @param dataDirectory the data directory
 * @param database the H2 file's path, or the PostgreSQL URL without its query string
 * @param databaseBytes its size (PostgreSQL: the whole database's, as {@code pg_database_size} reports)
 * @param schemaVersion the latest applied migration, e.g. {@code 2}
 * @param counts row counts
 * @param imageFiles image files under {@code images/} (PostgreSQL: images stored in the database)
 * @param imageFileBytes their total size
 */
public record StorageInfo(Path dataDirectory, String database, long databaseBytes, String schemaVersion,
        Counts counts, long imageFiles, long imageFileBytes) {
}
