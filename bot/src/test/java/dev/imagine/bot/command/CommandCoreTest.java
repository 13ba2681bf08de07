package dev.imagine.bot.command;

import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.stored.StoredJobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.fake.ExpectedLog;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.config.RateLimit;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core's command routing, rights and refusals, over a real storage and dispatcher with a fake engine. */
class CommandCoreTest {
    private static final Caller ALICE = caller("1", "Alice", "group", false);
    private static final Caller BOB = caller("2", "Bob", "group", false);
    private static final Caller BOB_ELSEWHERE = caller("2", "Bob", "other-chat", false);
    private static final Caller ADMIN = caller("3", "Ada", "group", true);
    private static final CommandLimits LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024, 4096L * 4096L);

    @TempDir
    Path folder;
    private final FakeEngine engine = new FakeEngine();
    private Storage storage;
    private Dispatcher dispatcher;
    private CommandCore core;

    private static Caller caller(String id, String name, String chat, boolean manager) {
        return new Caller(new Requester("test", id, name), new ChatTarget("test", null, chat, null), manager);
    }

    @BeforeEach
    void start() {
        storage = Storage.open(folder);
        dispatcher = new Dispatcher(engine, new dev.imagine.bot.service.StorageJournal(storage, FakeEngine.MODEL), new DispatchLimits(
                new RateLimit(4, 1, Duration.ofHours(1)), Map.of(), Map.of(), Set.of(), 5, 100,
                Duration.ofMinutes(10)), Messages.JOB_NOTICES, new FakeClock(), new SimpleMeterRegistry());
        core = new CommandCore(dispatcher, storage, LIMITS);
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    private long queued(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Queued.class);
        return ((Reply.Queued) reply).generationId();
    }

    private long made(Caller caller, String text) {
        long id = queued(core.handleText(caller, text));
        while (dispatcher.runNext()) {
            // run everything queued
        }
        return id;
    }

    @Test
    void plainTextIsAPromptAndABotNameAfterTheCommandIsIgnored() {
        Reply plain = core.handleText(ALICE, "a red fox --steps 3");
        Reply named = core.handleText(ALICE, "/imagine@imagine_bot a blue fox");

        assertThat(plain.text()).startsWith("Queued as #" + queued(plain) + ": yours is next.");
        assertThat(named.text()).startsWith("Queued as #" + queued(named) + ": 1 job ahead of yours (2 waiting).");
    }

    @Test
    void unknownCommandsAndMissingArgumentsSayWhatToDo() {
        assertThat(core.handleText(ALICE, "/histroy")).isEqualTo(new Reply.Refused(
                "Unknown command /histroy; did you mean /history? /help lists the commands."));
        assertThat(core.handleText(ALICE, "/imagine").text()).startsWith("Write the prompt after /imagine");
        assertThat(core.handleText(ALICE, "/seed abc").text()).startsWith("Give the generation's number");
        assertThat(core.handleText(ALICE, "  ").text()).startsWith("Send a prompt");
    }

    @Test
    void aPictureWithoutCaptionOrWithAnotherCommandIsExplained() {
        InitImage picture = InitImage.of(RequestFactoryTest.png(64, 64));

        assertThat(core.handleText(ALICE, "", picture).text()).startsWith("Send the picture again with a caption");
        assertThat(core.handleText(ALICE, "/history", picture).text()).startsWith("A picture goes with a prompt");
        assertThat(core.refuseUpload(64 * 1024)).isEmpty();
        assertThat(core.refuseUpload(20L << 20)).contains("The picture is 20 MB; the limit is 64 KB. Send a smaller "
                + "one.");
    }

    @Test
    void rerunByIdTakesAnOptionalSeedInSeveralSpellings() {
        long id = made(ALICE, "fox --seed 5 --steps 2");

        made(ALICE, "/rerun " + id);
        made(ALICE, "/rerun #" + id + " 77");
        made(ALICE, "/rerun " + id + " --seed 78");

        assertThat(engine.requests).extracting(r -> r.seed()).containsExactly(5L, 5L, 77L, 78L);
        assertThat(core.handleText(ALICE, "/rerun " + id + " soon").text())
                .startsWith("After the generation's number comes an optional seed");
    }

    @Test
    void seedAndRerunByIdNeedTheRequesterOrTheSameChat() {
        long id = made(ALICE, "secret fox");

        assertThat(core.handleText(BOB, "/seed " + id)).isInstanceOf(Reply.Text.class);
        assertThat(core.handleText(BOB_ELSEWHERE, "/seed " + id)).isEqualTo(new Reply.Refused("There is no "
                + "generation #" + id + " of yours or in this chat; /history lists yours."));
        assertThat(core.rerun(BOB_ELSEWHERE, id, null)).isInstanceOf(Reply.Refused.class);
        assertThat(core.handleText(BOB_ELSEWHERE, "/seed 999").text()).contains("no generation #999");
    }

    @Test
    void cancelWithoutAnIdCancelsAllOfTheCallersJobsAndAManagerMayCancelOthers() {
        long first = queued(core.handleText(ALICE, "fox one"));
        long second = queued(core.handleText(ALICE, "fox two"));
        long bobs = queued(core.handleText(BOB, "bob's fox"));

        assertThat(core.handleText(BOB, "/cancel " + first).text()).startsWith("Only the person who asked");
        assertThat(core.handleText(ALICE, "/cancel")).isEqualTo(new Reply.Text("Cancelled #" + first + " and #"
                + second + "."));
        assertThat(core.handleText(ALICE, "/cancel")).isEqualTo(new Reply.Text("You have nothing queued or running."));
        assertThat(core.handleText(ADMIN, "/cancel " + bobs)).isEqualTo(new Reply.Text("Cancelled #" + bobs + "."));
        assertThat(storage.generations().find(bobs).orElseThrow().status()).isEqualTo(GenerationStatus.CANCELLED);
        assertThat(core.handleText(ADMIN, "/cancel " + bobs).text()).contains("not queued or running any more");
    }

    @Test
    void onlyManagersChangeTheChatsDefaultsWhichApplyToEveryone() {
        assertThat(core.settings(ALICE, "channel steps 9").text())
                .isEqualTo("Only a manager of this chat can change its defaults.");
        assertThat(core.settings(ADMIN, "channel steps 9 negative watermark").text()).startsWith("Saved.");
        assertThat(storage.settings().channel("test", "group"))
                .isEqualTo(StoredJobs.parameters(TestValues.defaults(null, 9, null, null, "watermark")));

        made(BOB, "fox");

        assertThat(engine.requests.get(0).steps()).isEqualTo(9);
        assertThat(engine.requests.get(0).negativePrompt()).isEqualTo("watermark");
    }

    @Test
    void settingsWithoutArgumentsShowThemAndResetClearsThem() {
        core.settings(ALICE, "steps 12");
        assertThat(core.handleText(ALICE, "/settings").text()).startsWith("Your settings: 12 steps.");

        core.handleText(ALICE, "/settings reset");

        assertThat(core.handleText(ALICE, "/settings").text()).startsWith("Your settings: none");
    }

    @Test
    void theDispatchersRejectionsArePassedThrough() {
        core.handleText(ALICE, "fox --count 4");

        Reply limited = core.handleText(ALICE, "fox");

        assertThat(limited).isInstanceOf(Reply.Refused.class);
        assertThat(limited.text()).startsWith("You have used your images for now (1 per 1 hour); try again in ");
    }

    @Test
    void aBlockedUserIsRefused() {
        made(ALICE, "fox");
        long user = storage.users().find("test", "1").orElseThrow().id();
        storage.users().setBlocked(user, true);

        assertThat(core.handleText(ALICE, "another fox").text()).contains("blocked");
    }

    @Test
    void aStorageFailureBecomesASentenceNotAnException() {
        storage.close();

        Reply reply;
        try (ExpectedLog log = ExpectedLog.of(CommandCore.class)) {
            reply = core.handleText(ALICE, "/history");
            assertThat(log.lines()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("ERROR A command failed | StorageException: the storage in").endsWith("is closed");
        }
        assertThat(reply).isEqualTo(new Reply.Refused("Something went wrong on our side; please try again in a "
                + "moment."));
    }

    @Test
    void upscaleButtonsRefuseWhatWouldExceedTheMaximumSide() {
        long id = made(ALICE, "fox --size 768x768");

        Reply reply = core.press(ALICE, ButtonId.of(ButtonAction.UPSCALE, id, 0).encode());

        assertThat(reply).isEqualTo(new Reply.Refused("Upscaling 768x768 by 2 would make 1536x1536, over this "
                + "server's maximum of 1024 pixels per side."));
    }

    @Test
    void pictureButtonsOnAnUnfinishedGenerationSaySo() {
        long id = queued(core.handleText(ALICE, "fox"));

        assertThat(core.press(ALICE, ButtonId.of(ButtonAction.VARY, id, 0).encode()).text())
                .isEqualTo("Generation #" + id + " is queued; its pictures are not ready yet.");
        assertThat(core.press(ALICE, ButtonId.of(ButtonAction.PNG, id, 3).encode()).text())
                .contains("not ready");
    }
}
