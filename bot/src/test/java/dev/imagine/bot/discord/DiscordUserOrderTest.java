package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.storage.Generation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 7: jobs of one user are admitted in the order their commands arrived. Alice's first /imagine
 * waits on its attachment's download (held by the fake CDN) while her second and third arrive; another user's command
 * proves the pool has moved on. Before the fix the two later commands ran on the free worker and were queued before
 * the first.
 */
class DiscordUserOrderTest {
    private static final FakeDiscord.Person ALICE = new FakeDiscord.Person("1001", "Alice", false);
    private static final FakeDiscord.Person BOB = new FakeDiscord.Person("1002", "Bob", false);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path folder;

    private final FakeDiscord fake = FakeDiscord.start();
    private TestBot bot;

    @AfterEach
    void stop() {
        fake.releaseDownloads();
        if (bot != null) {
            bot.close();
        }
        fake.close();
    }

    @Test
    void threeCommandsOfOneUserAreQueuedInTheOrderTheyArrived() throws Exception {
        bot = TestBot.start(folder.resolve("data"), fake, new FakeEngine(), new FakeClock(), TestBot.options());
        CountDownLatch held = fake.holdDownloads();

        byte[] picture = png();
        ObjectNode attachment = fake.upload(picture, "upload.png", "image/png", picture.length);
        ObjectNode resolved = NODES.objectNode();
        resolved.set(attachment.path("id").asText(), attachment);
        FakeDiscord.Sent first = fake.slash(ALICE, false, "imagine", NODES.arrayNode()
                .add(FakeDiscord.option("prompt", 3, "one"))
                .add(FakeDiscord.option("image", 11, attachment.path("id").asText())), resolved);
        fake.awaitAcknowledged(first);
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the first command is downloading").isTrue();

        FakeDiscord.Sent second = slash(ALICE, "two");
        FakeDiscord.Sent third = slash(ALICE, "three");
        // The test's bot has two workers: one is held by the download; Bob's answer shows the other has handled
        // everything handed to the pool before it.
        FakeDiscord.Sent bob = slash(BOB, "bob");
        fake.awaitOriginalEdited(bob, Duration.ofSeconds(10));

        fake.releaseDownloads();
        fake.awaitOriginalEdited(third, Duration.ofSeconds(10));
        assertThat(bot.adapter.awaitIdle(Duration.ofSeconds(10))).isTrue();

        List<String> alice = new ArrayList<>();
        for (long id = 1; id <= 4; id++) {
            Optional<Generation> g = bot.storage.generations().find(id);
            g.map(x -> String.valueOf(x.parameters().get("prompt"))).filter(p -> !p.equals("bob")).ifPresent(alice::add);
        }
        assertThat(alice).as("Alice's jobs by id (second: %s)", second).containsExactly("one", "two", "three");
    }

    private FakeDiscord.Sent slash(FakeDiscord.Person user, String prompt) throws InterruptedException {
        FakeDiscord.Sent sent = fake.slash(user, false, "imagine",
                NODES.arrayNode().add(FakeDiscord.option("prompt", 3, prompt)), null);
        fake.awaitAcknowledged(sent);
        return sent;
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
