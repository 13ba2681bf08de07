package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine run} refuses a bad or incomplete configuration with the key, the value and what to do. */
class RunCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ImagineCommand.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void aMissingConfigurationFileNamesBothPlacesItLooked() {
        assertThat(run("run", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("nope.yaml");
    }

    @Test
    void everyMistakeIsReportedWithItsKey() throws IOException {
        Path file = dir.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  device: cpu\nlimits:\n  rate:\n    burst: -3\n  queue-capasity: 5\n");
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("engine.model: missing")
                .contains("limits.rate.burst: -3 is not allowed")
                .contains("limits.queue-capasity: unknown key; did you mean queue-capacity?");
    }

    @Test
    void withoutAnAdapterItNamesTheKeysToSet() throws IOException {
        Path file = dir.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  model: " + dir.resolve("model") + "\nweb:\n  enabled: false\n");
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no adapter configured: set telegram.token (or IMAGINE_TELEGRAM_TOKEN) "
                + "or discord.token (or IMAGINE_DISCORD_TOKEN), or set web.enabled to true");
    }

    @Test
    void theWebChatOnAnOpenAddressWithoutAPasswordRefusesToStart() throws IOException {
        Path file = dir.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  model: " + dir.resolve("model") + "\nweb:\n  bind-address: 0.0.0.0\n");
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("web.password: missing; web.bind-address is 0.0.0.0, which other "
                + "machines can reach");
    }

    @Test
    void theModelOptionOverridesTheFileAndAMissingFolderIsNamed() throws IOException {
        Path file = dir.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  model: elsewhere\n  device: cpu\nstorage:\n  dir: " + dir.resolve("data")
                + "\noperations:\n  enabled: false\nweb:\n  port: 0\n");
        assertThat(run("run", "--config", file.toString(), "--model", dir.resolve("no-such-model").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("no-such-model").doesNotContain("Exception");
    }

    @Test
    void aClusterRoleOnTheH2FileOrAnUnknownRoleIsRefusedWithASentence() throws IOException {
        Path file = dir.resolve("imagine.yaml");
        Files.writeString(file, "engine:\n  model: " + dir.resolve("model") + "\n");
        assertThat(run("run", "--config", file.toString(), "--role", "worker")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("--role: the worker role shares its queue through "
                + "PostgreSQL, and the embedded H2 file serves one process only; set storage.url")
                .doesNotContain("Exception");
        err.getBuffer().setLength(0);
        assertThat(run("run", "--config", file.toString(), "--role", "gpu")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: --role: \"gpu\" is not allowed; use all");
    }
}
