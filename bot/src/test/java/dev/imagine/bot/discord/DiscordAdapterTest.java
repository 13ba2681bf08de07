package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.models.LogCapture;
import dev.imagine.config.DiscordSettings;
import dev.imagine.config.Secret;
import dev.imagine.engine.AnimationListener;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.Ease;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.video.VideoEncoding;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Discord adapter end to end: the real JDA client against {@link FakeDiscord} on 127.0.0.1, over the real
 * dispatcher, journal and storage, with a fast engine. Time is a {@link FakeClock}; the tests wait on the fake's
 * acknowledgements and the adapter's idleness, never on sleeps.
 */
class DiscordAdapterTest {
    private static final FakeDiscord.Person ALICE = new FakeDiscord.Person("1001", "Alice", false);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String CALLBACKS = "/api/v10/interactions/\\d+/[^/]+/callback";
    private static final String ORIGINAL = "/api/v10/webhooks/\\d+/[^/]+/messages/@original";

    @TempDir
    Path folder;

    private final FakeDiscord fake = FakeDiscord.start();
    private final FakeClock clock = new FakeClock();
    private FakeEngine engine = new FakeEngine();
    private TestBot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        fake.close();
        assertThat(fake.lateAcknowledgements()).as("interactions acknowledged after 3 s").isEmpty();
    }

    private TestBot start(DiscordOptions options) throws Exception {
        bot = TestBot.start(folder.resolve("data"), fake, engine, clock, options);
        return bot;
    }

    private TestBot start() throws Exception {
        return start(TestBot.options());
    }

    private static ArrayNode options(ObjectNode... options) {
        ArrayNode array = NODES.arrayNode();
        Arrays.stream(options).forEach(array::add);
        return array;
    }

    private static ObjectNode prompt(String text) {
        return FakeDiscord.option("prompt", 3, text);
    }

    /** Sends the interaction and waits until the bot has acknowledged it and sent everything it had to. */
    private void interact(FakeDiscord.Sent sent) throws InterruptedException {
        fake.awaitAcknowledged(sent);
        bot.awaitIdle();
    }

    private FakeDiscord.Sent imagine(FakeDiscord.Person user, boolean directMessage, String text)
            throws InterruptedException {
        FakeDiscord.Sent sent = fake.slash(user, directMessage, "imagine", options(prompt(text)), null);
        interact(sent);
        return sent;
    }

    private FakeDiscord.Sent imagineWith(byte[] file, String contentType, long declaredSize)
            throws InterruptedException {
        ObjectNode attachment = fake.upload(file, "upload.png", contentType, declaredSize);
        ObjectNode resolved = NODES.objectNode();
        resolved.set(attachment.path("id").asText(), attachment);
        FakeDiscord.Sent sent = fake.slash(ALICE, false, "imagine",
                options(prompt("oil painting"), FakeDiscord.option("image", 11, attachment.path("id").asText())),
                resolved);
        interact(sent);
        return sent;
    }

    private void runJobs(int expected) throws InterruptedException {
        assertThat(bot.runJobs()).isEqualTo(expected);
        bot.awaitIdle();
    }

    private static FakeDiscord.Visible last(List<FakeDiscord.Visible> visible) {
        assertThat(visible).isNotEmpty();
        return visible.get(visible.size() - 1);
    }

    private static JsonNode callbackOf(FakeDiscord fake, FakeDiscord.Sent sent) {
        return fake.requests("POST", CALLBACKS).stream().filter(r -> r.path().contains(sent.id())).findFirst()
                .orElseThrow().json();
    }

    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private void assertNothingQueued() {
        assertThat(bot.storage.counts().generations()).isZero();
        assertThat(bot.dispatcher.queueLength()).isZero();
        assertThat(bot.runJobs()).isZero();
    }

    @Test
    void aSlashCommandIsDeferredThenEditedWithThrottledProgressAndFinishesWithAPngAndButtons() throws Exception {
        // Each step waits until the last edit reached Discord and then moves the clock by 1 s, so the only thing that
        // drops edits is the 1.5 s progress interval: steps at 1, 2, ..., 6 s give edits at steps 1, 3 and 5.
        engine = new FakeEngine().onStep((request, step, cancellation) -> {
            try {
                bot.awaitIdle();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            clock.advance(Duration.ofSeconds(1));
        });
        start();
        assertThat(fake.commands().keySet()).containsExactlyInAnyOrder("imagine", "animate", "history", "rerun",
                "seed", "queue", "cancel", "settings", "help");

        FakeDiscord.Sent sent = imagine(ALICE, false, "a red fox --seed 42 --steps 6");

        JsonNode callback = callbackOf(fake, sent);
        assertThat(callback.path("type").asInt()).as("deferred channel message").isEqualTo(5);
        assertThat(callback.path("data").path("flags").asInt(0) & 64).as("public").isZero();
        FakeDiscord.Visible queued = last(fake.takeVisible());
        assertThat(queued.content()).isEqualTo("Queued as #1: yours is next.");
        assertThat(queued.components()).containsExactly(ButtonId.of(ButtonAction.CANCEL, 1).encode());

        runJobs(1);

        List<FakeDiscord.Visible> moved = fake.takeVisible();
        assertThat(moved).allSatisfy(v -> assertThat(v.messageId()).isEqualTo(queued.messageId()));
        assertThat(moved.subList(0, moved.size() - 1)).extracting(FakeDiscord.Visible::content).containsExactly(
                "Generating\u2026", "Generating: 16% (step 1 of 6)", "Generating: 50% (step 3 of 6)",
                "Generating: 83% (step 5 of 6)");
        FakeDiscord.Visible result = last(moved);
        assertThat(result.content()).startsWith("a red fox\n").contains("Seed 42").contains("6 steps").contains("#1");
        assertThat(result.components()).containsExactly("im:rr:1", "im:ru:1", "im:dl:1", "im:va:1:0", "im:up:1:0",
                "im:png:1:0");
        assertThat(result.files()).singleElement().satisfies(file -> {
            assertThat(file.fileName()).isEqualTo("imagine-1-1.png");
            Generation stored = bot.storage.generations().find(1).orElseThrow();
            assertThat(file.bytes()).isEqualTo(bot.storage.generations().imageBytes(stored.images().get(0)));
            assertThat(ImageIO.read(new ByteArrayInputStream(file.bytes())).getWidth()).isEqualTo(512 / 8);
        });
        assertThat(fake.requests("PATCH", ORIGINAL)).hasSize(6);
        Generation stored = bot.storage.generations().find(1).orElseThrow();
        assertThat(stored.replyTarget().replyMessageId()).as("status message").isEqualTo(queued.messageId());
        assertThat(bot.storage.generations().undelivered(Duration.ofDays(1))).as("delivered").isEmpty();
    }

    @Test
    void anAnimationIsAnInlineMp4WithProgressByFrameAndButtonsThatWorkAfterARestart() throws Exception {
        // Each step waits until the last edit reached Discord, so no progress is merged into an edit still on its
        // way (under load the 50% edit was lost that way); the clock stands still, so only the first progress shows.
        engine = new FakeEngine().onStep((request, step, cancellation) -> {
            try {
                bot.awaitIdle();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        start();
        interact(fake.slash(ALICE, false, "animate", options(prompt("a red fox --steps 2"),
                FakeDiscord.option("to", 3, "a blue whale"), FakeDiscord.option("frames", 4, 3L),
                FakeDiscord.option("seed", 4, 1L), FakeDiscord.option("to-seed", 4, 2L),
                FakeDiscord.option("fps", 4, 6L)), null));
        runJobs(1);

        List<FakeDiscord.Visible> moved = fake.takeVisible();
        assertThat(moved).extracting(FakeDiscord.Visible::content)
                .contains("Animating: 50% (frames 1-3 of 3, step 1 of 2)");
        FakeDiscord.Visible video = last(moved);
        assertThat(video.content()).startsWith("a red fox (seed 1) -> a blue whale (seed 2)\n")
                .contains("3 frames at 6 fps").contains("2 steps").endsWith("#1");
        assertThat(video.components()).containsExactly("im:rr:1", "im:ru:1", "im:rv:1", "im:dl:1");
        Generation stored = bot.storage.generations().find(1).orElseThrow();
        assertThat(stored.kind()).isEqualTo(GenerationKind.ANIMATION);
        assertThat(video.files()).singleElement().satisfies(file -> {
            assertThat(file.fileName()).isEqualTo("imagine-1.mp4");
            assertThat(file.bytes()).isEqualTo(bot.storage.generations().imageBytes(stored.images().get(3)));
        });

        bot.close();
        engine = new FakeEngine();
        start();
        interact(fake.press(ALICE, ButtonId.of(ButtonAction.REVERSE, 1).encode()));
        runJobs(1);
        FakeDiscord.Visible reversed = last(fake.takeVisible());
        assertThat(reversed.content()).startsWith("a blue whale (seed 2) -> a red fox (seed 1)\n").endsWith("#2");
        assertThat(reversed.files()).singleElement().satisfies(file -> assertThat(file.fileName())
                .isEqualTo("imagine-2.mp4"));

        interact(fake.press(ALICE, ButtonId.of(ButtonAction.RERUN, 1).encode()));
        runJobs(1);
        FakeDiscord.Visible rerun = last(fake.takeVisible());
        assertThat(rerun.files().get(0).bytes()).isEqualTo(video.files().get(0).bytes());
    }

    @Test
    void anAnimationOverTheFrameLimitOrTheRateLimitIsRefusedAndNothingIsQueued() throws Exception {
        start();
        FakeDiscord.Sent tooLong = fake.slash(ALICE, false, "animate", options(prompt("a fox"),
                FakeDiscord.option("to", 3, "a whale"), FakeDiscord.option("frames", 4, 60L)), null);
        interact(tooLong);
        assertThat(last(fake.takeVisible()).content()).isEqualTo("--frames 60 is over this server's limit of 48 "
                + "frames; use 2 to 48.");
        assertNothingQueued();

        for (int i = 0; i < 2; i++) {
            interact(fake.slash(ALICE, false, "animate", options(prompt("a fox -> a whale --frames 48")), null));
        }
        interact(fake.slash(ALICE, false, "animate", options(prompt("a fox -> a whale --frames 48")), null));
        FakeDiscord.Visible refused = last(fake.takeVisible());
        assertThat(refused.ephemeral()).isTrue();
        assertThat(refused.content()).startsWith("You have used your images for now (each frame of an animation "
                + "counts as one;");
        assertThat(bot.dispatcher.queueLength()).isEqualTo(2);
    }

    @Test
    void typedOptionsReachTheRequest() throws Exception {
        start();

        interact(fake.slash(ALICE, false, "imagine", options(prompt("a lighthouse"),
                FakeDiscord.option("negative", 3, "fog"), FakeDiscord.option("seed", 4, 7L),
                FakeDiscord.option("steps", 4, 9L), FakeDiscord.option("guidance", 10, 5.5),
                FakeDiscord.option("sampler", 3, "ddim"), FakeDiscord.option("aspect", 3, "16:9"),
                FakeDiscord.option("count", 4, 2L)), null));
        runJobs(1);

        GenerationRequest request = engine.requests.get(0);
        assertThat(request.prompt()).isEqualTo("a lighthouse");
        assertThat(request.negativePrompt()).isEqualTo("fog");
        assertThat(request.seed()).isEqualTo(7L);
        assertThat(request.steps()).isEqualTo(9);
        assertThat(request.guidance()).isEqualTo(5.5);
        assertThat(request.sampler()).isEqualTo(SamplerKind.DDIM);
        assertThat(request.width()).isEqualTo(680); // 16:9 at 512 x 512's area, see SizesTest
        assertThat(request.height()).isEqualTo(384);
        assertThat(request.count()).isEqualTo(2);
        FakeDiscord.Visible result = last(fake.takeVisible());
        assertThat(result.files()).extracting(FakeDiscord.Attachment::fileName)
                .containsExactly("imagine-1-1.png", "imagine-1-2.png");
        assertThat(result.components()).contains("im:va:1:0", "im:va:1:1");
    }

    @Test
    void aTypedOptionDiscordWouldHaveRefusedGetsAnEphemeralAnswerAndNothingIsQueued() throws Exception {
        start();

        FakeDiscord.Sent sent = fake.slash(ALICE, false, "imagine", options(prompt("a fox"),
                FakeDiscord.option("sampler", 3, "warp-drive")), null);
        interact(sent);

        JsonNode callback = callbackOf(fake, sent);
        assertThat(callback.path("type").asInt()).as("answered at once").isEqualTo(4);
        assertThat(callback.path("data").path("flags").asInt()).as("ephemeral").isEqualTo(64);
        assertThat(callback.path("data").path("content").asText()).contains("The sampler must be one of")
                .contains("euler-a");
        assertNothingQueued();
    }

    @Test
    void aRefusalIsEphemeralAndTheDeferredReplyIsRemoved() throws Exception {
        start();

        imagine(ALICE, false, "a fox --sed 42");

        List<FakeDiscord.Visible> visible = fake.takeVisible();
        assertThat(visible).singleElement().satisfies(v -> {
            assertThat(v.ephemeral()).isTrue();
            assertThat(v.content()).contains("--sed").contains("--seed");
        });
        assertThat(fake.requests("DELETE", ORIGINAL)).hasSize(1);
        assertNothingQueued();
    }

    @Test
    void aRerollPressIsAcknowledgedAndMakesANewSeedInANewMessage() throws Exception {
        start();
        imagine(ALICE, false, "a fox --seed 42 --steps 5");
        runJobs(1);
        FakeDiscord.Visible first = last(fake.takeVisible());

        FakeDiscord.Sent press = fake.press(ALICE, ButtonId.of(ButtonAction.REROLL, 1).encode());
        interact(press);

        assertThat(callbackOf(fake, press).path("type").asInt()).isEqualTo(5);
        FakeDiscord.Visible queued = last(fake.takeVisible());
        assertThat(queued.content()).startsWith("Queued as #2");
        assertThat(queued.messageId()).isNotEqualTo(first.messageId());
        runJobs(1);
        GenerationRequest reroll = engine.requests.get(1);
        assertThat(reroll.seed()).isNull();
        assertThat(reroll.steps()).isEqualTo(5);
        FakeDiscord.Visible second = last(fake.takeVisible());
        assertThat(second.messageId()).isEqualTo(queued.messageId());
        assertThat(second.content()).contains("Seed " + FakeEngine.FIRST_RANDOM_SEED).contains("#2");
        assertThat(bot.storage.generations().find(2).orElseThrow().parentId()).isEqualTo(1L);
    }

    @Test
    void anOldRerunButtonMakesTheIdenticalPictureAfterARestart() throws Exception {
        start();
        imagine(ALICE, false, "a lighthouse at night");
        runJobs(1);
        FakeDiscord.Visible before = last(fake.takeVisible());
        byte[] picture = before.files().get(0).bytes();

        bot.close();
        engine = new FakeEngine();
        start();
        interact(fake.press(ALICE, ButtonId.of(ButtonAction.RERUN, 1).encode()));
        runJobs(1);

        assertThat(engine.requests.get(0).seed()).isEqualTo(FakeEngine.FIRST_RANDOM_SEED);
        FakeDiscord.Visible after = last(fake.takeVisible());
        assertThat(after.content()).contains("#2");
        assertThat(after.files()).singleElement().satisfies(file -> assertThat(file.bytes()).isEqualTo(picture));
    }

    @Test
    void anOversizedAttachmentIsRefusedEphemerallyBeforeItIsDownloaded() throws Exception {
        start();
        byte[] big = new byte[(int) TestBot.LIMITS.maxImageBytes() + 1];

        FakeDiscord.Sent sent = imagineWith(big, "image/png", big.length);

        JsonNode callback = callbackOf(fake, sent);
        assertThat(callback.path("type").asInt()).isEqualTo(4);
        assertThat(callback.path("data").path("flags").asInt()).isEqualTo(64);
        assertThat(callback.path("data").path("content").asText()).contains("the limit is 65536 bytes");
        assertThat(fake.downloads()).isEmpty();
        assertNothingQueued();
    }

    @Test
    void anAttachmentLargerThanDeclaredIsCutOffAtTheLimitAndRefused() throws Exception {
        start();
        byte[] big = new byte[100 * 1024];

        imagineWith(big, "image/png", 1000);

        assertThat(fake.downloads()).hasSize(1);
        assertThat(fake.takeVisible()).singleElement().satisfies(v -> {
            assertThat(v.ephemeral()).isTrue();
            assertThat(v.content()).contains("larger than the limit of 64 KB");
        });
        assertNothingQueued();
    }

    @Test
    void aNonImageAttachmentIsRefusedByItsTypeBeforeDownload() throws Exception {
        start();

        FakeDiscord.Sent sent = imagineWith("%PDF-1.7".getBytes(StandardCharsets.US_ASCII), "application/pdf", 8);

        JsonNode callback = callbackOf(fake, sent);
        assertThat(callback.path("data").path("flags").asInt()).isEqualTo(64);
        assertThat(callback.path("data").path("content").asText()).contains("application/pdf")
                .contains("not a PNG, JPEG or WebP image");
        assertThat(fake.downloads()).isEmpty();
        assertNothingQueued();
    }

    @Test
    void aNonImageAttachmentClaimingToBeAPngIsRefusedAfterDownloadAndNothingIsQueued() throws Exception {
        start();

        imagineWith("%PDF-1.7 not a picture".getBytes(StandardCharsets.US_ASCII), "image/png", 22);

        assertThat(fake.downloads()).hasSize(1);
        assertThat(fake.takeVisible()).singleElement().satisfies(v -> {
            assertThat(v.ephemeral()).isTrue();
            assertThat(v.content()).contains("not a PNG, JPEG or WebP image");
        });
        assertNothingQueued();
    }

    @Test
    void anAttachedPictureRunsImageToImage() throws Exception {
        start();

        byte[] picture = png(96, 64);
        imagineWith(picture, "image/png", picture.length);
        runJobs(1);

        GenerationRequest request = engine.requests.get(0);
        assertThat(request.isImageToImage()).isTrue();
        assertThat(request.initImage().getWidth()).isEqualTo(96);
        assertThat(fake.downloads()).hasSize(1);
    }

    @Test
    void whenTheInteractionHasExpiredTheResultIsPostedInTheChannelReplyingToTheUser() throws Exception {
        start();
        imagine(ALICE, false, "a fox --seed 3");
        String status = last(fake.takeVisible()).messageId();
        int webhookEdits = fake.requests("PATCH", ORIGINAL).size();

        clock.advance(Duration.ofMinutes(16));
        runJobs(1);

        assertThat(fake.requests("PATCH", ORIGINAL)).as("no edits through the old token").hasSize(webhookEdits);
        List<FakeDiscord.Visible> visible = fake.takeVisible();
        FakeDiscord.Visible result = visible.stream().filter(v -> v.op().equals("create")).findFirst().orElseThrow();
        assertThat(result.viaInteraction()).isFalse();
        assertThat(result.channelId()).isEqualTo(FakeDiscord.CHANNEL_ID);
        assertThat(result.replyTo()).isEqualTo(status);
        assertThat(result.content()).startsWith("<@1001> a fox").contains("Seed 3");
        assertThat(result.files()).hasSize(1);
        assertThat(result.components()).contains("im:ru:1");
        assertThat(last(visible)).satisfies(v -> {
            assertThat(v.messageId()).isEqualTo(status);
            assertThat(v.content()).isEqualTo("Finished: see the reply below.");
            assertThat(v.components()).isEmpty();
        });
        assertThat(bot.storage.generations().undelivered(Duration.ofDays(1))).isEmpty();
    }

    @Test
    void whenDiscordRefusesTheTokenTheResultStillArrivesInTheChannel() throws Exception {
        String log;
        String status;
        try (LogCapture logs = LogCapture.withLibraries()) {
            start();
            imagine(ALICE, false, "a fox --seed 3");
            status = last(fake.takeVisible()).messageId();
            fake.expireTokens();
            runJobs(1);
            log = logs.text();
            // JDA's own lines (login, gateway) are captured too, not only imagine's.
            assertThat(logs.loggerNames()).anyMatch(name -> name.startsWith("net.dv8tion"));
        }

        FakeDiscord.Visible result = fake.takeVisible().stream().filter(v -> v.op().equals("create")).findFirst()
                .orElseThrow();
        assertThat(result.replyTo()).isEqualTo(status);
        assertThat(result.content()).startsWith("<@1001> a fox");
        assertThat(result.files()).hasSize(1);
        assertThat(bot.storage.generations().undelivered(Duration.ofDays(1))).isEmpty();
        assertThat(log).contains("no longer takes edits").doesNotContain(FakeDiscord.TOKEN);
    }

    @Test
    void inADirectMessageAJobResumedAfterARestartReportsInTheStoredChannel() throws Exception {
        start();
        imagine(ALICE, true, "a cat --seed 8");
        FakeDiscord.Visible queued = last(fake.takeVisible());
        String dm = FakeDiscord.dmChannelOf(ALICE.id());
        assertThat(queued.channelId()).isEqualTo(dm);

        bot.close();
        start();
        bot.dispatcher.recover();
        bot.awaitIdle();
        runJobs(1);

        assertThat(fake.requests("POST", "/api/v10/users/@me/channels")).isNotEmpty();
        List<FakeDiscord.Visible> visible = fake.takeVisible();
        assertThat(visible.get(0)).satisfies(v -> {
            assertThat(v.messageId()).isEqualTo(queued.messageId());
            assertThat(v.content()).startsWith("Queued");
        });
        FakeDiscord.Visible result = visible.stream().filter(v -> v.op().equals("create")).findFirst().orElseThrow();
        assertThat(result.channelId()).isEqualTo(dm);
        assertThat(result.replyTo()).isEqualTo(queued.messageId());
        assertThat(result.content()).startsWith("<@1001> a cat").contains("Seed 8");
        assertThat(result.files()).hasSize(1);
        assertThat(bot.storage.generations().undelivered(Duration.ofDays(1))).isEmpty();
    }

    @Test
    void aPictureOverTheUploadLimitIsSentSmallerWithANote() throws Exception {
        long limit = 6 * 1024;
        start(TestBot.options().withUploadLimit(limit));
        imagine(ALICE, false, "a fox --seed 11");
        runJobs(1);

        FakeDiscord.Visible result = last(fake.takeVisible());
        assertThat(result.content()).contains("made smaller (JPEG) to fit the upload limit here (6 KB)");
        assertThat(result.files()).singleElement().satisfies(file -> {
            assertThat(file.fileName()).isEqualTo("imagine-1-1.jpg");
            assertThat(file.bytes().length).isLessThanOrEqualTo((int) limit);
            assertThat(ImageIO.read(new ByteArrayInputStream(file.bytes()))).isNotNull();
        });
        Generation stored = bot.storage.generations().find(1).orElseThrow();
        assertThat(bot.storage.generations().imageBytes(stored.images().get(0)).length).isGreaterThan((int) limit);

        interact(fake.press(ALICE, ButtonId.of(ButtonAction.PNG, 1, 0).encode()));
        assertThat(fake.takeVisible()).singleElement().satisfies(v -> {
            assertThat(v.ephemeral()).isTrue();
            assertThat(v.files()).isEmpty();
            assertThat(v.content()).contains("more than Discord takes here (6 KB)");
        });
    }

    @Test
    void anAnimationOverTheUploadLimitIsSentAsASmallerMp4OrExplainedWithItsButtons() throws Exception {
        AnimationRequest request = new AnimationRequest(List.of(new Keyframe("a fox", 1L), new Keyframe("a whale",
                2L)), 3, Ease.LINEAR, false, 8, GenerationRequest.builder("").steps(1).build());
        List<BufferedImage> frames = new ArrayList<>();
        new FakeEngine().animate(request, AnimationListener.NONE, new CancellationToken()).frames()
                .forEach(frame -> frames.add(frame.image()));
        int full = VideoEncoding.encode(frames, 8, VideoFormat.MP4, Long.MAX_VALUE).bytes().length;

        start(TestBot.options().withUploadLimit(1024));
        interact(fake.slash(ALICE, false, "animate", options(prompt("a fox -> a whale --frames 3 --seed 1 "
                + "--to-seed 2 --steps 1")), null));
        runJobs(1);
        FakeDiscord.Visible tooLarge = last(fake.takeVisible());
        assertThat(tooLarge.files()).isEmpty();
        assertThat(tooLarge.content()).contains("#1 is done, but its video cannot be sent here. The animation is")
                .contains("over the limit of 0.0 MB").endsWith("; use fewer frames or a smaller size.");
        assertThat(tooLarge.components()).containsExactly("im:rr:1", "im:ru:1", "im:rv:1", "im:dl:1");

        bot.close();
        start(TestBot.options().withUploadLimit(full - 1));
        interact(fake.press(ALICE, ButtonId.of(ButtonAction.RERUN, 1).encode()));
        runJobs(1);
        FakeDiscord.Visible smaller = last(fake.takeVisible());
        assertThat(smaller.content()).contains("The video was made smaller to fit this channel's upload limit");
        assertThat(smaller.files()).singleElement().satisfies(file -> {
            assertThat(file.fileName()).isEqualTo("imagine-2.mp4");
            assertThat(file.bytes().length).isLessThan(full);
        });
        Generation stored = bot.storage.generations().find(2).orElseThrow();
        assertThat(bot.storage.generations().imageBytes(stored.images().get(3))).hasSize(full);
    }

    @Test
    void afterIntakeStopsNewJobsAreRefusedButOtherCommandsWork() throws Exception {
        start();
        bot.adapter.stopIntake();

        imagine(ALICE, false, "a fox");
        interact(fake.slash(ALICE, false, "help", options(), null));

        List<FakeDiscord.Visible> visible = fake.takeVisible();
        assertThat(visible).hasSize(2).allSatisfy(v -> assertThat(v.ephemeral()).isTrue());
        assertThat(visible.get(0).content()).isEqualTo(Interactions.RESTARTING);
        assertThat(visible.get(1).content()).contains("/imagine");
        assertNothingQueued();
    }

    @Test
    void aRefusedTokenStopsTheStartWithoutShowingTheToken() {
        String wrong = "not-the-right-token";
        DiscordAdapter adapter = new DiscordAdapter(new DiscordSettings(Optional.of(Secret.of(wrong)),
                fake.apiUrl(), List.of()), TestBot.options());

        try (LogCapture logs = LogCapture.withLibraries()) {
            assertThatThrownBy(() -> adapter.start(null, null, clock)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("refused the bot token").message().doesNotContain(wrong);
            adapter.close();
            assertThat(logs.text()).doesNotContain(wrong);
        }
    }
}
