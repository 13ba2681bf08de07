package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.bot.app.Adapters;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.bot.telegram.FakeBotApi.Call;
import dev.imagine.bot.telegram.FakeBotApi.TgUser;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy through the whole service as {@code imagine run} wires it, against the fake Bot API: the tiny
 * model's checker flags one seed's picture and not another's; {@code spoiler} sends the flagged photo with
 * {@code has_spoiler} and a caption note, {@code block} sends no photo but a sentence with the buttons, blocked words
 * refuse before anything is queued, and {@code checker: off} changes nothing. A flagged animation's video is treated as
 * a flagged photo: {@code has_spoiler} on {@code sendAnimation}, or a sentence with its buttons instead.
 */
class TelegramSafetyTest {
    private static final TgUser ALICE = new TgUser(3001, "Alice");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROMPT = "a lighthouse at dusk";

    @TempDir
    static Path shared;
    private static Path model;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    private final FakeBotApi api = new FakeBotApi(Duration.ofMillis(100));

    @BeforeAll
    static void modelWithAChecker() throws Exception {
        model = SafetyModel.write(shared.resolve("model"));
        seeds = SafetyModel.seeds(model, PROMPT, 64, 2);
    }

    @AfterEach
    void closeApi() {
        api.close();
    }

    private ImagineService start(String safety) throws Exception {
        return start(model, safety);
    }

    private ImagineService start(Path modelFolder, String safety) throws Exception {
        String yaml = "engine:\n  model: " + modelFolder + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n" + "web:\n  enabled: false\n"
                + "telegram:\n  api-url: " + api.baseUrl() + "\n"
                + "safety:\n" + safety;
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir,
                Map.of(Platform.TELEGRAM.tokenVariable(), FakeBotApi.TOKEN));
        return ImagineService.start(config, Adapters.available(), Clock.systemUTC());
    }

    private Call await(String method, Predicate<Call> condition) {
        return api.await(call -> call.method().equals(method) && condition.test(call), WAIT);
    }

    private static String prompt(long seed) {
        return PROMPT + " --size 64x64 --steps 2 --seed " + seed;
    }

    /**
     * {@code /animate} with the same prompt and seed at both keyframes: every frame is that seed's picture, so the
     * checker flags all of them or none.
     */
    private static String animation(long seed) {
        return "/animate " + PROMPT + " -> " + PROMPT + " --frames 2 --seed " + seed + " --to-seed " + seed
                + " --size 64x64 --steps 2";
    }

    private static long generationOf(Call call) {
        return ButtonId.parse(call.buttons().get(0)).orElseThrow().generationId();
    }

    private static boolean seeded(Call call, long seed) {
        String caption = call.field("caption");
        return caption != null && caption.contains("Seed " + seed + " ");
    }

    @Test
    void spoilerHidesTheFlaggedPhotoAndSendsTheCleanOneAsItIs() throws Exception {
        ImagineService service = start("  nsfw: spoiler\n");
        Call flagged;
        Call clean;
        try {
            api.sendText(ALICE.id(), ALICE, prompt(seeds.flagged()));
            flagged = await("sendPhoto", call -> call.ok() && seeded(call, seeds.flagged()));
            api.sendText(ALICE.id(), ALICE, prompt(seeds.clean()));
            clean = await("sendPhoto", call -> call.ok() && seeded(call, seeds.clean()));

            // Telegram cannot hide a file behind a spoiler, so the PNG button does not post the flagged original.
            api.press(ALICE.id(), ALICE, flagged.messageId(), ButtonId.of(ButtonAction.PNG, generationOf(flagged), 0)
                    .encode());
            await("sendMessage", call -> call.ok() && call.field("text").contains("cannot hide a file"));
            assertThat(api.calls("sendDocument")).isEmpty();
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        assertThat(flagged.field("has_spoiler")).isEqualTo("true");
        assertThat(flagged.field("caption")).endsWith("\n" + Messages.SPOILER_NOTE);
        assertThat(clean.field("has_spoiler")).isNotEqualTo("true");
        assertThat(clean.field("caption")).doesNotContain(Messages.SPOILER_NOTE);
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation hidden = stored.generations().find(generationOf(flagged)).orElseThrow();
            Generation shown = stored.generations().find(generationOf(clean)).orElseThrow();
            assertThat(hidden.images()).singleElement().satisfies(image -> assertThat(image.nsfw()).isTrue());
            assertThat(shown.images()).singleElement().satisfies(image -> assertThat(image.nsfw()).isFalse());
            // The spoiler hides the real picture: the bytes sent are the stored, unchanged PNG.
            assertThat(flagged.upload("photo").bytes())
                    .isEqualTo(stored.generations().imageBytes(hidden.images().get(0)));
        }
    }

    @Test
    void blockSendsNoPhotoButASentenceWithButtonsThatStillWork() throws Exception {
        ImagineService service = start("  nsfw: block\n");
        try {
            long prompt = api.sendText(ALICE.id(), ALICE, prompt(seeds.flagged()));
            Call withheld = await("sendMessage", call -> call.ok() && call.field("text").contains("was withheld"));
            long id = generationOf(withheld);
            assertThat(withheld.field("text")).isEqualTo(Messages.withheld(id, 0, 1));
            assertThat(withheld.repliesTo()).isEqualTo(api.messageIdOf(prompt));
            assertThat(api.calls("sendPhoto")).isEmpty();
            assertThat(api.calls("sendDocument")).isEmpty();

            // Re-roll from the withheld message queues a new job; PNG does not hand out the flagged original.
            String reroll = withheld.buttons().stream()
                    .filter(b -> ButtonId.parse(b).orElseThrow().action() == ButtonAction.REROLL).findFirst()
                    .orElseThrow();
            api.press(ALICE.id(), ALICE, withheld.messageId(), reroll);
            Call answer = await("answerCallbackQuery", call -> api.lastCallbackId().equals(
                    call.field("callback_query_id")));
            assertThat(answer.field("text")).startsWith("Queued as #");
            String png = ButtonId.of(ButtonAction.PNG, id, 0).encode();
            api.press(ALICE.id(), ALICE, withheld.messageId(), png);
            Call refused = await("answerCallbackQuery", call -> api.lastCallbackId().equals(
                    call.field("callback_query_id")));
            assertThat(refused.field("text")).isEqualTo(Messages.withheldFile(id, 0));
            assertThat(api.calls("sendDocument")).isEmpty();
        } finally {
            service.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void spoilerSendsAFlaggedAnimationWithHasSpoilerAndTheNoteAndACleanOneAsItIs() throws Exception {
        ImagineService service = start("  nsfw: spoiler\n");
        Call flagged;
        Call clean;
        try {
            api.sendText(ALICE.id(), ALICE, animation(seeds.flagged()));
            flagged = await("sendAnimation", Call::ok);
            api.sendText(ALICE.id(), ALICE, animation(seeds.clean()));
            long first = generationOf(flagged);
            clean = await("sendAnimation", call -> call.ok() && generationOf(call) != first);
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        assertThat(flagged.field("has_spoiler")).isEqualTo("true");
        assertThat(flagged.field("caption")).startsWith(PROMPT + " (seed " + seeds.flagged() + ")")
                .endsWith("\n" + Messages.SPOILER_NOTE);
        assertThat(flagged.buttonRows()).containsExactly(List.of("Re-roll", "Rerun", "Reverse", "Delete"));
        assertThat(clean.field("has_spoiler")).isNotEqualTo("true");
        assertThat(clean.field("caption")).doesNotContain(Messages.SPOILER_NOTE);
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation hidden = stored.generations().find(generationOf(flagged)).orElseThrow();
            assertThat(hidden.images()).hasSize(3).allSatisfy(image -> assertThat(image.nsfw()).isTrue());
            // The spoiler hides the real video: the bytes sent are the stored file.
            assertThat(flagged.upload("animation").bytes())
                    .isEqualTo(stored.generations().imageBytes(hidden.images().get(2)));
        }
    }

    @Test
    void blockSendsNoFlaggedAnimationButTheSentenceWithItsButtons() throws Exception {
        ImagineService service = start("  nsfw: block\n");
        try {
            long prompt = api.sendText(ALICE.id(), ALICE, animation(seeds.flagged()));
            Call withheld = await("sendMessage", call -> call.ok() && call.field("text").contains("was withheld"));
            long id = generationOf(withheld);

            assertThat(withheld.field("text")).isEqualTo(Messages.withheld(id, 0, 1));
            assertThat(withheld.repliesTo()).isEqualTo(api.messageIdOf(prompt));
            assertThat(withheld.buttonRows()).containsExactly(List.of("Re-roll", "Rerun", "Reverse", "Delete"));
            assertThat(api.calls("sendAnimation")).isEmpty();
            assertThat(api.calls("sendDocument")).isEmpty();
        } finally {
            service.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void blockedWordsAreRefusedBeforeQueueingWithoutNamingThem() throws Exception {
        ImagineService service = start("  blocked-words: [gore, \"blood bath\", \"Ärger\"]\n");
        try {
            for (String text : new String[] {"a GORE scene", "a Blood   Bath at dawn", "ＧＯＲＥ", "viel ärger hier"}) {
                long update = api.sendText(ALICE.id(), ALICE, text + " --size 64x64 --steps 2");
                Call refusal = await("sendMessage", call -> call.ok() && Messages.BLOCKED_PROMPT.equals(
                        call.field("text")) && call.repliesTo() == api.messageIdOf(update));
                assertThat(refusal.field("text")).doesNotContainIgnoringCase("gore").doesNotContainIgnoringCase("blood")
                        .doesNotContainIgnoringCase("ärger");
            }
            // Whole words only: "gorey" is another word, so it runs.
            api.sendText(ALICE.id(), ALICE, "a gorey lighthouse --size 64x64 --steps 2 --seed 1");
            await("sendPhoto", Call::ok);
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        long refusals = api.calls("sendMessage").stream().filter(c -> Messages.BLOCKED_PROMPT.equals(c.field("text")))
                .count();
        assertThat(refusals).isEqualTo(4);
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().unfinished()).isEmpty();
            assertThat(stored.generations().find(1).orElseThrow().parameters().get("prompt")).isEqualTo("a gorey lighthouse");
            assertThat(stored.generations().find(2)).isEmpty();
        }
    }

    @Test
    void aCheckerFolderGivenInTheConfigurationChecksAModelWithoutOne() throws Exception {
        Path plain = dir.resolve("plain");
        DemoModel.writeTiny(plain);
        Path flagsAll = dir.resolve("flags-all");
        DemoModel.writeTinyWithSafetyChecker(flagsAll, -1000.0);
        ImagineService service = start(plain, "  checker: " + flagsAll + "\n  nsfw: spoiler\n");
        Call photo;
        try {
            api.sendText(ALICE.id(), ALICE, prompt(seeds.clean()));
            photo = await("sendPhoto", Call::ok);
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        assertThat(photo.field("has_spoiler")).isEqualTo("true");
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().find(generationOf(photo)).orElseThrow().images().get(0).nsfw()).isTrue();
        }
    }

    @Test
    void checkerOffSendsEveryPictureAsItIsAndStoresNoFlag() throws Exception {
        ImagineService service = start("  checker: off\n  nsfw: block\n");
        Call photo;
        try {
            api.sendText(ALICE.id(), ALICE, prompt(seeds.flagged()));
            photo = await("sendPhoto", call -> call.ok() && seeded(call, seeds.flagged()));
        } finally {
            service.close(Duration.ofSeconds(10));
        }
        assertThat(photo.field("has_spoiler")).isNotEqualTo("true");
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation generation = stored.generations().find(generationOf(photo)).orElseThrow();
            assertThat(generation.status()).isEqualTo(GenerationStatus.DONE);
            assertThat(generation.images().get(0).nsfw()).isFalse();
        }
    }
}
