package dev.imagine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;

/**
 * Images as rows of {@code image_blobs} in PostgreSQL, keyed by their SHA-256, so every node of a cluster reads
 * what any worker stored and equal images are kept once. A blob is written in the same transaction as the rows that
 * reference it, so a reader never sees a row without its image.
 */
final class ImageBlobs implements ImageStore {

    /** Stores the bytes once; a stored copy that differs from them (damaged) is replaced. */
    @Override
    public String store(Connection c, String sha256, byte[] data) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(insert(1, "TRUE"))) {
            bind(insert, 1, sha256, data);
            insert.executeUpdate();
        }
        return path(sha256, data);
    }

    /**
     * An insert of {@code rows} blobs (distinct hashes) when {@code condition} holds, each stored once and a stored
     * copy that differs (damaged) replaced; each row's parameters are bound with {@link #bind}.
     */
    static String insert(int rows, String condition) {
        return "INSERT INTO image_blobs (sha256, size_bytes, data) SELECT * FROM (VALUES "
                + String.join(", ", Collections.nCopies(rows, "(?, ?::bigint, ?::bytea)"))
                + ") AS v (sha256, size_bytes, data) WHERE " + condition + " ON CONFLICT (sha256) DO UPDATE SET "
                + "size_bytes = EXCLUDED.size_bytes, data = EXCLUDED.data WHERE image_blobs.data <> EXCLUDED.data";
    }

    /** Binds one row of {@link #insert} from {@code index}; returns the next index. */
    static int bind(PreparedStatement insert, int index, String sha256, byte[] data) throws SQLException {
        insert.setString(index, sha256);
        insert.setLong(index + 1, data.length);
        insert.setBytes(index + 2, data);
        return index + 3;
    }

    /** The relative path rows name a stored blob by, as for files. */
    static String path(String sha256, byte[] data) {
        return ImageFiles.relativePath(sha256, ImageFiles.extension(data));
    }

    @Override
    public byte[] read(Connection c, String relative, String sha256) throws SQLException {
        byte[] data;
        try (PreparedStatement select = c.prepareStatement("SELECT data FROM image_blobs WHERE sha256 = ?")) {
            select.setString(1, sha256);
            try (ResultSet rows = select.executeQuery()) {
                data = rows.next() ? rows.getBytes(1) : null;
            }
        }
        if (data == null) {
            throw new DamagedImageException(DamagedImageException.Problem.MISSING, relative,
                    "the image " + sha256 + " is missing from the database; restore it from a backup");
        }
        String actual = ImageFiles.sha256(data);
        if (!actual.equals(sha256)) {
            throw new DamagedImageException(DamagedImageException.Problem.ALTERED, relative,
                    "the stored image " + sha256 + " has been altered (its SHA-256 is now " + actual
                            + "); it is not served");
        }
        return data;
    }

    @Override
    public long[] totals(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM image_blobs")) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2)};
        }
    }

    /**
     * Deletes unreferenced blobs. The table lock waits for transactions that are storing a blob (they hold a weaker
     * lock until they commit) and keeps new ones out meanwhile, so a blob that a concurrent generation is about to
     * reference is never deleted under it.
     */
    @Override
    public long[] deleteUnreferenced(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE image_blobs IN SHARE ROW EXCLUSIVE MODE");
            try (ResultSet rows = s.executeQuery("WITH gone AS (DELETE FROM image_blobs b "
                    + "WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.sha256 = b.sha256) "
                    + "AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.init_image_sha256 = b.sha256) "
                    + "RETURNING size_bytes) SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM gone")) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            }
        }
    }
}
