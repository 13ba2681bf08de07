package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.storage.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 3 and {@code db restore}: while another process (a child JVM, as {@code imagine run} would be)
 * holds the data folder's database, {@code history} and {@code db info} read it and {@code db backup} writes a
 * consistent copy through that process; {@code db restore} refuses while it runs, checks the file first, and once the
 * process is gone puts the backup in place with the old files kept aside. Before the fix every one of these said
 * "in use by another process" (and there was no {@code db restore}).
 */
class OnlineBackupTest {

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void historyAndBackupWorkWhileAnotherProcessHoldsTheDatabaseAndRestoreWaitsForItToStop() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backups").resolve("imagine.zip");
        Process holder = HoldingProcess.start(data, "a lighthouse held open", dir.resolve("holder.txt"));
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = lines.readLine();
            assertThat(ready).as("holder: %s", Files.exists(dir.resolve("holder.txt"))
                    ? Files.readString(dir.resolve("holder.txt")) : "").startsWith("ready ");

            assertThat(run("history", "--data", data.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("a lighthouse held open");
            assertThat(run("db", "info", "--data", data.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("generations     1");

            assertThat(run("db", "backup", backup.toString(), "--data", data.toString())).as(err.toString()).isZero();
            assertThat(err.toString()).contains("through the imagine process that has it open");
            try (Stream<Path> files = Files.list(backup.getParent())) {
                assertThat(files).as("no temporary file left").containsExactly(backup);
            }

            assertThat(run("db", "restore", backup.toString(), "--data", data.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("is in use by another process; stop imagine run (or generate) first")
                    .doesNotContain("Exception");
        } finally {
            try (OutputStream stdin = holder.getOutputStream()) {
                stdin.flush();
            }
            assertThat(holder.waitFor(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(holder.exitValue()).isZero();
        assertThat(data.resolve("imagine.server")).as("the holder removes its server file").doesNotExist();

        // The live database moves on after the backup; the restore brings back the backed-up state.
        try (Storage storage = Storage.open(data)) {
            storage.users().ensure("cli", "someone-later", null);
        }
        assertThat(run("db", "restore", backup.toString(), "--data", data.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("the replaced database files are in " + data.toAbsolutePath().normalize()
                .resolve("replaced-"));
        try (Stream<Path> files = Files.list(data)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("replaced-")).findFirst()
                    .orElseThrow();
            assertThat(aside.resolve(Storage.DATABASE_FILE)).isRegularFile();
        }
        try (Storage storage = Storage.open(data)) {
            assertThat(storage.counts().generations()).isEqualTo(1);
            assertThat(storage.users().find("cli", "someone-later")).as("made after the backup").isEmpty();
        }
        assertThat(run("history", "--data", data.toString())).isZero();
        assertThat(out.toString()).contains("a lighthouse held open");
    }

    @Test
    void restoreChecksTheFileBeforeTouchingTheDatabase() throws IOException {
        Path data = dir.resolve("data");
        try (Storage storage = Storage.open(data)) {
            storage.users().ensure("cli", "local", null);
        }
        byte[] live = Files.readAllBytes(data.resolve(Storage.DATABASE_FILE));

        Path notes = dir.resolve("notes.zip");
        zip(notes, "notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        Path junk = dir.resolve("junk.zip");
        zip(junk, Storage.DATABASE_FILE, "not a database at all".repeat(200).getBytes(StandardCharsets.UTF_8));
        Path text = Files.writeString(dir.resolve("plain.zip"), "not even a zip");
        for (Path bad : List.of(notes, junk, text)) {
            assertThat(run("db", "restore", bad.toString(), "--data", data.toString())).as(err.toString())
                    .isEqualTo(1);
            assertThat(err.toString()).startsWith("error: " + bad).contains("imagine").doesNotContain("Exception");
        }
        assertThat(run("db", "restore", dir.toString(), "--data", data.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("the backup file " + dir + " is a folder; name a file");

        assertThat(Files.readAllBytes(data.resolve(Storage.DATABASE_FILE))).as("untouched").isEqualTo(live);
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("replaced-") || name.startsWith("restoring-"));
        }
    }

    private static void zip(Path file, String entry, byte[] content) throws IOException {
        try (OutputStream stream = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(stream)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
        }
    }
}
