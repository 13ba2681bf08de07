package dev.imagine.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The two databases the storage contract runs on: the embedded H2 file and a PostgreSQL server, found at
 * {@code IMAGINE_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}). Each PostgreSQL test
 * gets a schema of its own, dropped afterwards; where no server answers, those tests are skipped with one line.
 */
enum StorageBackend {
    H2,
    POSTGRESQL;

    /** The server the PostgreSQL tests use. */
    static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static Boolean answers;

    /** Whether a PostgreSQL server answers at {@link #URL}; asked once per JVM. */
    static synchronized boolean postgresAnswers() {
        if (answers == null) {
            try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?")
                    + "connectTimeout=3")) {
                answers = c.isValid(3);
            } catch (SQLException e) {
                answers = false;
            }
        }
        return answers;
    }

    /** Skips the calling test, with one line, when this is PostgreSQL and no server answers. */
    void assumeAvailable() {
        if (this == POSTGRESQL) {
            Assumptions.assumeTrue(postgresAnswers(), "no PostgreSQL answers at " + URL + "; skipping");
        }
    }

    /** A plain auto-commit connection to a server's schema. */
    static Connection connect(DatabaseServer server) throws SQLException {
        return DriverManager.getConnection(server.url());
    }

    /** A place to open storage in: {@code dir} for H2, plus a fresh schema on PostgreSQL. */
    Place place(Path dir) {
        assumeAvailable();
        if (this == H2) {
            return new Place(this, dir, null);
        }
        String schema = "imagine_test_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet() + "_"
                + Long.toString(System.nanoTime() & 0xffffff, 36);
        return new Place(this, dir, new DatabaseServer(URL, null, null).inSchema(schema));
    }

    /** Where one test's storage lives; closing it drops the PostgreSQL schema. */
    record Place(StorageBackend backend, Path dir, DatabaseServer server) implements AutoCloseable {

        StorageOptions options(Clock clock) {
            return StorageOptions.of(dir).withClock(clock).withServer(server);
        }

        Storage open(Clock clock) {
            return Storage.open(options(clock));
        }

        Storage open() {
            return open(Clock.systemUTC());
        }

        /** The relative paths of the stored images. */
        Set<String> images() throws Exception {
            if (server == null) {
                Path root = dir.resolve("images");
                if (!Files.isDirectory(root)) {
                    return Set.of();
                }
                try (Stream<Path> walk = Files.walk(root)) {
                    return walk.filter(Files::isRegularFile)
                            .map(p -> dir.relativize(p).toString().replace('\\', '/')).collect(Collectors.toSet());
                }
            }
            Set<String> paths = new HashSet<>();
            try (Connection c = connect(); Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT data, sha256 FROM image_blobs")) {
                while (rows.next()) {
                    paths.add(ImageFiles.relativePath(rows.getString(2), ImageFiles.extension(rows.getBytes(1))));
                }
            }
            return paths;
        }

        /** The stored bytes of an image. */
        byte[] read(String relative) throws Exception {
            if (server == null) {
                return Files.readAllBytes(dir.resolve(relative));
            }
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement("SELECT data FROM image_blobs WHERE sha256 = ?")) {
                s.setString(1, sha(relative));
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? rows.getBytes(1) : null;
                }
            }
        }

        /** Replaces an image's stored bytes behind storage's back (damage), or stores an unreferenced one. */
        void write(String relative, byte[] data) throws Exception {
            if (server == null) {
                Path file = dir.resolve(relative);
                Files.createDirectories(file.getParent());
                Files.write(file, data);
                return;
            }
            try (Connection c = connect(); PreparedStatement s = c.prepareStatement("INSERT INTO image_blobs "
                    + "(sha256, size_bytes, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET "
                    + "data = EXCLUDED.data, size_bytes = EXCLUDED.size_bytes")) {
                s.setString(1, sha(relative));
                s.setLong(2, data.length);
                s.setBytes(3, data);
                s.executeUpdate();
            }
        }

        /** Deletes an image's stored bytes behind storage's back. */
        void delete(String relative) throws Exception {
            if (server == null) {
                Files.delete(dir.resolve(relative));
                return;
            }
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement("DELETE FROM image_blobs WHERE sha256 = ?")) {
                s.setString(1, sha(relative));
                s.executeUpdate();
            }
        }

        /** A plain connection to this test's schema (PostgreSQL only). */
        Connection connect() throws SQLException {
            return StorageBackend.connect(server);
        }

        private static String sha(String relative) {
            String name = relative.substring(relative.lastIndexOf('/') + 1);
            return name.substring(0, name.indexOf('.'));
        }

        @Override
        public void close() throws SQLException {
            if (server != null) {
                try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + server.schema() + " CASCADE");
                }
            }
        }
    }
}
