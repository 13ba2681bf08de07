package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the file {@code imagine run} uses, and telling which adapters it configures. */
class LoadTest {

    @TempDir
    Path work;

    @Test
    void readsImagineYamlInTheWorkingDirectory() throws IOException {
        Files.writeString(work.resolve("imagine.yaml"), "engine:\n  model: local\n");

        ImagineConfig config = ImagineConfig.load(Optional.empty(), work, Map.of());

        assertThat(config.engine().model()).isEqualTo("local");
        assertThat(config.storage().dir()).isEqualTo(work.toAbsolutePath().resolve("data"));
    }

    @Test
    void anExplicitFileWinsAndIsRelativeToTheWorkingDirectory() throws IOException {
        Files.writeString(work.resolve("imagine.yaml"), "engine:\n  model: local\n");
        Files.createDirectories(work.resolve("etc"));
        Files.writeString(work.resolve("etc/bot.yaml"), "engine:\n  model: explicit\n");

        ImagineConfig config = ImagineConfig.load(Optional.of(Path.of("etc/bot.yaml")), work, Map.of());

        assertThat(config.engine().model()).isEqualTo("explicit");
    }

    @Test
    void neitherFileExistingNamesBoth() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.load(Optional.empty(), work, Map.of()));

        Path standard = work.toAbsolutePath().resolve("imagine.yaml");
        assertThat(e.getMessage()).isEqualTo("no configuration file: --config FILE was not given and " + standard
                + " does not exist; copy config/imagine.example.yaml to " + standard
                + " and set engine.model, or pass --config FILE (imagine run also takes --model DIR to run on the "
                + "defaults)");
    }

    @Test
    void aMissingExplicitFileIsNamed() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.load(Optional.of(Path.of("nope.yaml")), work, Map.of()));

        assertThat(e.getMessage()).isEqualTo("cannot read the configuration file: "
                + work.toAbsolutePath().resolve("nope.yaml") + " does not exist");
    }

    @Test
    void aFolderOrAHugeFileIsRefused() throws IOException {
        Files.createDirectories(work.resolve("imagine.yaml"));
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.load(Optional.empty(), work, Map.of())).getMessage())
                .isEqualTo("cannot read the configuration file: " + work.toAbsolutePath().resolve("imagine.yaml")
                        + " is a folder, not a file");

        Path huge = work.resolve("huge.yaml");
        Files.writeString(huge, "#".repeat((1 << 20) + 1));
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.read(huge, work, Map.of())).getMessage())
                .isEqualTo("cannot read the configuration file: " + huge
                        + " is larger than 1M; a configuration file is a few kilobytes");
    }

    @Test
    void problemsInAFileNameTheFile() throws IOException {
        Path file = work.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  model: m\noperations:\n  port: -1\n");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.load(Optional.empty(), work, Map.of()));

        assertThat(e.getMessage()).isEqualTo("invalid configuration in " + work.toAbsolutePath().resolve("imagine.yaml")
                + ": operations.port: -1 is not allowed; use a whole number from 1 to 65535, or 0 for any free port");
    }

    @Test
    void noAdapterConfiguredNamesTheKeysAndVariables() {
        ImagineConfig config = ImagineConfig.parse("engine: {model: m}\nweb: {enabled: false}\n", "imagine.yaml", work,
                Map.of());

        ConfigException e = catchThrowableOfType(ConfigException.class, config::requireAdapters);

        assertThat(e.getMessage()).isEqualTo("no adapter configured: set telegram.token (or IMAGINE_TELEGRAM_TOKEN) "
                + "or discord.token (or IMAGINE_DISCORD_TOKEN), or set web.enabled to true");
    }

    @Test
    void eachTokenConfiguresItsAdapter() {
        ImagineConfig discordOnly = ImagineConfig.parse("engine: {model: m}\n", "imagine.yaml", work,
                Map.of("IMAGINE_DISCORD_TOKEN", "d.token"));
        assertThat(discordOnly.requireAdapters()).containsExactly(Platform.DISCORD, Platform.WEB);
        assertThat(discordOnly.telegram().configured()).isFalse();

        ImagineConfig telegramOnly = ImagineConfig.parse("engine: {model: m}\n", "imagine.yaml", work,
                Map.of("IMAGINE_TELEGRAM_TOKEN", "1:t"));
        assertThat(telegramOnly.requireAdapters()).containsExactly(Platform.TELEGRAM, Platform.WEB);
    }

    @Test
    void riskySettingsDrawWarnings() {
        ImagineConfig config = ImagineConfig.parse("""
                engine: {model: m}
                telegram: {api-url: "http://bot-api.example.com:8081"}
                discord: {api-url: "http://localhost:9000/api"}
                operations: {bind-address: 0.0.0.0}
                """, "imagine.yaml", work, Map.of());

        assertThat(config.warnings()).containsExactly(
                "telegram.api-url is http://bot-api.example.com:8081: plain http to another machine sends tokens "
                        + "and images unencrypted; use https",
                "operations.bind-address is 0.0.0.0, so other machines can reach /metrics and /healthz, which have "
                        + "no authentication; use 127.0.0.1 unless a firewall or proxy guards the port");
    }
}
