package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imagine cluster status} and {@code imagine db info --db-url} on a real PostgreSQL server (skipped with one
 * line where none answers at {@code IMAGINE_TEST_POSTGRES_URL}), in a schema of this class's own.
 */
class ClusterCommandsTest {
    private static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "imagine_cli_test_" + ProcessHandle.current().pid();
    private static boolean answers;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void findServer() {
        try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3")) {
            answers = c.isValid(3);
        } catch (SQLException e) {
            answers = false;
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (answers) {
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    private int run(String... args) {
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void statusListsTheNodesWithTheirRoleAndTheJobTheyRun() {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        DatabaseServer server = new DatabaseServer(URL, null, null).inSchema(SCHEMA);
        long id;
        try (Storage storage = Storage.open(StorageOptions.of(dir).withServer(server))) {
            long user = storage.users().ensure("telegram", "42", null).id();
            ClusterQueue queue = storage.queue();
            queue.beat("gpu-1", "worker", true);
            queue.beat("chat-1", "frontend", true);
            NewGeneration request = new NewGeneration(user, GenerationKind.TXT2IMG, null,
                    new ModelRef("tiny", null, null), GenerationParameters.of("prompt", "a fox"), null);
            id = ((ClusterQueue.Admission.Queued) queue.enqueue(request, null, 2, 10)).id();
            queue.enqueue(request, null, 2, 10);
            queue.claim("gpu-1", Duration.ofMinutes(1)).orElseThrow();
        }

        assertThat(run("cluster", "status", "--db-url", server.url())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("queued jobs     1")
                .containsPattern("chat-1 +frontend +last heartbeat \\d+ s ago, 0 jobs done, idle")
                .containsPattern("gpu-1 +worker +last heartbeat \\d+ s ago, 0 jobs done, running #" + id + "\n");

        out.getBuffer().setLength(0);
        assertThat(run("db", "info", "--db-url", server.url())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("database        " + URL + " (").contains("schema version  13")
                .contains("generations     2 (queued 1, running 1, done 0, failed 0, cancelled 0)")
                .doesNotContain("data directory").doesNotContain(SCHEMA);
    }

    @Test
    void statusWithoutAServerSaysWhatItNeeds() {
        assertThat(run("cluster", "status", "--data", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("imagine cluster status needs --db-url");
    }
}
