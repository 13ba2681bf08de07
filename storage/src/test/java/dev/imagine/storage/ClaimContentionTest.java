package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers never run the same job: 8 threads in this JVM and 8 in a child JVM claim from one queue on
 * PostgreSQL at once, and every job is claimed exactly once ({@code claims_seen}'s primary key would refuse a second
 * claim) and done exactly once.
 */
class ClaimContentionTest {
    private static final int JOBS = 160;
    private static final int USERS = 20;
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    @Test
    void concurrentClaimsFromTwoProcessesNeverTakeTheSameJob() throws Exception {
        try (StorageBackend.Place place = StorageBackend.POSTGRESQL.place(dir); Storage storage = place.open()) {
            try (Connection c = place.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE claims_seen (generation_id BIGINT PRIMARY KEY, worker VARCHAR(64) NOT NULL)");
            }
            for (int i = 0; i < JOBS; i++) {
                long user = storage.users().ensure("discord", "user-" + (i % USERS), null).id();
                assertThat(storage.queue().enqueue(TestData.txt2img(user, "job " + i), null, JOBS, JOBS))
                        .isInstanceOf(ClusterQueue.Admission.Queued.class);
            }

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    ClaimLoop.class.getName(), place.server().url(), "child", Integer.toString(THREADS))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                StringBuilder before = new StringBuilder();
                String line = out.readLine();
                while (line != null && !line.equals("ready")) {
                    before.append(line).append('\n');
                    line = out.readLine();
                }
                assertThat(line).as("the child's start: " + before).isEqualTo("ready");
                try (Writer go = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                    go.write("go\n");
                }
                int here = ClaimLoop.run(storage, place.server(), "parent", THREADS);
                StringBuilder childOutput = new StringBuilder();
                for (String rest = out.readLine(); rest != null; rest = out.readLine()) {
                    childOutput.append(rest).append('\n');
                }
                assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
                assertThat(child.exitValue()).as(childOutput.toString()).isZero();
                int there = Integer.parseInt(childOutput.toString().lines()
                        .filter(l -> l.startsWith("claimed ")).findFirst().orElseThrow().substring(8));
                assertThat(here + there).isEqualTo(JOBS);
                assertThat(there).as("the child process claimed jobs too").isPositive();
            } finally {
                child.destroyForcibly();
            }

            try (Connection c = place.connect(); Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT generation_id), "
                            + "COUNT(DISTINCT worker) FROM claims_seen")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(JOBS);
                assertThat(rows.getLong(2)).isEqualTo(JOBS);
                assertThat(rows.getLong(3)).as("claimers that got work").isGreaterThan(2);
            }
            assertThat(storage.counts().generationsByStatus().get(GenerationStatus.DONE)).isEqualTo(JOBS);
            assertThat(storage.generations().unfinished()).isEmpty();
            try (Connection c = place.connect(); Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT MAX(attempts) FROM generations")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
    }
}
