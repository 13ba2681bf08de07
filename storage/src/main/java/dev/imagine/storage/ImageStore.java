package dev.imagine.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where image bytes live, content-addressed by SHA-256: files under the data directory for H2
 * ({@link ImageFiles}), rows of the database for PostgreSQL so that every node reaches them ({@link ImageBlobs}).
 * Rows name an image by its relative path {@code images/ab/cd/<sha256>.<ext>} in both. Each method runs inside the
 * caller's transaction on {@code c}.
 */
sealed interface ImageStore permits ImageFiles, ImageBlobs {

    /** Stores {@code data} under its hash unless it is there already, and returns its relative path. */
    String store(Connection c, String sha256, byte[] data) throws SQLException, IOException;

    /**
     * Reads a stored image and checks it against {@code sha256}.
     *
     * @throws DamagedImageException when it is missing or altered
     */
    byte[] read(Connection c, String relative, String sha256) throws SQLException, IOException;

    /** The stored images: {count, bytes}. */
    long[] totals(Connection c) throws SQLException, IOException;

    /** Deletes every stored image no row of {@code images} or {@code generations} references: {count, bytes}. */
    long[] deleteUnreferenced(Connection c) throws SQLException, IOException;
}
