package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What differs on PostgreSQL: where things are, info, backup through pg_dump, and messages without secrets. */
class PostgresStorageTest {
    @TempDir
    Path dir;

    @Test
    void infoNamesTheServerAndCountsTheImagesStoredInTheDatabase() throws Exception {
        try (StorageBackend.Place place = StorageBackend.POSTGRESQL.place(dir); Storage storage = place.open()) {
            assertThat(storage.onServer()).isTrue();
            long user = storage.users().ensure("cli", "local", null).id();
            long id = storage.generations().record(TestData.txt2img(user, "x"), null);
            storage.generations().markRunning(id);
            storage.generations().markDone(id, TestData.resolved("x", 1, 2), List.of(
                    new NewImage(0, 1, TestData.png(1), false), new NewImage(1, 2, TestData.png(2), false)), 1);

            StorageInfo info = storage.info();
            assertThat(info.database()).isEqualTo(StorageBackend.URL);
            assertThat(info.schemaVersion()).isEqualTo("13");
            assertThat(info.imageFiles()).isEqualTo(2);
            assertThat(info.imageFileBytes()).isEqualTo(TestData.png(1).length + TestData.png(2).length);
            assertThat(info.databaseBytes()).isPositive();
            assertThat(dir.resolve("images")).doesNotExist();
            assertThat(dir.resolve(Storage.DATABASE_FILE)).doesNotExist();
        }
    }

    @Test
    void readsAndOneStatementWritesRunOutsideATransactionAndTheNoDiskWaitPartCoversItsOwnStatementOnly()
            throws Exception {
        try (StorageBackend.Place place = StorageBackend.POSTGRESQL.place(dir);
                PostgresDatabase database = PostgresDatabase.open(place.server())) {
            assertThat(database.<Boolean>read(Connection::getAutoCommit)).as("a read needs no COMMIT").isTrue();
            assertThat(database.<Boolean>writeOneStatement(Connection::getAutoCommit)).isTrue();
            assertThat(database.<Boolean>write(Connection::getAutoCommit)).isFalse();
            database.write(c -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("CREATE TABLE marks (id INT PRIMARY KEY)");
                }
            });

            String during = database.writeOneStatement(c -> {
                try (PreparedStatement insert = c.prepareStatement(PostgresDatabase.NO_DISK_WAIT
                        + "INSERT INTO marks VALUES (?) RETURNING current_setting('synchronous_commit')")) {
                    insert.setInt(1, 1);
                    assertThat(PostgresDatabase.executeAfterNoDiskWait(insert)).isTrue();
                    try (ResultSet rows = insert.getResultSet()) {
                        rows.next();
                        return rows.getString(1);
                    }
                }
            });
            assertThat(during).isEqualTo("off");
            assertThat(database.<String>read(c -> single(c, "SELECT COUNT(*) FROM marks"))).isEqualTo("1");
            assertThat(database.<String>read(c -> single(c, "SHOW synchronous_commit")))
                    .as("the next statement on the connection waits for the disk again").isEqualTo("on");

            assertThatThrownBy(() -> database.writeOneStatement(c -> {
                try (PreparedStatement insert = c.prepareStatement(PostgresDatabase.NO_DISK_WAIT
                        + "INSERT INTO marks VALUES (2); INSERT INTO marks VALUES (1)")) {
                    return PostgresDatabase.executeAfterNoDiskWait(insert);
                }
            })).isInstanceOf(StorageException.class).hasMessageContaining("duplicate key");
            assertThat(database.<String>read(c -> single(c, "SELECT COUNT(*) FROM marks")))
                    .as("the parts of one statement string run in one transaction: the failing one undoes the first")
                    .isEqualTo("1");
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void backupWritesAPgDumpArchiveOrSaysWhyNot() throws Exception {
        try (StorageBackend.Place place = StorageBackend.POSTGRESQL.place(dir); Storage storage = place.open()) {
            storage.users().ensure("cli", "local", null);
            Path backup = dir.resolve("backups/imagine.dump");
            boolean pgDump = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, "pg_dump")));
            try {
                storage.backup(backup);
                // pg_dump's custom format starts with "PGDMP"
                assertThat(new String(Files.readAllBytes(backup), 0, 5, StandardCharsets.US_ASCII))
                        .isEqualTo("PGDMP");
                try (Stream<Path> files = Files.list(backup.getParent())) {
                    assertThat(files).as("no temporary file is left").containsExactly(backup);
                }
            } catch (StorageException e) {
                assertThat(pgDump).as("pg_dump is installed, yet: " + e.getMessage()).isFalse();
                assertThat(e).hasMessageContaining("pg_dump is not installed");
            }
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsASentenceWithoutThePassword() {
        DatabaseServer nowhere = new DatabaseServer("jdbc:postgresql://127.0.0.1:1/imagine?connectTimeout=2",
                "imagine", "s3cret-pass");
        assertThat(nowhere.toString()).doesNotContain("s3cret-pass").contains("password set");
        assertThatThrownBy(() -> Storage.open(StorageOptions.of(dir).withServer(nowhere)))
                .isInstanceOf(StorageException.class)
                .hasMessage("could not reach the database at jdbc:postgresql://127.0.0.1:1/imagine; check storage.url "
                        + "and that PostgreSQL is running")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pass"));
    }

    @Test
    void aUserTheServerRefusesIsNamedWithWhatToCheck() {
        StorageBackend.POSTGRESQL.assumeAvailable();
        DatabaseServer refused = new DatabaseServer(StorageBackend.URL, "no_such_imagine_user", "wrong-pass");
        assertThatThrownBy(() -> Storage.open(StorageOptions.of(dir).withServer(refused)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refused user no_such_imagine_user; check storage.user and IMAGINE_DB_PASSWORD")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pass"));
    }

    @Test
    void onlyPostgresUrlsAreAccepted() {
        assertThatThrownBy(() -> new DatabaseServer("jdbc:mysql://db/imagine?password=hunter2", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the database URL must start with jdbc:postgresql: (a PostgreSQL server), or be left out "
                        + "for the embedded H2 file; got 'jdbc:mysql://db/imagine'");
    }
}
