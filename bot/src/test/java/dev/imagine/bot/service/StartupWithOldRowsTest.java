package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import dev.imagine.storage.Storage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 4: 2 056 command-line rows delayed {@code imagine run}'s start by 32 s. Measures the start with
 * none and with 10 000 old command-line rows (finished and never marked delivered, as before V8, plus some left
 * running); prints both. Tagged slow: {@code -Dgroups=slow -Dtest=StartupWithOldRowsTest}.
 */
@Tag("slow")
class StartupWithOldRowsTest {
    @TempDir
    Path dir;

    private long startMillis(Path data, Path model) throws Exception {
        RecordingAdapter adapter = new RecordingAdapter(line -> { });
        long start = System.nanoTime();
        ImagineService service = ImagineService.start(RestartDriver.config(data, model),
                Map.of(Platform.TELEGRAM, c -> adapter), Clock.systemUTC());
        long millis = (System.nanoTime() - start) / 1_000_000;
        service.close(Duration.ZERO);
        assertThat(adapter.lines).isEmpty();
        return millis;
    }

    @Test
    void startingWithTenThousandOldCommandLineRowsTakesAsLongAsWithNone() throws Exception {
        Path model = dir.resolve("model");
        DemoModel.writeTiny(model);
        startMillis(dir.resolve("warm-up"), model);
        long empty = startMillis(dir.resolve("empty"), model);

        Path data = dir.resolve("full");
        Storage.open(data).close();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.toAbsolutePath().resolve("imagine")
                + ";DB_CLOSE_ON_EXIT=FALSE", "imagine", ""); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (platform, external_id, first_seen) VALUES ('cli', 'local', "
                    + "CURRENT_TIMESTAMP)");
            s.executeUpdate("INSERT INTO generations (user_id, platform, kind, model_name, parameters, status, "
                    + "queued_at, started_at, finished_at) SELECT (SELECT id FROM users), 'cli', 'txt2img', 'tiny', "
                    + "'{\"prompt\":\"old ' || X || '\",\"seed\":' || X || '}', CASE WHEN MOD(X, 100) = 0 "
                    + "THEN 'running' ELSE 'done' END, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CASE WHEN MOD(X, 100) = 0 "
                    + "THEN NULL ELSE CURRENT_TIMESTAMP END FROM SYSTEM_RANGE(1, 10000)");
        }
        long full = startMillis(data, model);
        System.out.println("start-up: empty " + empty + " ms, 10 000 old command-line rows " + full + " ms");
        assertThat(full).isLessThan(empty * 2 + 1_000);
    }
}
