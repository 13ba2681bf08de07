package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Discord adapter end to end: the real JDA client against {@link FakeDiscord}. */
class DiscordAdapterTest {
    private static final FakeDiscord.Person ALICE = new FakeDiscord.Person("1001", "Alice", false);

    @TempDir
    Path folder;

    private final FakeDiscord fake = FakeDiscord.start();
    private final MutableClock clock = new MutableClock();
    private final StepEngine engine = new StepEngine();
    private TestBot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        fake.close();
    }

    @Test
    void aSlashCommandIsDeferredEditedAndFinishedWithAPngAndButtons() throws Exception {
        bot = TestBot.start(folder.resolve("data"), fake, engine, clock, TestBot.options());
        assertThat(fake.commands().keySet()).contains("imagine", "history", "rerun", "seed", "queue", "cancel",
                "settings", "help");

        ArrayNode options = JsonNodeFactory.instance.arrayNode().add(FakeDiscord.option("prompt", 3, "a red fox --seed 42"));
        FakeDiscord.Sent sent = fake.slash(ALICE, false, "imagine", options, null);
        fake.awaitAcknowledged(sent);
        bot.awaitIdle();
        List<FakeDiscord.Visible> queued = fake.takeVisible();
        System.out.println(queued);
        assertThat(bot.runJobs()).isEqualTo(1);
        bot.awaitIdle();
        List<FakeDiscord.Visible> done = fake.takeVisible();
        System.out.println(done);
        System.out.println(fake.requests());
        assertThat(done).last().satisfies(v -> {
            assertThat(v.files()).hasSize(1);
            assertThat(v.components()).contains(ButtonId.of(ButtonAction.RERUN, 1).encode());
        });
    }
}
