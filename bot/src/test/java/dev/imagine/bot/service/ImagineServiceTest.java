package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.dispatch.SubmitResult;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.storage.Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service in one process: wiring, health and metrics endpoints, limits from the configuration, clean stop. */
class ImagineServiceTest {
    @TempDir
    Path dir;

    private ImagineConfig config(String extra) {
        String yaml = "engine:\n  model: " + dir.resolve("model") + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  port: 0\n" + "web:\n  enabled: false\n" + extra;
        return ImagineConfig.parse(yaml, "test", dir, Map.of(Platform.TELEGRAM.tokenVariable(), "123:fake"));
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = fetch(port, path);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> fetch(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void runsJobsAndReportsHealthAndMetrics() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        CountDownLatch finished = new CountDownLatch(2);
        RecordingAdapter adapter = new RecordingAdapter(line -> {
            if (line.contains(" done ") || line.contains(" failed ")) {
                finished.countDown();
            }
        });
        ImagineService service = ImagineService.start(config("limits:\n  max-jobs-per-user: 10\n  rate:\n    burst: 2\n"),
                Map.of(Platform.TELEGRAM, c -> adapter), Clock.systemUTC());
        try {
            assertThat(adapter.submit("ann", GenerationRequest.builder("a fox").size(64, 64).steps(3).seed(1L).build()))
                    .isInstanceOf(SubmitResult.Accepted.class);
            assertThat(adapter.submit("ann", GenerationRequest.builder("a cat").size(64, 64).steps(3).seed(2L).build()))
                    .isInstanceOf(SubmitResult.Accepted.class);
            SubmitResult third = adapter.submit("ann", GenerationRequest.builder("a dog").size(64, 64).steps(3).build());
            assertThat(third).isInstanceOf(SubmitResult.Rejected.class);
            assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();

            int port = service.opsPort();
            JsonNode health = new ObjectMapper().readTree(get(port, "/healthz"));
            assertThat(health.path("status").asText()).isEqualTo("ok");
            assertThat(health.path("model").asText()).isEqualTo("model");
            assertThat(health.path("device").asText()).isEqualTo("CPU");
            assertThat(health.path("worker").path("status").asText()).isEqualTo("ok");
            assertThat(health.path("worker").path("thread").asText()).isEqualTo("alive");
            assertThat(health.path("engine").path("status").asText()).isEqualTo("ok");
            assertThat(health.path("database").path("status").asText()).isEqualTo("ok");
            String metrics = get(port, "/metrics");
            assertThat(metrics)
                    .contains("imagine_queue_length")
                    .contains("imagine_jobs_total{outcome=\"done\"} 2.0")
                    .contains("imagine_rejections_total{reason=\"rate_limited\"} 1.0")
                    .contains("imagine_step_time_seconds_count")
                    .contains("imagine_engine_busy_ratio");
            assertThat(metrics).doesNotContain("123:fake");
        } finally {
            service.close(Duration.ofSeconds(30));
        }
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            assertThat(storage.counts().generations()).isEqualTo(2);
        }
    }

    @Test
    void healthSaysDownWhenTheWorkerOrTheDatabaseIsGone() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        ImagineService service = ImagineService.start(config(""), Map.of(Platform.TELEGRAM,
                c -> new RecordingAdapter(line -> { })), Clock.systemUTC());
        try {
            int port = service.opsPort();
            assertThat(service.dispatcher().shutdown(Duration.ZERO)).isTrue();

            HttpResponse<String> workerGone = fetch(port, "/healthz");
            assertThat(workerGone.statusCode()).isEqualTo(503);
            JsonNode health = new ObjectMapper().readTree(workerGone.body());
            assertThat(health.path("status").asText()).isEqualTo("down");
            assertThat(health.path("worker").path("thread").asText()).isEqualTo("stopped");
            assertThat(health.path("database").path("status").asText()).isEqualTo("ok");

            service.context().storage().close();
            JsonNode databaseGone = new ObjectMapper().readTree(fetch(port, "/healthz").body());
            assertThat(databaseGone.path("database").path("status").asText()).isEqualTo("down");
            assertThat(databaseGone.path("database").path("error").asText()).isNotBlank();
        } finally {
            service.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aConfiguredPlatformWithoutAnAdapterIsRefusedAndNothingStaysOpen() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        assertThatThrownBy(() -> ImagineService.start(config(""), Map.of(), Clock.systemUTC()))
                .hasMessage("the telegram adapter is not part of this build; remove its token from the configuration");
        // The storage was not left open: another process-local open succeeds.
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            assertThat(storage.counts().generations()).isZero();
        }
    }

    @Test
    void aMissingModelFailsTheStartWithTheEnginesSentence() {
        assertThatThrownBy(() -> ImagineService.start(config(""), Map.of(Platform.TELEGRAM,
                c -> new RecordingAdapter(line -> { })), Clock.systemUTC()))
                .hasMessageContaining("does not exist or is not a folder");
        try (Storage storage = Storage.open(dir.resolve("data"))) {
            assertThat(storage.counts().generations()).isZero();
        }
    }
}
