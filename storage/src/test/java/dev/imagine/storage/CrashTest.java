package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process with SIGKILL while it records generations, then checks that every generation whose record (or
 * markDone) call had returned is in the reopened database, and that the next id follows the last one.
 */
class CrashTest {
    /** Records to see before the kill; the child keeps writing while the parent reads, so it dies mid-write. */
    private static final int RECORDS_BEFORE_KILL = 150;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyGenerationWhoseCallReturnedSurvivesSigkill() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("child-stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                RecordLoop.class.getName(), data.toString())
                .redirectError(stderr.toFile())
                .start();
        List<Long> recorded = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        try (Reader reader = new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)) {
            BufferedReader lines = new BufferedReader(reader);
            while (recorded.size() < RECORDS_BEFORE_KILL) {
                String line = lines.readLine();
                assertThat(line).as("the child stopped early: %s", Files.exists(stderr) ? Files.readString(stderr) : "")
                        .isNotNull();
                parse(line, recorded, done);
            }
            assertThatThrownBy(() -> Storage.open(data)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("is in use by another process");

            // SIGKILL through the process handle: Process.destroyForcibly() sends the same signal but also closes
            // our end of the pipe, which would lose the ids the child printed just before it died.
            assertThat(child.toHandle().destroyForcibly()).isTrue();
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
            // Lines the child printed before it died are still in the pipe; a line cut by the kill is ignored.
            String rest = readRest(lines);
            int end = rest.lastIndexOf('\n');
            if (end >= 0) {
                rest.substring(0, end + 1).lines().forEach(line -> parse(line, recorded, done));
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

        try (Storage storage = Storage.open(data)) {
            long survived = recorded.stream().filter(id -> storage.generations().find(id).isPresent()).count();
            long doneSurvived = done.stream().filter(id -> storage.generations().find(id)
                    .map(g -> g.status() == GenerationStatus.DONE
                            && storage.generations().imageBytes(g.images().get(0)).length > 0)
                    .orElse(false)).count();
            long rows = storage.counts().generations();
            System.out.printf("SIGKILL test: %d generations recorded (call returned), %d survived; %d marked done, "
                    + "%d still done with an intact image; %d rows in the reopened database%n",
                    recorded.size(), survived, done.size(), doneSurvived, rows);
            assertThat(survived).isEqualTo(recorded.size());
            assertThat(doneSurvived).isEqualTo(done.size());
            assertThat(rows).isBetween((long) recorded.size(), recorded.size() + 1L);

            long user = storage.users().find("cli", "crash-test").orElseThrow().id();
            long after = storage.generations().record(TestData.txt2img(user, "after the crash"), null);
            assertThat(storage.generations().find(after)).isPresent();
            // Ids 1..rows were taken before the kill; the next one follows them without a gap (H2's default
            // identity cache of 32 made it jump by about 31 after a SIGKILL).
            assertThat(after).as("the first id after the crash").isEqualTo(rows + 1);
        }
    }

    private static void parse(String line, List<Long> recorded, List<Long> done) {
        String[] parts = line.split(" ");
        (parts[0].equals("done") ? done : recorded).add(Long.parseLong(parts[1]));
    }

    private static String readRest(BufferedReader reader) throws IOException {
        StringBuilder rest = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
            rest.append(buffer, 0, n);
        }
        return rest.toString();
    }
}
