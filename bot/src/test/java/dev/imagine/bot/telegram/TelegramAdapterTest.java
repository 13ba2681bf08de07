package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.bot.app.Adapters;
import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.bot.telegram.FakeBotApi.Call;
import dev.imagine.bot.telegram.FakeBotApi.TgUser;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.config.RateLimit;
import dev.imagine.config.Secret;
import dev.imagine.config.TelegramSettings;
import dev.imagine.engine.CudaOptions;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.ImageEngine;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter end to end: the real TelegramBots client long-polls a fake Bot API server on 127.0.0.1, the real
 * dispatcher runs jobs on the tiny real model, and storage is a real H2 file. Two tests run the whole service as
 * {@code imagine run} wires it (through {@link Adapters#available()}); the others start the adapter on fake flood
 * time so that waits and retries cost nothing. Tests wait on the fake server's request log, never by sleeping.
 */
class TelegramAdapterTest {
    private static final TgUser ALICE = new TgUser(2001, "Alice");
    private static final TgUser BOB = new TgUser(2002, "Bob");
    private static final long GROUP = -1009876543210L;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DispatchLimits DISPATCH = new DispatchLimits(new RateLimit(100, 100, Duration.ofMinutes(1)),
            Map.of(), Map.of(), Set.of(), 10, 100, Duration.ofMinutes(10));
    /** 64 x 64 by default, so prompts without a size stay fast on the tiny model. */
    private static final CommandLimits LIMITS = new CommandLimits(64, 64, 512, 4, 10L << 20, 4096L * 4096L);

    @TempDir
    static Path shared;
    private static ImageEngine engine;

    @TempDir
    Path dir;

    private final FakeBotApi api = new FakeBotApi(Duration.ofMillis(100));
    private final FakePacer pacer = new FakePacer();
    private Storage storage;
    private Dispatcher dispatcher;
    private TelegramAdapter adapter;

    @BeforeAll
    static void tinyModel() throws IOException {
        DemoModel.writeTiny(shared.resolve("model"));
        engine = ImageEngine.open(shared.resolve("model"), new EngineOptions(ExecutionDevice.parse("cpu"), 1, 0,
                CudaOptions.defaults()));
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    /** Starts storage, the dispatcher (with its worker when {@code runJobs}) and the adapter on fake flood time. */
    private void boot(CommandLimits limits, boolean runJobs) {
        storage = Storage.open(dir.resolve("data"));
        dispatcher = new Dispatcher(engine, new StorageJournal(storage, engine.model()), DISPATCH,
                Messages.JOB_NOTICES, Ticker.systemTicker(), new SimpleMeterRegistry());
        adapter = new TelegramAdapter(TelegramCommandContractTest.settings(api), pacer);
        adapter.start(new CommandCore(dispatcher, storage, limits), dispatcher, storage.intake());
        dispatcher.recover();
        if (runJobs) {
            dispatcher.start();
        }
    }

    private void stop() {
        if (adapter != null) {
            adapter.close();
            adapter = null;
        }
        if (dispatcher != null) {
            dispatcher.shutdown(Duration.ofSeconds(10));
            dispatcher = null;
        }
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    @AfterEach
    void tearDown() {
        stop();
        api.close();
    }

    private void handled(long updateId) {
        assertThat(adapter.awaitHandled(updateId, WAIT)).as("update %s handled", updateId).isTrue();
        assertThat(adapter.awaitSent(WAIT)).as("everything sent").isTrue();
    }

    private Call await(String method, Predicate<Call> condition) {
        return api.await(call -> call.method().equals(method) && condition.test(call), WAIT);
    }

    private Call answerTo(String callbackId) {
        return await("answerCallbackQuery", call -> callbackId.equals(call.field("callback_query_id")));
    }

    private static long generationOf(Call photo) {
        return ButtonId.parse(photo.buttons().get(0)).orElseThrow().generationId();
    }

    private static String button(Call call, ButtonAction action) {
        return call.buttons().stream().filter(id -> ButtonId.parse(id).orElseThrow().action() == action).findFirst()
                .orElseThrow();
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(40, 120, 200));
        g.fillRect(0, 0, width, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private ImagineConfig serviceConfig() {
        return serviceConfig("");
    }

    /** The service's configuration, with {@code extra} YAML appended (top-level sections). */
    private ImagineConfig serviceConfig(String extra) {
        String yaml = extra + "engine:\n  model: " + shared.resolve("model") + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n" + "web:\n  enabled: false\n"
                + "telegram:\n  api-url: " + api.baseUrl() + "\n";
        return ImagineConfig.parse(yaml, "test", dir, Map.of(Platform.TELEGRAM.tokenVariable(), FakeBotApi.TOKEN));
    }

    @Test
    void aTextPromptInAPrivateChatEndsInAPhotoWithButtonsAndAStoredGeneration() throws Exception {
        ImagineService service = ImagineService.start(serviceConfig(), Adapters.available(), Clock.systemUTC());
        long id;
        byte[] sent;
        long prompt;
        try {
            prompt = api.sendText(ALICE.id(), ALICE, "a lighthouse at dusk --size 64x64 --steps 2 --seed 7");

            Call photo = await("sendPhoto", Call::ok);
            id = generationOf(photo);
            Call status = await("sendMessage", call -> call.ok() && call.buttons().contains(
                    ButtonId.of(ButtonAction.CANCEL, id).encode()));
            assertThat(status.field("text")).isEqualTo("Queued as #" + id + ": yours is next.");
            assertThat(status.repliesTo()).isEqualTo(api.messageIdOf(prompt));
            assertThat(photo.field("chat_id")).isEqualTo(Long.toString(ALICE.id()));
            assertThat(photo.field("caption")).startsWith("a lighthouse at dusk\n").contains("Seed 7")
                    .contains("2 steps").contains("64x64").endsWith("#" + id);
            assertThat(photo.buttonRows()).containsExactly(List.of("Vary", "Upscale", "PNG"),
                    List.of("Re-roll", "Rerun", "Delete"));
            assertThat(photo.buttons()).containsExactly(ButtonId.of(ButtonAction.VARY, id, 0).encode(),
                    ButtonId.of(ButtonAction.UPSCALE, id, 0).encode(), ButtonId.of(ButtonAction.PNG, id, 0).encode(),
                    ButtonId.of(ButtonAction.REROLL, id).encode(), ButtonId.of(ButtonAction.RERUN, id).encode(),
                    ButtonId.of(ButtonAction.DELETE, id).encode());
            assertThat(photo.buttons()).allSatisfy(data ->
                    assertThat(data.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64));
            assertThat(photo.repliesTo()).isEqualTo(api.messageIdOf(prompt));
            sent = photo.upload("photo").bytes();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(sent));
            assertThat(image.getWidth()).isEqualTo(64);
            assertThat(image.getHeight()).isEqualTo(64);
            await("deleteMessage", call -> call.ok() && call.field("message_id").equals(
                    Integer.toString(status.messageId())));
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation generation = stored.generations().find(id).orElseThrow();
            assertThat(generation.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(generation.platform()).isEqualTo("telegram");
            assertThat(generation.replyTarget().channelId()).isEqualTo(Long.toString(ALICE.id()));
            assertThat(generation.images()).singleElement().satisfies(image -> assertThat(image.seed()).isEqualTo(7));
            assertThat(stored.generations().imageBytes(generation.images().get(0))).isEqualTo(sent);
            assertThat(stored.generations().undelivered(Duration.ofDays(1))).extracting(Generation::id)
                    .doesNotContain(id);
        }
    }

    @Test
    void aRestartAsksTelegramOnlyForTheUpdatesAfterTheLastOneHandledAndHandlesNoneTwice() throws Exception {
        boot(LIMITS, true);
        long first = api.sendText(ALICE.id(), ALICE, "a lighthouse --steps 2 --seed 3");
        handled(first);
        await("sendPhoto", call -> call.ok() && call.field("caption").startsWith("a lighthouse\n"));
        assertThat(storage.intake().handledThrough(TelegramAdapter.PLATFORM, Long.toString(FakeBotApi.BOT_ID)))
                .isEqualTo(first);
        stop();
        int pollsBefore = api.calls("getUpdates").size();

        boot(LIMITS, true);
        long second = api.sendText(ALICE.id(), ALICE, "a harbour --steps 2 --seed 4");
        handled(second);
        await("sendPhoto", call -> call.ok() && call.field("caption").startsWith("a harbour\n"));
        // The new run's first request confirms what the last one handled, whatever that one's poller had confirmed.
        assertThat(api.calls("getUpdates").get(pollsBefore).field("offset")).isEqualTo(Long.toString(first + 1));
        assertThat(api.calls("sendPhoto")).filteredOn(call -> call.ok()
                && call.field("caption").startsWith("a lighthouse\n")).hasSize(1);
        assertThat(storage.intake().handledThrough(TelegramAdapter.PLATFORM, Long.toString(FakeBotApi.BOT_ID)))
                .isEqualTo(second);
    }

    @Test
    void aRerollButtonWorksAfterTheBotRestarts() throws Exception {
        ImagineService first = ImagineService.start(serviceConfig(), Adapters.available(), Clock.systemUTC());
        Call photo;
        try {
            api.sendText(ALICE.id(), ALICE, "a red fox in the snow --size 64x64 --steps 2 --seed 7");
            photo = await("sendPhoto", Call::ok);
        } finally {
            first.close(Duration.ofSeconds(10));
        }
        long firstId = generationOf(photo);

        ImagineService second = ImagineService.start(serviceConfig(), Adapters.available(), Clock.systemUTC());
        long rerollId;
        try {
            api.press(ALICE.id(), BOB, photo.messageId(), button(photo, ButtonAction.REROLL));
            Call answer = answerTo(api.lastCallbackId());
            assertThat(answer.ok()).isTrue();
            assertThat(answer.field("text")).startsWith("Queued as #").doesNotStartWith("Queued as #" + firstId + ":");
            rerollId = Long.parseLong(answer.field("text").replaceAll("Queued as #(\\d+):.*", "$1"));

            Call again = await("sendPhoto", call -> call.ok() && generationOf(call) == rerollId);
            assertThat(again.field("caption")).startsWith("a red fox in the snow\n").doesNotContain("Seed 7 ");
            // The re-roll's status message answers the pressed photo; a job that finishes before the status is due
            // goes out as its photo alone (the sender drops a status its result overtook), so there may be none.
            assertThat(api.calls("sendMessage")).filteredOn(call -> call.ok()
                    && call.field("text").startsWith("Queued as #" + rerollId + ":"))
                    .allSatisfy(status -> assertThat(status.repliesTo()).isEqualTo(photo.messageId()));
        } finally {
            second.close(Duration.ofSeconds(10));
        }
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation reroll = stored.generations().find(rerollId).orElseThrow();
            assertThat(reroll.parentId()).isEqualTo(firstId);
            assertThat(reroll.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(reroll.images().get(0).seed()).isNotEqualTo(7);
            assertThat(reroll.parameters().get("steps")).isEqualTo(2L);
        }
    }

    @Test
    void anAnimationIsSentWithSendAnimationAndItsButtonsWorkAfterTheBotRestarts() throws Exception {
        String roomy = "limits:\n  rate:\n    burst: 100\n";
        ImagineService first = ImagineService.start(serviceConfig(roomy), Adapters.available(), Clock.systemUTC());
        Call video;
        try {
            api.sendText(ALICE.id(), ALICE, "/animate a red fox -> a blue whale --frames 3 --fps 6 --seed 1 "
                    + "--to-seed 2 --size 64x64 --steps 1");
            video = await("sendAnimation", Call::ok);
        } finally {
            first.close(Duration.ofSeconds(10));
        }
        long id = generationOf(video);
        assertThat(video.upload("animation").fileName()).isEqualTo("imagine-" + id + ".mp4");
        assertThat(video.field("width")).isEqualTo("64");
        assertThat(video.field("caption")).startsWith("a red fox (seed 1) -> a blue whale (seed 2)\n")
                .contains("3 frames at 6 fps").endsWith("#" + id);
        assertThat(video.buttonRows()).containsExactly(List.of("Re-roll", "Rerun", "Reverse", "Delete"));
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation g = stored.generations().find(id).orElseThrow();
            assertThat(g.kind()).isEqualTo(GenerationKind.ANIMATION);
            assertThat(stored.generations().imageBytes(g.images().get(3))).isEqualTo(video.upload("animation")
                    .bytes());
        }

        ImagineService second = ImagineService.start(serviceConfig(roomy), Adapters.available(), Clock.systemUTC());
        try {
            api.press(ALICE.id(), ALICE, video.messageId(), button(video, ButtonAction.REVERSE));
            assertThat(answerTo(api.lastCallbackId()).field("text")).startsWith("Queued as #");
            Call reversed = await("sendAnimation", call -> call.ok() && generationOf(call) != id);
            assertThat(reversed.field("caption")).startsWith("a blue whale (seed 2) -> a red fox (seed 1)\n");

            api.press(ALICE.id(), ALICE, video.messageId(), button(video, ButtonAction.RERUN));
            Call rerun = await("sendAnimation", call -> call.ok() && call.field("caption").startsWith("a red fox")
                    && generationOf(call) != id);
            assertThat(rerun.upload("animation").bytes()).isEqualTo(video.upload("animation").bytes());

            api.press(ALICE.id(), ALICE, video.messageId(), button(video, ButtonAction.DELETE));
            await("deleteMessage", call -> call.ok() && call.field("message_id").equals(
                    Integer.toString(video.messageId())));
        } finally {
            second.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void anAnimationOverTheFrameLimitOrTheRateLimitIsRefusedWithASentence() throws Exception {
        ImagineService service = ImagineService.start(serviceConfig(), Adapters.available(), Clock.systemUTC());
        try {
            api.sendText(ALICE.id(), ALICE, "/animate a red fox -> a blue whale --frames 60");
            await("sendMessage", call -> call.ok() && call.field("text").equals("--frames 60 is over this server's "
                    + "limit of 48 frames; use 2 to 48."));
            api.sendText(ALICE.id(), ALICE, "/animate a red fox -> a blue whale --frames 5");
            await("sendMessage", call -> call.ok() && call.field("text").equals("This animation has 5 frames, and "
                    + "each frame counts as one image: at most 4 fit in your limit at once; use fewer frames."));
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        assertThat(api.calls()).noneMatch(call -> call.method().equals("sendAnimation"));
    }

    @Test
    void aPhotoWithACaptionRunsImageToImageFromTheConfiguredServer() throws Exception {
        boot(LIMITS, true);
        byte[] picture = png(64, 48);

        api.sendPhoto(ALICE.id(), ALICE, "oil painting --strength 0.6 --steps 2", picture);

        Call photo = await("sendPhoto", Call::ok);
        Call getFile = api.calls("getFile").get(0);
        assertThat(getFile.field("file_id")).isEqualTo("file-1"); // the largest size, not the thumbnail
        Call download = await("file", call -> true);
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.path()).isEqualTo("/file/bot" + FakeBotApi.TOKEN + "/photos/file_file-1.bin");
        Generation generation = storage.generations().find(generationOf(photo)).orElseThrow();
        assertThat(generation.kind()).isEqualTo(GenerationKind.IMG2IMG);
        assertThat(generation.parameters().get("strength")).isEqualTo(0.6);
        assertThat(generation.parameters().get("prompt")).isEqualTo("oil painting");
    }

    @Test
    void anImageSentAsAFileWithACaptionIsImageToImageToo() throws IOException {
        boot(LIMITS, false);
        byte[] picture = png(48, 32);

        handled(api.sendDocument(ALICE.id(), ALICE, "watercolour --strength 0.5", picture, "image/png",
                picture.length));

        assertThat(api.calls("sendMessage")).singleElement()
                .satisfies(call -> assertThat(call.field("text")).startsWith("Queued as #1:"));
        Call download = await("file", call -> true);
        assertThat(download.path()).isEqualTo("/file/bot" + FakeBotApi.TOKEN + "/documents/file_file-1.bin");
        Generation queued = storage.generations().find(1).orElseThrow();
        assertThat(queued.kind()).isEqualTo(GenerationKind.IMG2IMG);
        assertThat(queued.parameters().get("strength")).isEqualTo(0.5);
    }

    @Test
    void a429IsWaitedOutForItsRetryAfterAndTheMessageSentAgain() {
        boot(LIMITS, false);
        api.failNext("sendMessage", 429, "Too Many Requests: retry after 7", 7);

        handled(api.sendText(ALICE.id(), ALICE, "/help"));

        List<Call> sends = api.calls("sendMessage");
        assertThat(sends).extracting(Call::status).containsExactly(429, 200);
        assertThat(sends.get(1).fields()).isEqualTo(sends.get(0).fields());
        assertThat(sends.get(1).field("text")).startsWith("Commands:");
        assertThat(pacer.sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aPhotoRefusedWithA429IsUploadedWholeAgain() {
        boot(LIMITS, true);
        api.failNext("sendPhoto", 429, "Too Many Requests: retry after 3", 3);

        api.sendText(ALICE.id(), ALICE, "a fox --steps 2");

        await("sendPhoto", Call::ok);
        List<Call> photos = api.calls("sendPhoto");
        assertThat(photos).extracting(Call::status).containsExactly(429, 200);
        assertThat(photos.get(1).upload("photo").bytes()).isNotEmpty()
                .isEqualTo(photos.get(0).upload("photo").bytes());
        assertThat(pacer.sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void everyButtonPressIsAnsweredWithWhatHappened() {
        boot(LIMITS, false);
        List<String> presses = new java.util.ArrayList<>();
        java.util.function.Consumer<String> press = data -> {
            handled(api.press(ALICE.id(), ALICE, 1, data));
            presses.add(api.lastCallbackId());
        };

        press.accept("other-bot:reroll:1");
        press.accept("im:rr:abc");
        press.accept(null);
        press.accept(ButtonId.of(ButtonAction.REROLL, 424242).encode());
        api.failNext("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired or query "
                + "ID is invalid", null);
        press.accept(ButtonId.of(ButtonAction.RERUN, 424242).encode());
        press.accept(ButtonId.of(ButtonAction.PNG, 424242, 0).encode());

        List<Call> answers = api.calls("answerCallbackQuery");
        assertThat(answers).extracting(call -> call.field("callback_query_id"))
                .containsExactlyElementsOf(presses);
        assertThat(answers.get(0).field("text")).contains("not mine or no longer valid");
        assertThat(answers.get(1).field("text")).contains("not mine or no longer valid");
        assertThat(answers.get(2).field("text")).contains("not mine or no longer valid");
        assertThat(answers.get(3).field("text")).contains("no longer valid").contains("#424242 is gone");
        assertThat(answers.get(4).status()).isEqualTo(400); // expired: Telegram refused the answer; nothing broke
        assertThat(answers.get(5).status()).isEqualTo(200);
        assertThat(answers.get(5).field("text")).contains("#424242");
        assertThat(answers).allSatisfy(call -> assertThat(call.field("show_alert")).isEqualTo("true"));
        assertThat(dispatcher.queueLength()).isZero();
    }

    @Test
    void aGroupReadsOnlyCommandsForThisBotAndRepliesToIt() {
        boot(LIMITS, false);

        api.sendText(GROUP, ALICE, "a red fox in the snow");
        api.sendText(GROUP, ALICE, "/imagine@some_other_bot a red fox");
        api.sendText(GROUP, ALICE, "/help");
        long command = api.sendText(GROUP, ALICE, "/imagine@" + FakeBotApi.BOT_NAME + " a blue fox --steps 1");
        handled(command);

        List<Call> sent = api.calls("sendMessage");
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).field("text")).startsWith("Commands:");
        assertThat(sent.get(1).field("text")).isEqualTo("Queued as #1: yours is next.");
        assertThat(sent.get(1).repliesTo()).isEqualTo(api.messageIdOf(command));
        assertThat(dispatcher.queueLength()).isEqualTo(1);

        long reply = api.sendText(GROUP, BOB, "a green fox --steps 1", sent.get(1).messageId());
        handled(reply);

        assertThat(api.calls("sendMessage")).last().satisfies(call -> {
            assertThat(call.field("text")).startsWith("Queued as #2:");
            assertThat(call.repliesTo()).isEqualTo(api.messageIdOf(reply));
        });
        assertThat(dispatcher.queueLength()).isEqualTo(2);
    }

    @Test
    void aFileOverTheLimitsIsRefusedBeforeAnyDownload() throws IOException {
        boot(new CommandLimits(64, 64, 512, 4, 64L << 20, 4096L * 4096L), false);

        handled(api.sendDocument(ALICE.id(), ALICE, "oil painting", png(8, 8), "image/png", 25L << 20));
        handled(api.sendDocument(ALICE.id(), ALICE, "oil painting", png(8, 8), "image/png", 70L << 20));

        List<Call> sent = api.calls("sendMessage");
        assertThat(sent.get(0).field("text")).contains("25 MB").contains("at most 20 MB");
        assertThat(sent.get(1).field("text")).contains("the limit is 64 MB").doesNotContain("20 MB");
        assertThat(api.calls("getFile")).isEmpty();
        assertThat(api.calls("file")).isEmpty();
        assertThat(dispatcher.queueLength()).isZero();
    }

    @Test
    void aPictureWithoutACaptionOrAFileThatIsNotAPictureGetsAnExplanation() throws IOException {
        boot(LIMITS, false);

        handled(api.sendPhoto(ALICE.id(), ALICE, null, png(8, 8)));
        handled(api.sendPhoto(GROUP, ALICE, "/imagine", png(8, 8)));
        handled(api.sendDocument(ALICE.id(), ALICE, "oil painting", new byte[100], "application/pdf", 100));

        List<Call> sent = api.calls("sendMessage");
        assertThat(sent.get(0).field("text")).startsWith("Send the picture again with a caption")
                .contains("oil painting --strength 0.6");
        assertThat(sent.get(1).field("text")).contains("starts with /imagine");
        assertThat(sent.get(2).field("text")).startsWith("That file is not a picture");
        assertThat(api.calls("getFile")).isEmpty();
    }

    @Test
    void apiErrorsAreLoggedWithoutTheTokenAndTheResultStillArrives() {
        String echoed = "https://api.telegram.org/bot" + FakeBotApi.TOKEN + "/sendPhoto";
        try (LogLines logs = new LogLines()) {
            boot(LIMITS, true);
            api.failNext("sendMessage", 400, "Bad Request: chat not found at " + echoed, null);
            api.failNext("sendPhoto", 400, "Bad Request: PHOTO_INVALID_DIMENSIONS for " + echoed, null);

            api.sendText(ALICE.id(), ALICE, "a fox --steps 2 --seed 3");

            Call file = await("sendDocument", Call::ok);
            assertThat(file.field("caption")).contains("a fox").contains("Seed 3");
            assertThat(file.buttons()).contains(ButtonId.of(ButtonAction.REROLL, 1).encode());
            stop();

            String text = logs.text();
            assertThat(text).contains("sendMessage failed (400)").contains("sendPhoto failed (400)")
                    .contains("<token>");
            assertThat(text).doesNotContain(FakeBotApi.TOKEN)
                    .doesNotContain(FakeBotApi.TOKEN.substring(FakeBotApi.TOKEN.indexOf(':') + 1));
        }
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().undelivered(Duration.ofDays(1))).isEmpty();
        }
    }

    @Test
    void aRefusedTokenFailsTheStartWithoutShowingIt() {
        String wrong = "7081234567:ZZH3kLw9ZsQe_Xr2ft-0ab1cd2ef3gh4ij5kl6";
        storage = Storage.open(dir.resolve("data"));
        dispatcher = new Dispatcher(engine, new StorageJournal(storage, engine.model()), DISPATCH,
                Messages.JOB_NOTICES, Ticker.systemTicker(), new SimpleMeterRegistry());
        TelegramAdapter refused = new TelegramAdapter(new TelegramSettings(Optional.of(Secret.of(wrong)),
                URI.create(api.baseUrl())), pacer);
        try (LogLines logs = new LogLines()) {
            assertThatThrownBy(() -> refused.start(new CommandCore(dispatcher, storage, LIMITS), dispatcher,
                    storage.intake()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not accept the bot token")
                    .hasMessageContaining("401")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(
                            wrong.substring(wrong.indexOf(':') + 1)));
            assertThat(logs.text()).doesNotContain(wrong.substring(wrong.indexOf(':') + 1));
        }
        refused.close();
    }

    @Test
    void anApiUrlWithAPathIsRefusedWithTheReason() {
        assertThatThrownBy(() -> TelegramAdapter.telegramUrl(URI.create("https://proxy.example/telegram")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("telegram.api-url must be the Bot API server's root")
                .hasMessageContaining("https://proxy.example/telegram");
        assertThat(TelegramAdapter.telegramUrl(URI.create("http://127.0.0.1:8081")).getPort()).isEqualTo(8081);
        assertThat(TelegramAdapter.telegramUrl(URI.create("https://api.telegram.org")).getPort()).isEqualTo(443);
    }
}
