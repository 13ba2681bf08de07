package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.imagine.bot.app.Adapters;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Discord adapter as {@code imagine run} starts it: from the configuration (token from the environment, API URL
 * and server from YAML) through {@link Adapters#available()}, with the tiny real model and the dispatcher's own
 * worker.
 */
class DiscordServiceTest {
    @TempDir
    Path dir;

    @AutoClose
    final FakeDiscord fake = FakeDiscord.start();

    @Test
    void theServiceStartsTheDiscordAdapterFromItsConfigurationAndAnswersASlashCommand() throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        String yaml = "engine:\n  model: " + dir.resolve("model") + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n" + "web:\n  enabled: false\n"
                + "discord:\n  api-url: " + fake.apiUrl() + "\n  guild-ids: [" + FakeDiscord.GUILD_ID + "]\n";
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir,
                Map.of(Platform.DISCORD.tokenVariable(), FakeDiscord.TOKEN));

        ImagineService service = ImagineService.start(config, Adapters.available(), Clock.systemUTC());
        try {
            assertThat(fake.commands()).containsKey("imagine");
            fake.awaitAcknowledged(fake.slash(new FakeDiscord.Person("1001", "Alice", false), false, "imagine",
                    JsonNodeFactory.instance.arrayNode().add(FakeDiscord.option("prompt", 3,
                            "a fox --seed 1 --size 64x64 --steps 3")), null));

            FakeDiscord.Visible result = fake.awaitVisible(v -> !v.files().isEmpty(), Duration.ofSeconds(60));

            assertThat(result.content()).startsWith("a fox\n").contains("Seed 1").contains("64x64");
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(result.files().get(0).bytes()));
            assertThat(picture.getWidth()).isEqualTo(64);
            assertThat(picture.getHeight()).isEqualTo(64);
        } finally {
            service.close(Duration.ofSeconds(30));
        }
    }
}
