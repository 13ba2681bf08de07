package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db backup} copies the open database consistently; the copy restores into a working database. */
class BackupRestoreTest {
    @TempDir
    Path dir;

    @Test
    void anOnlineBackupRestoresIntoAWorkingDatabase() throws Exception {
        Path live = dir.resolve("live");
        Path backup = dir.resolve("backups/imagine-backup.zip");
        long done;
        long afterBackup;
        byte[] png = TestData.png(9);
        try (Storage storage = Storage.open(live)) {
            long user = storage.users().ensure("discord", "42", "Ada").id();
            done = storage.generations().record(TestData.txt2img(user, "before the backup"), null);
            storage.generations().markRunning(done);
            storage.generations().markDone(done, TestData.resolved("before the backup", 9, 1),
                    List.of(new NewImage(0, 9, png, false)), 5);
            storage.settings().putUser(user, GenerationParameters.of("sampler", "euler", "steps", 25));
            Files.createDirectories(backup.getParent());
            Files.write(backup, new byte[] {1, 2, 3});

            storage.backup(backup);
            afterBackup = storage.generations().record(TestData.txt2img(user, "after the backup"), null);
        }
        assertThat(backup).isRegularFile();
        try (Stream<Path> files = Files.list(backup.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(backup);
        }

        Path restored = dir.resolve("restored");
        Storage.restore(backup, restored);
        // the images folder is backed up by copying it; the database refers to it by relative paths
        Path image = Path.of(ImageFiles.relativePath(ImageFiles.sha256(png), "png"));
        Files.createDirectories(restored.resolve(image).getParent());
        Files.copy(live.resolve(image), restored.resolve(image));

        try (Storage storage = Storage.open(restored)) {
            assertThat(storage.info().schemaVersion()).isEqualTo("13");
            Generation g = storage.generations().find(done).orElseThrow();
            assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(storage.generations().imageBytes(g.images().get(0))).isEqualTo(png);
            assertThat(storage.generations().find(afterBackup)).as("written after the backup").isEmpty();
            assertThat(storage.settings().user(g.userId()).get("steps")).isEqualTo(25L);
            long next = storage.generations().record(TestData.txt2img(g.userId(), "on the restored copy"), null);
            assertThat(storage.generations().find(next)).isPresent();
        }
    }

    @Test
    void restoreRefusesToReplaceADatabaseOrToReadSomethingElse() throws Exception {
        try (Storage storage = Storage.open(dir.resolve("live"))) {
            storage.backup(dir.resolve("b.zip"));
        }
        assertThatThrownBy(() -> Storage.restore(dir.resolve("b.zip"), dir.resolve("live")))
                .isInstanceOf(StorageException.class).hasMessageContaining("already holds a database");

        Path other = dir.resolve("other.zip");
        try (OutputStream out = Files.newOutputStream(other); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hello".getBytes());
        }
        assertThatThrownBy(() -> Storage.restore(other, dir.resolve("empty")))
                .isInstanceOf(StorageException.class).hasMessageContaining("is not a database backup");
        assertThat(dir.resolve("empty").resolve(Storage.DATABASE_FILE)).doesNotExist();
    }

    @Test
    void aBackupOntoTheLiveDatabaseOrAFolderIsRefusedBeforeAnyWork() throws Exception {
        Path live = dir.resolve("live");
        long id;
        try (Storage storage = Storage.open(live)) {
            long user = storage.users().ensure("discord", "42", "Ada").id();
            id = storage.generations().record(TestData.txt2img(user, "must survive"), null);
            Path database = live.resolve(Storage.DATABASE_FILE);
            byte[] before = Files.readAllBytes(database);

            assertThatThrownBy(() -> storage.backup(database)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is the live database (or one of its files) in " + live.toAbsolutePath())
                    .hasMessageContaining("Name a file outside the data folder");
            assertThatThrownBy(() -> storage.backup(dir.resolve("live/./imagine.trace.db")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the live database");
            assertThatThrownBy(() -> storage.backup(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the backup target " + dir.toAbsolutePath().normalize() + " is a folder; name a file, "
                            + "e.g. " + dir.toAbsolutePath().normalize().resolve("imagine-backup.zip"));
            assertThat(Files.readAllBytes(database)).isEqualTo(before);
        }
        try (Storage reopened = Storage.open(live)) {
            assertThat(reopened.generations().find(id)).isPresent();
        }
    }
}
