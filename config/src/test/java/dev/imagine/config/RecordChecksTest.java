package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Records built in code are checked as the file is, so an invalid configuration cannot exist. */
class RecordChecksTest {

    @Test
    void rateLimitRanges() {
        assertThatThrownBy(() -> new RateLimit(0, 10, Duration.ofMinutes(1)))
                .hasMessage("burst: 0 is not allowed; use a whole number from 1 to 1000");
        assertThatThrownBy(() -> new RateLimit(4, 100_001, Duration.ofMinutes(1)))
                .hasMessage("refill: 100001 is not allowed; use a whole number from 1 to 100000");
        assertThatThrownBy(() -> new RateLimit(4, 10, Duration.ofMillis(999)))
                .hasMessage("refill-period: 999ms is not allowed; use a duration from 1s to 7d, such as 90s, 10m or 1h");
    }

    @Test
    void engineSettingsNameTheirKeys() {
        InputImageSettings input = InputImageSettings.defaults();
        CudaSettings cuda = CudaSettings.defaults();

        assertThatThrownBy(() -> new EngineSettings(null, "cpu", 0, 512, input, cuda))
                .hasMessage("engine.model: missing; set it to a model folder or the name of a pulled model");
        assertThatThrownBy(() -> new EngineSettings("m", "tpu", 0, 512, input, cuda))
                .hasMessage("engine.device: \"tpu\" is not allowed; use cpu, cuda, cuda:N (N from 0 to 63) or auto");
        assertThatThrownBy(() -> new EngineSettings("m", "cuda:64", 0, 512, input, cuda))
                .hasMessageStartingWith("engine.device: \"cuda:64\" is not allowed");
        assertThatThrownBy(() -> new EngineSettings("m", "cpu", 0, 516, input, cuda))
                .hasMessage("engine.max-side: 516 is not allowed; use a multiple of 8 from 64 to 2048");
        assertThatThrownBy(() -> new CudaSettings(1 << 20, CudaSettings.ConvAlgoSearch.DEFAULT,
                CudaSettings.ArenaStrategy.SAME_AS_REQUESTED))
                .hasMessage("engine.cuda.memory-limit: 1048576 is not allowed; use 0 (no limit) or a size from 64M to "
                        + "1T, such as 6G");
        assertThat(new EngineSettings(" m ", "CUDA", 4, 2048, input, cuda).device()).isEqualTo("cuda:0");
    }

    @Test
    void limitSettingsKeepThePerUserCapWithinTheQueue() {
        assertThatThrownBy(() -> new LimitSettings(RateLimit.DEFAULT, 5, 4, Duration.ofMinutes(10), 48, List.of(),
                Map.of(), Map.of()))
                .hasMessage("limits.max-jobs-per-user: 5 is not allowed; use a whole number from 1 to 4");
        assertThatThrownBy(() -> new LimitSettings(RateLimit.DEFAULT, 2, 100, Duration.ofSeconds(5), 48, List.of(),
                Map.of(), Map.of()))
                .hasMessage("limits.job-time-limit: 5s is not allowed; use a duration from 10s to 1d, such as 90s, "
                        + "10m or 1h");
        assertThatThrownBy(() -> new LimitSettings(RateLimit.DEFAULT, 2, 100, Duration.ofMinutes(10), 1, List.of(),
                Map.of(), Map.of()))
                .hasMessage("limits.max-frames: 1 is not allowed; use a whole number from 2 to 480");
    }

    @Test
    void urlsAreHttpWithoutTrailingSlash() {
        assertThat(new TelegramSettings(Optional.empty(), URI.create("https://bots.example/tg/")).apiUrl())
                .isEqualTo(URI.create("https://bots.example/tg"));
        assertThatThrownBy(() -> new DiscordSettings(Optional.empty(), URI.create("https://user:pw@discord.com/api"),
                List.of()))
                .hasMessage("discord.api-url: \"https://user:pw@discord.com/api\" is not allowed; use an http or "
                        + "https URL such as https://discord.com/api, with no user, query or fragment");
        assertThatThrownBy(() -> new ModelHubSettings(URI.create("https://hf.example/?x=1"), Optional.empty()))
                .hasMessageStartingWith("models.hub.endpoint: \"https://hf.example/?x=1\" is not allowed");
    }

    @Test
    void operationsAcceptIpLiteralsOnly() {
        assertThat(new OperationsSettings(true, "LOCALHOST", 1).bindAddress()).isEqualTo("localhost");
        assertThat(new OperationsSettings(true, "::", 1).isLoopback()).isFalse();
        assertThat(new OperationsSettings(true, "127.0.0.2", 1).isLoopback()).isTrue();
        assertThat(new OperationsSettings(true, "fe80::1:2", 1).bindAddress()).isEqualTo("fe80::1:2");
        for (String bad : List.of("256.0.0.1", "1.2.3", "metrics.internal", "1::2::3", "")) {
            assertThatThrownBy(() -> new OperationsSettings(true, bad, 1))
                    .as(bad).hasMessageStartingWith("operations.bind-address: ");
        }
        assertThatThrownBy(() -> new OperationsSettings(true, "127.0.0.1", 65536))
                .hasMessage("operations.port: 65536 is not allowed; use a whole number from 0 to 65535");
    }

    @Test
    void platformUsersNeedAPositiveId() {
        assertThatThrownBy(() -> new PlatformUser(Platform.TELEGRAM, 0))
                .hasMessage("user id 0 is not allowed; use a positive number");
        assertThatThrownBy(() -> PlatformUser.parse("telegram:99999999999999999999"))
                .hasMessage("\"telegram:99999999999999999999\" is not allowed; use telegram:<user id> or "
                        + "discord:<user id>, such as telegram:123456789");
    }
}
