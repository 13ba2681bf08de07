package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.bot.app.Adapters;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.storage.Generation;
import dev.imagine.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy through the whole service against the fake Discord: a flagged picture goes out as a
 * {@code SPOILER_} file in an ordinary channel and as it is in an age-restricted one; {@code block} posts no file but
 * a sentence with working buttons; blocked words are refused before queueing without naming them. A flagged
 * animation's MP4 is treated as a flagged picture.
 */
class DiscordSafetyTest {
    private static final FakeDiscord.Person ALICE = new FakeDiscord.Person("1001", "Alice", false);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROMPT = "a lighthouse at dusk";

    @TempDir
    static Path shared;
    private static Path model;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    @AutoClose
    final FakeDiscord fake = FakeDiscord.start();

    @BeforeAll
    static void modelWithAChecker() throws Exception {
        model = SafetyModel.write(shared.resolve("model"));
        seeds = SafetyModel.seeds(model, PROMPT, 64, 2);
    }

    private ImagineService start(String safety) throws Exception {
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n" + "web:\n  enabled: false\n"
                + "discord:\n  api-url: " + fake.apiUrl() + "\n  guild-ids: [" + FakeDiscord.GUILD_ID + "]\n"
                + "safety:\n" + safety;
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir,
                Map.of(Platform.DISCORD.tokenVariable(), FakeDiscord.TOKEN));
        return ImagineService.start(config, Adapters.available(), Clock.systemUTC());
    }

    private void imagine(String prompt) throws InterruptedException {
        fake.awaitAcknowledged(fake.slash(ALICE, false, "imagine", JsonNodeFactory.instance.arrayNode()
                .add(FakeDiscord.option("prompt", 3, prompt)), null));
    }

    /**
     * {@code /animate} with the same prompt and seed at both keyframes: every frame is that seed's picture, so the
     * checker flags all of them or none.
     */
    private void animate(long seed) throws InterruptedException {
        fake.awaitAcknowledged(fake.slash(ALICE, false, "animate", JsonNodeFactory.instance.arrayNode()
                .add(FakeDiscord.option("prompt", 3, PROMPT + " --size 64x64 --steps 2"))
                .add(FakeDiscord.option("to", 3, PROMPT)).add(FakeDiscord.option("frames", 4, 2L))
                .add(FakeDiscord.option("seed", 4, seed)).add(FakeDiscord.option("to-seed", 4, seed)), null));
    }

    private FakeDiscord.Visible animation(long seed) throws InterruptedException {
        return fake.awaitVisible(v -> v.content().startsWith(PROMPT + " (seed " + seed + ")")
                && !v.components().isEmpty() && (v.content().contains("was withheld") || !v.files().isEmpty()), WAIT);
    }

    private static long generationOf(FakeDiscord.Visible visible) {
        return visible.components().stream().flatMap(c -> ButtonId.parse(c).stream()).findFirst().orElseThrow()
                .generationId();
    }

    private static String prompt(long seed) {
        return PROMPT + " --size 64x64 --steps 2 --seed " + seed;
    }

    private FakeDiscord.Visible result(long seed) throws InterruptedException {
        return fake.awaitVisible(v -> v.content().contains("Seed " + seed + " ") && !v.components().isEmpty()
                && (v.content().contains("was withheld") || !v.files().isEmpty()), WAIT);
    }

    @Test
    void inAnOrdinaryChannelTheFlaggedPictureIsASpoilerFileAndTheCleanOneIsNot() throws Exception {
        ImagineService service = start("  nsfw: spoiler\n");
        long id;
        byte[] posted;
        byte[] originalBytes;
        try {
            imagine(prompt(seeds.flagged()));
            FakeDiscord.Visible flagged = result(seeds.flagged());
            imagine(prompt(seeds.clean()));
            FakeDiscord.Visible clean = result(seeds.clean());

            assertThat(flagged.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).startsWith("SPOILER_imagine-").endsWith(".png"));
            assertThat(flagged.content()).contains(Messages.SPOILER_NOTE);
            assertThat(clean.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).startsWith("imagine-"));
            assertThat(clean.content()).doesNotContain(Messages.SPOILER_NOTE);

            // The PNG button hands out the original behind a spoiler too.
            id = flagged.components().stream().flatMap(c -> ButtonId.parse(c).stream()).findFirst().orElseThrow()
                    .generationId();
            String name = "SPOILER_imagine-" + id + "-1.png";
            fake.awaitAcknowledged(fake.press(ALICE, ButtonId.of(ButtonAction.PNG, id, 0).encode()));
            FakeDiscord.Visible original = fake.awaitVisible(v -> v.files().stream()
                    .anyMatch(f -> f.fileName().equals(name)), WAIT);
            originalBytes = original.files().get(0).bytes();
            posted = flagged.files().get(0).bytes();
        } finally {
            service.close(Duration.ofSeconds(30));
        }
        // The spoiler hides the real picture: both files are the stored, unchanged PNG.
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            byte[] png = stored.generations().imageBytes(stored.generations().find(id).orElseThrow().images().get(0));
            assertThat(posted).isEqualTo(png);
            assertThat(originalBytes).isEqualTo(png);
        }
    }

    @Test
    void inAnAgeRestrictedChannelWithoutTheAllowanceTheFlaggedPictureIsStillASpoiler() throws Exception {
        fake.markChannelNsfw(true);
        ImagineService service = start("  nsfw: spoiler\n  allow-in-nsfw-channels: false\n");
        try {
            imagine(prompt(seeds.flagged()));
            FakeDiscord.Visible flagged = result(seeds.flagged());

            assertThat(flagged.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).startsWith("SPOILER_imagine-"));
            assertThat(flagged.content()).contains(Messages.SPOILER_NOTE);
        } finally {
            service.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void inAnAgeRestrictedChannelTheFlaggedPictureGoesOutAsItIs() throws Exception {
        fake.markChannelNsfw(true);
        ImagineService service = start("  nsfw: spoiler\n  allow-in-nsfw-channels: true\n");
        try {
            imagine(prompt(seeds.flagged()));
            FakeDiscord.Visible flagged = result(seeds.flagged());

            assertThat(flagged.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).startsWith("imagine-"));
            assertThat(flagged.content()).doesNotContain(Messages.SPOILER_NOTE);
        } finally {
            service.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void blockPostsNoFileButASentenceAndItsButtonsStillWork() throws Exception {
        ImagineService service = start("  nsfw: block\n");
        long id;
        try {
            imagine(prompt(seeds.flagged()));
            FakeDiscord.Visible withheld = result(seeds.flagged());
            String reroll = withheld.components().stream()
                    .filter(c -> ButtonId.parse(c).map(b -> b.action() == ButtonAction.REROLL).orElse(false))
                    .findFirst().orElseThrow();
            id = ButtonId.parse(reroll).orElseThrow().generationId();

            assertThat(withheld.files()).isEmpty();
            assertThat(withheld.content()).contains(Messages.withheld(id, 0, 1));
            assertThat(fake.requests().stream().flatMap(r -> r.files().stream())).isEmpty();

            fake.awaitAcknowledged(fake.press(ALICE, reroll));
            fake.awaitVisible(v -> v.content().contains("Seed ") && !v.content().contains("Seed " + seeds.flagged()
                    + " ") && !v.components().isEmpty() && v.content().contains(PROMPT), WAIT);
        } finally {
            service.close(Duration.ofSeconds(30));
        }
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().find(id).orElseThrow().images().get(0).nsfw()).isTrue();
            Generation reroll = stored.generations().find(id + 1).orElseThrow();
            assertThat(reroll.parentId()).isEqualTo(id);
        }
    }

    @Test
    void inAnOrdinaryChannelAFlaggedAnimationIsASpoilerMp4WithTheNote() throws Exception {
        ImagineService service = start("  nsfw: spoiler\n");
        long id;
        byte[] posted;
        try {
            animate(seeds.flagged());
            FakeDiscord.Visible flagged = animation(seeds.flagged());
            id = generationOf(flagged);

            assertThat(flagged.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).isEqualTo("SPOILER_imagine-" + id + ".mp4"));
            assertThat(flagged.content()).contains(Messages.SPOILER_NOTE);
            assertThat(flagged.components()).containsExactly(ButtonId.forAnimation(id).stream()
                    .map(ButtonId::encode).toArray(String[]::new));
            posted = flagged.files().get(0).bytes();
        } finally {
            service.close(Duration.ofSeconds(30));
        }
        // The spoiler hides the real video: the file posted is the stored one.
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            Generation animation = stored.generations().find(id).orElseThrow();
            assertThat(animation.images()).hasSize(3).allSatisfy(image -> assertThat(image.nsfw()).isTrue());
            assertThat(posted).isEqualTo(stored.generations().imageBytes(animation.images().get(2)));
        }
    }

    @Test
    void inAnAgeRestrictedChannelAFlaggedAnimationGoesOutAsItIs() throws Exception {
        fake.markChannelNsfw(true);
        ImagineService service = start("  nsfw: spoiler\n  allow-in-nsfw-channels: true\n");
        try {
            animate(seeds.flagged());
            FakeDiscord.Visible flagged = animation(seeds.flagged());

            assertThat(flagged.files()).singleElement().satisfies(file ->
                    assertThat(file.fileName()).isEqualTo("imagine-" + generationOf(flagged) + ".mp4"));
            assertThat(flagged.content()).doesNotContain(Messages.SPOILER_NOTE);
        } finally {
            service.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void blockPostsNoFlaggedAnimationButTheSentenceWithItsButtons() throws Exception {
        ImagineService service = start("  nsfw: block\n");
        try {
            animate(seeds.flagged());
            FakeDiscord.Visible withheld = animation(seeds.flagged());
            long id = generationOf(withheld);

            assertThat(withheld.files()).isEmpty();
            assertThat(withheld.content()).contains(Messages.withheld(id, 0, 1));
            assertThat(withheld.components()).containsExactly(ButtonId.forAnimation(id).stream()
                    .map(ButtonId::encode).toArray(String[]::new));
            assertThat(fake.requests().stream().flatMap(r -> r.files().stream())).isEmpty();
        } finally {
            service.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void blockedWordsAreRefusedBeforeQueueing() throws Exception {
        ImagineService service = start("  blocked-words: [gore]\n");
        try {
            imagine("a GORE scene --size 64x64 --steps 2");
            FakeDiscord.Visible refusal = fake.awaitVisible(v -> v.content().equals(Messages.BLOCKED_PROMPT), WAIT);

            assertThat(refusal.ephemeral()).isTrue();
            assertThat(refusal.content()).doesNotContainIgnoringCase("gore");
        } finally {
            service.close(Duration.ofSeconds(30));
        }
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().find(1)).isEmpty();
        }
    }
}
