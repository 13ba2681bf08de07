package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every chat adapter must do, whatever its platform, checked through a small adapter-neutral
 * {@link PlatformDriver}. A subclass connects its adapter to the {@link CommandCore} and {@link Dispatcher} the
 * contract builds (a fast fake engine, the real dispatcher, a real {@link Storage} in a temporary folder) and returns
 * a driver that plays users in one group chat on its platform (a fake platform server and the real client library,
 * or anything that ends in the adapter's own code paths).
 *
 * <p>The dispatcher's worker is not started: the contract runs queued jobs itself with {@link #runJobs()}, so every
 * test is deterministic. A "restart" closes the driver, the dispatcher and the storage, reopens the same data folder
 * and connects a new core and adapter; buttons from before must still work.
 */
public abstract class CommandContract {

    /**
     * A user of the chat.
     *
     * @param id the platform's user id (numeric on Discord and Telegram)
     * @param name the display name
     * @param manager whether the user manages the chat (Discord: Manage Messages; Telegram: a group admin)
     */
    public record ChatUser(String id, String name, boolean manager) {
    }

    /** What a platform can show. */
    public enum Kind {
        /** A message, or an edit of one (status, answer, refusal). */
        MESSAGE,
        /** A picture with a caption: a generation's result. */
        IMAGE,
        /** A file (the original PNG). */
        DOCUMENT,
        /** A message the bot deleted. */
        DELETED
    }

    /**
     * One thing the platform showed in the chat.
     *
     * @param kind what it is
     * @param text its text as the user reads it, without markup (a caption for pictures and files)
     * @param buttons the ids of its buttons, as the platform would send them back when pressed
     * @param file the picture or file's bytes (the first picture for several), else {@code null}
     */
    public record Shown(Kind kind, String text, List<String> buttons, byte[] file) {
        /** Validates. */
        public Shown {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
            buttons = List.copyOf(buttons);
        }
    }

    /** Plays users of one chat on a platform, through an adapter connected to the contract's core. */
    public interface PlatformDriver extends AutoCloseable {

        /** The user sends a text message in the chat (a command such as {@code /imagine ...} or {@code /history}). */
        void send(ChatUser user, String text);

        /** The user sends a picture with a caption (Telegram: a photo; Discord: {@code /imagine} with an attachment). */
        void sendImage(ChatUser user, String caption, byte[] image);

        /** Whether the platform has typed command options (Discord's slash-command options; not Telegram). */
        default boolean hasTypedOptions() {
            return false;
        }

        /**
         * The user runs {@code /imagine} with typed options, keyed by Discord's option names ({@code seed},
         * {@code steps}, {@code guidance}, {@code sampler}, {@code width}, {@code height}, {@code aspect},
         * {@code count}, {@code negative}, {@code strength}). Only when {@link #hasTypedOptions()}.
         */
        default void imagine(ChatUser user, String prompt, Map<String, String> options) {
            throw new UnsupportedOperationException("this platform has no typed options");
        }

        /** The user presses a button with this id (also ids the bot never made: forged or from another bot). */
        void press(ChatUser user, String buttonId);

        /**
         * Everything shown in the chat since the last call, in order; waits for replies still on their way (an
         * asynchronous adapter waits until it has nothing left to send).
         */
        List<Shown> takeShown();

        /** Stops the adapter and its fake platform. */
        @Override
        void close();
    }

    /** Three users of the chat. */
    protected static final ChatUser ALICE = new ChatUser("1001", "Alice", false);
    /** Another user. */
    protected static final ChatUser BOB = new ChatUser("1002", "Bob", false);
    /** A manager of the chat. */
    protected static final ChatUser MODERATOR = new ChatUser("1003", "Mo", true);

    /** The core's limits here: 64 KB pictures, so an oversized one is cheap to make. */
    protected static final CommandLimits LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024, 4096L * 4096L);

    private static final DispatchLimits DISPATCH = new DispatchLimits(new RateLimit(100, 100, Duration.ofMinutes(1)),
            Map.of(), Map.of(), Set.of(), 10, 100, Duration.ofMinutes(10));

    @TempDir
    Path folder;

    final FakeEngine engine = new FakeEngine();
    private final FakeClock clock = new FakeClock();
    /** The storage of the running bot; replaced by {@link #restart()}. */
    protected Storage storage;
    /** The dispatcher of the running bot; replaced by {@link #restart()}. */
    protected Dispatcher dispatcher;
    /** The core of the running bot; replaced by {@link #restart()}. */
    protected CommandCore core;
    /** The driver of the running bot; replaced by {@link #restart()}. */
    protected PlatformDriver driver;

    /**
     * Connects the platform's adapter to {@code core} and {@code dispatcher}: it must register its job sink with the
     * dispatcher and send users' messages and presses to the core. Called again after every restart.
     */
    protected abstract PlatformDriver connect(CommandCore core, Dispatcher dispatcher);

    @BeforeEach
    final void startBot() {
        storage = Storage.open(folder.resolve("data"));
        boot();
    }

    private void boot() {
        dispatcher = new Dispatcher(engine, new dev.imagine.bot.service.StorageJournal(storage, FakeEngine.MODEL), DISPATCH,
                Messages.JOB_NOTICES, clock, new SimpleMeterRegistry());
        core = new CommandCore(dispatcher, storage, LIMITS);
        driver = connect(core, dispatcher);
    }

    @AfterEach
    final void stopBot() {
        driver.close();
        dispatcher.shutdown(Duration.ZERO);
        storage.close();
    }

    /** Stops the bot and starts a new one over the same data folder. */
    protected final void restart() {
        stopBot();
        storage = Storage.open(folder.resolve("data"));
        boot();
    }

    /** Runs every queued job; returns how many ran. */
    protected final int runJobs() {
        int ran = 0;
        while (dispatcher.runNext()) {
            ran++;
        }
        return ran;
    }

    /** The requests the engine ran, oldest first. */
    protected final List<GenerationRequest> ran() {
        return List.copyOf(engine.requests);
    }

    /** A small PNG. */
    protected static byte[] png(int width, int height) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Shown last(List<Shown> shown, Kind kind) {
        for (int i = shown.size() - 1; i >= 0; i--) {
            if (shown.get(i).kind() == kind) {
                return shown.get(i);
            }
        }
        throw new AssertionError("nothing of kind " + kind + " was shown: " + shown);
    }

    private static String button(Shown shown, ButtonAction action) {
        return shown.buttons().stream()
                .filter(id -> ButtonId.parse(id).map(b -> b.action() == action).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " button on " + shown));
    }

    private static String button(Shown shown, ButtonAction action, int picture) {
        return shown.buttons().stream()
                .filter(id -> ButtonId.parse(id).map(b -> b.action() == action && b.imageIndex() == picture)
                        .orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " button for picture " + picture
                        + " on " + shown));
    }

    /** The generation a result shows, read from its re-roll button. */
    private static long generationOf(Shown result) {
        return ButtonId.parse(button(result, ButtonAction.REROLL)).orElseThrow().generationId();
    }

    /** Makes pictures for {@code user} and returns the result shown. */
    private Shown imagine(ChatUser user, String text) {
        driver.send(user, text);
        assertThat(runJobs()).isEqualTo(1);
        return last(driver.takeShown(), Kind.IMAGE);
    }

    private void assertNothingWasQueued(long generationsBefore) {
        assertThat(dispatcher.queueLength()).isZero();
        assertThat(storage.counts().generations()).isEqualTo(generationsBefore);
        assertThat(runJobs()).isZero();
    }

    private static String texts(List<Shown> shown) {
        return String.join("\n", shown.stream().map(Shown::text).toList());
    }

    @Test
    void aPromptWithFlagsQueuesAJobWithThoseParametersAndShowsTheResult() {
        driver.send(ALICE, "/imagine a red fox in the snow --seed 42 --ar 16:9 --steps 30 --cfg 7 --sampler euler-a "
                + "--no text, blurry");

        assertThat(texts(driver.takeShown())).contains("Queued");
        assertThat(runJobs()).isEqualTo(1);
        GenerationRequest request = ran().get(0);
        assertThat(request.prompt()).isEqualTo("a red fox in the snow");
        assertThat(request.seed()).isEqualTo(42L);
        assertThat(request.width()).isEqualTo(680); // 16:9 at 512 x 512's area, see SizesTest
        assertThat(request.height()).isEqualTo(384);
        assertThat(request.steps()).isEqualTo(30);
        assertThat(request.guidance()).isEqualTo(7.0);
        assertThat(request.sampler()).isEqualTo(SamplerKind.EULER_ANCESTRAL);
        assertThat(request.negativePrompt()).isEqualTo("text, blurry");

        List<Shown> shown = driver.takeShown();
        Shown result = last(shown, Kind.IMAGE);
        long id = generationOf(result);
        assertThat(result.text()).contains("a red fox in the snow").contains("Seed 42").contains("30 steps")
                .contains("680x384").contains("#" + id);
        assertThat(result.file()).isNotEmpty();
        assertThat(result.buttons()).contains(ButtonId.of(ButtonAction.RERUN, id).encode(),
                ButtonId.of(ButtonAction.VARY, id, 0).encode());
        Generation stored = storage.generations().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(GenerationStatus.DONE);
        assertThat(stored.images()).extracting(image -> image.seed()).containsExactly(42L);
    }

    @Test
    void aTypedOptionBeatsAFlagInThePrompt() {
        assumeTrue(driver.hasTypedOptions(), "this platform has no typed options");

        driver.imagine(ALICE, "a fox --steps 30 --seed 1", Map.of("steps", "12", "seed", "7"));
        runJobs();

        assertThat(ran()).singleElement().satisfies(request -> {
            assertThat(request.steps()).isEqualTo(12);
            assertThat(request.seed()).isEqualTo(7L);
        });
    }

    @Test
    void anUnknownFlagGetsAMessageNamingItAndNothingIsQueued() {
        driver.send(ALICE, "/imagine a fox --sed 42");

        assertThat(texts(driver.takeShown())).contains("--sed").contains("--seed");
        assertNothingWasQueued(0);
    }

    @Test
    void aMalformedPictureGetsAMessageAndNothingIsQueued() {
        driver.sendImage(ALICE, "oil painting --strength 0.6", "GIF89a this is not really a picture".getBytes());

        assertThat(texts(driver.takeShown())).contains("not a PNG, JPEG or WebP image");
        assertNothingWasQueued(0);
    }

    @Test
    void anOversizedPictureIsRefusedForItsSizeBeforeDecoding() {
        byte[] big = new byte[(int) LIMITS.maxImageBytes() + 1];
        Arrays.fill(big, (byte) 'x');

        driver.sendImage(ALICE, "oil painting", big);

        String text = texts(driver.takeShown());
        assertThat(text).contains("the limit is 65536 bytes").doesNotContain("not a PNG");
        assertNothingWasQueued(0);
    }

    @Test
    void aPictureWithACaptionRunsImageToImage() {
        driver.sendImage(ALICE, "oil painting --strength 0.6", png(96, 64));
        runJobs();

        GenerationRequest request = ran().get(0);
        assertThat(request.isImageToImage()).isTrue();
        assertThat(request.initImage().getWidth()).isEqualTo(96);
        assertThat(request.strength()).isEqualTo(0.6);
        long id = generationOf(last(driver.takeShown(), Kind.IMAGE));
        assertThat(storage.generations().find(id).orElseThrow().kind()).isEqualTo(GenerationKind.IMG2IMG);
    }

    @Test
    void historyShowsTheUsersLastGenerationsAndNotOthers() {
        long first = generationOf(imagine(ALICE, "/imagine first fox"));
        long second = generationOf(imagine(ALICE, "/imagine second fox"));
        imagine(BOB, "/imagine bobs cat");

        driver.send(ALICE, "/history");

        String text = texts(driver.takeShown());
        assertThat(text).contains("#" + first).contains("#" + second).contains("first fox").contains("second fox")
                .doesNotContain("bobs cat");
        assertThat(text.indexOf("#" + second)).isLessThan(text.indexOf("#" + first));
    }

    @Test
    void aRerollButtonMakesANewSeed() {
        Shown result = imagine(ALICE, "/imagine a fox --seed 42 --steps 5");
        long id = generationOf(result);

        driver.press(ALICE, button(result, ButtonAction.REROLL));
        assertThat(runJobs()).isEqualTo(1);

        GenerationRequest reroll = ran().get(1);
        assertThat(reroll.seed()).isNull();
        assertThat(reroll.steps()).isEqualTo(5);
        Shown second = last(driver.takeShown(), Kind.IMAGE);
        long secondId = generationOf(second);
        Generation stored = storage.generations().find(secondId).orElseThrow();
        assertThat(stored.parentId()).isEqualTo(id);
        assertThat(stored.images().get(0).seed()).isNotEqualTo(42L);
        assertThat(second.text()).doesNotContain("Seed 42 ");
    }

    @Test
    void aRerunButtonStillWorksAfterARestartAndGivesTheSameSeed() {
        Shown result = imagine(ALICE, "/imagine a lighthouse at night");
        long id = generationOf(result);
        long seed = storage.generations().find(id).orElseThrow().images().get(0).seed();
        String rerun = button(result, ButtonAction.RERUN);

        restart();
        driver.press(ALICE, rerun);
        assertThat(runJobs()).isEqualTo(1);

        assertThat(ran().get(1).seed()).isEqualTo(seed);
        Shown again = last(driver.takeShown(), Kind.IMAGE);
        assertThat(again.text()).contains("Seed " + seed);
        assertThat(again.file()).isEqualTo(result.file());
    }

    @Test
    void aCancelButtonOnAQueuedJobCancelsIt() {
        driver.send(ALICE, "/imagine a slow fox");
        Shown queued = last(driver.takeShown(), Kind.MESSAGE);
        long id = ButtonId.parse(button(queued, ButtonAction.CANCEL)).orElseThrow().generationId();

        driver.press(ALICE, button(queued, ButtonAction.CANCEL));

        assertThat(texts(driver.takeShown())).contains("Cancelled");
        assertThat(storage.generations().find(id).orElseThrow().status()).isEqualTo(GenerationStatus.CANCELLED);
        assertThat(runJobs()).isZero();
    }

    @Test
    void onlyTheRequesterOrAManagerMayCancelOrDelete() {
        driver.send(ALICE, "/imagine a fox");
        String cancel = button(last(driver.takeShown(), Kind.MESSAGE), ButtonAction.CANCEL);

        driver.press(BOB, cancel);
        assertThat(texts(driver.takeShown())).contains("Only the person who asked");
        assertThat(runJobs()).isEqualTo(1);

        Shown result = last(driver.takeShown(), Kind.IMAGE);
        driver.press(BOB, button(result, ButtonAction.DELETE));
        assertThat(driver.takeShown()).noneMatch(shown -> shown.kind() == Kind.DELETED);

        driver.press(MODERATOR, button(result, ButtonAction.DELETE));
        assertThat(driver.takeShown()).anyMatch(shown -> shown.kind() == Kind.DELETED);
    }

    @Test
    void aButtonFromAnotherBotOrMalformedOrForAGoneGenerationIsAnsweredAsNotValid() {
        for (String id : List.of("other-bot:reroll:1", "im:rr:abc", "im:va:1", "")) {
            driver.press(ALICE, id);
            assertThat(texts(driver.takeShown())).as(id).contains("not mine or no longer valid");
        }
        driver.press(ALICE, ButtonId.of(ButtonAction.RERUN, 424242).encode());
        assertThat(texts(driver.takeShown())).contains("no longer valid");
        assertThat(runJobs()).isZero();
    }

    @Test
    void varyAndUpscaleButtonsWorkOnOnePicture() {
        Shown result = imagine(ALICE, "/imagine two foxes --seed 100 --count 2");
        long id = generationOf(result);

        driver.press(ALICE, button(result, ButtonAction.VARY, 1));
        driver.press(ALICE, button(result, ButtonAction.UPSCALE, 1));
        assertThat(runJobs()).isEqualTo(2);

        GenerationRequest vary = ran().get(1);
        assertThat(vary.seed()).isEqualTo(101L);
        assertThat(vary.count()).isEqualTo(1);
        assertThat(vary.subseedStrength()).isEqualTo(0.25);
        GenerationRequest upscale = ran().get(2);
        assertThat(upscale.seed()).isEqualTo(101L);
        assertThat(upscale.upscale()).isEqualTo(2.0);
        assertThat(upscale.hiresStrength()).isEqualTo(0.35);
        assertThat(storage.generations().history(storage.generations().find(id).orElseThrow().userId(), null, 2))
                .extracting(Generation::kind, Generation::parentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(GenerationKind.UPSCALE, id),
                        org.assertj.core.groups.Tuple.tuple(GenerationKind.VARIATION, id));
    }

    @Test
    void thePngButtonSendsTheStoredOriginal() {
        Shown result = imagine(ALICE, "/imagine a fox");
        long id = generationOf(result);

        driver.press(BOB, button(result, ButtonAction.PNG, 0));

        Shown file = last(driver.takeShown(), Kind.DOCUMENT);
        Generation stored = storage.generations().find(id).orElseThrow();
        assertThat(file.file()).isEqualTo(storage.generations().imageBytes(stored.images().get(0)));
    }

    @Test
    void settingsApplyToLaterPromptsAndSurviveARestart() {
        driver.send(ALICE, "/settings steps 33 negative \"ugly, text\"");
        assertThat(texts(driver.takeShown())).contains("Saved").contains("33 steps");

        restart();
        imagine(ALICE, "/imagine a fox");
        imagine(BOB, "/imagine a cat");

        assertThat(ran().get(0).steps()).isEqualTo(33);
        assertThat(ran().get(0).negativePrompt()).isEqualTo("ugly, text");
        assertThat(ran().get(1).steps()).isNull(); // Bob has no settings: the model decides
    }

    @Test
    void seedShowsEveryParameterOfAGeneration() {
        long id = generationOf(imagine(ALICE, "/imagine a fox --seed 9 --steps 6 --cfg 5"));

        driver.send(ALICE, "/seed " + id);

        assertThat(texts(driver.takeShown())).contains("a fox").contains("Steps: 6").contains("CFG scale: 5")
                .contains("Seed: 9");
    }

    @Test
    void queueShowsTheUsersJobs() {
        driver.send(BOB, "/imagine a cat");
        driver.send(ALICE, "/imagine a fox");
        driver.takeShown();

        driver.send(ALICE, "/queue");

        Optional<Shown> answer = driver.takeShown().stream().filter(s -> s.text().contains("Your jobs")).findFirst();
        assertThat(answer).hasValueSatisfying(s -> assertThat(s.text()).contains("1 job ahead of it")
                .contains("2 jobs waiting"));
    }
}
