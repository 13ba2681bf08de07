package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A file with only the model gets the documented defaults (values from the service issue and the engine). */
class DefaultsTest {

    private static final Path WORK = Path.of("/srv/imagine");

    private static ImagineConfig minimal() {
        return ImagineConfig.parse("engine:\n  model: sd15\n", "imagine.yaml", WORK, Map.of());
    }

    @Test
    void engineDefaults() {
        EngineSettings engine = minimal().engine();

        assertThat(engine.model()).isEqualTo("sd15");
        assertThat(engine.device()).isEqualTo("auto");
        assertThat(engine.threads()).isZero();
        assertThat(engine.maxSide()).isEqualTo(1024);
        // 10 MB = 10 x 1024 x 1024 bytes; 4096 x 4096 pixels, the engine's own default.
        assertThat(engine.inputImage()).isEqualTo(new InputImageSettings(10_485_760L, 16_777_216L));
        assertThat(engine.cuda()).isEqualTo(new CudaSettings(0, CudaSettings.ConvAlgoSearch.DEFAULT,
                CudaSettings.ArenaStrategy.SAME_AS_REQUESTED));
    }

    @Test
    void limitDefaultsFromTheIssue() {
        LimitSettings limits = minimal().limits();

        assertThat(limits.rate()).isEqualTo(new RateLimit(4, 10, Duration.ofMinutes(10)));
        assertThat(limits.maxJobsPerUser()).isEqualTo(2);
        assertThat(limits.queueCapacity()).isEqualTo(100);
        assertThat(limits.jobTimeLimit()).isEqualTo(Duration.ofMinutes(10));
        assertThat(limits.maxFrames()).isEqualTo(48);
        assertThat(limits.admins()).isEmpty();
        assertThat(limits.users()).isEmpty();
        assertThat(limits.roles()).isEmpty();
        assertThat(limits).isEqualTo(LimitSettings.defaults());
    }

    @Test
    void foldersAreResolvedAgainstTheWorkingDirectory() {
        ImagineConfig config = minimal();

        assertThat(config.storage().dir()).isEqualTo(Path.of("/srv/imagine/data"));
        assertThat(config.models().dir()).isEqualTo(Path.of("/srv/imagine/models"));

        ImagineConfig moved = ImagineConfig.parse("engine: {model: m}\nstorage: {dir: ../state/db}\n"
                + "models: {dir: /opt/models/}\n", "imagine.yaml", WORK, Map.of());
        assertThat(moved.storage().dir()).isEqualTo(Path.of("/srv/state/db"));
        assertThat(moved.models().dir()).isEqualTo(Path.of("/opt/models"));
    }

    @Test
    void adaptersHubAndOperationsDefaults() {
        ImagineConfig config = minimal();

        assertThat(config.telegram()).isEqualTo(new TelegramSettings(Optional.empty(), URI.create("https://api.telegram.org")));
        assertThat(config.discord()).isEqualTo(
                new DiscordSettings(Optional.empty(), URI.create("https://discord.com/api"), List.of()));
        assertThat(config.models().hub()).isEqualTo(
                new ModelHubSettings(URI.create("https://huggingface.co"), Optional.empty()));
        assertThat(config.operations()).isEqualTo(new OperationsSettings(true, "127.0.0.1", 9464));
        assertThat(config.operations().isLoopback()).isTrue();
        assertThat(config.warnings()).isEmpty();
        assertThat(config.web()).isEqualTo(WebSettings.local(8080));
        assertThat(config.web().signIn()).isFalse();
        assertThat(config.configuredAdapters()).containsExactly(Platform.WEB);
    }

    @Test
    void nullValuesMeanTheDefault() {
        ImagineConfig config = ImagineConfig.parse("engine:\n  model: m\n  device:\nlimits:\n  rate:\n",
                "imagine.yaml", WORK, Map.of());

        assertThat(config.engine().device()).isEqualTo("auto");
        assertThat(config.limits().rate()).isEqualTo(RateLimit.DEFAULT);
    }

    @Test
    void valuesAreReadAndNormalized() {
        ImagineConfig config = ImagineConfig.parse("""
                engine:
                  model: "  ./models/sd 1.5  "
                  device: CUDA
                  threads: "8"
                  max-side: 768
                  input-image: {max-size: 512K, max-pixels: 1048576}
                  cuda: {memory-limit: 6G, conv-algo-search: heuristic, arena-strategy: next-power-of-two}
                limits:
                  rate: {burst: 10, refill: 60, refill-period: 1h}
                  max-jobs-per-user: 5
                  queue-capacity: 500
                  job-time-limit: 90s
                  admins: discord:555
                discord:
                  api-url: http://127.0.0.1:8080/api/
                  guild-ids: [123456789012345678, "42", 42]
                operations: {enabled: off, bind-address: "::1", port: 0}
                """, "imagine.yaml", WORK, Map.of());

        EngineSettings engine = config.engine();
        assertThat(engine.model()).isEqualTo("./models/sd 1.5");
        assertThat(engine.device()).isEqualTo("cuda:0");
        assertThat(engine.threads()).isEqualTo(8);
        assertThat(engine.maxSide()).isEqualTo(768);
        // 512 x 1024 bytes; 6 x 1024^3 bytes.
        assertThat(engine.inputImage()).isEqualTo(new InputImageSettings(524_288L, 1_048_576L));
        assertThat(engine.cuda()).isEqualTo(new CudaSettings(6_442_450_944L, CudaSettings.ConvAlgoSearch.HEURISTIC,
                CudaSettings.ArenaStrategy.NEXT_POWER_OF_TWO));
        LimitSettings limits = config.limits();
        assertThat(limits.rate()).isEqualTo(new RateLimit(10, 60, Duration.ofHours(1)));
        assertThat(limits.maxJobsPerUser()).isEqualTo(5);
        assertThat(limits.queueCapacity()).isEqualTo(500);
        assertThat(limits.jobTimeLimit()).isEqualTo(Duration.ofSeconds(90));
        assertThat(limits.admins()).containsExactly(new PlatformUser(Platform.DISCORD, 555));
        assertThat(config.discord().apiUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/api"));
        assertThat(config.discord().guildIds()).containsExactly(123456789012345678L, 42L);
        assertThat(config.operations()).isEqualTo(new OperationsSettings(false, "::1", 0));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void cudaDeviceNumbersAreKept() {
        ImagineConfig config = ImagineConfig.parse("engine: {model: m, device: 'cuda:03'}\n", "imagine.yaml",
                WORK, Map.of());

        assertThat(config.engine().device()).isEqualTo("cuda:3");
    }
}
