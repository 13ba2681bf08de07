package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety policy on the web chat's API, through the whole service with the tiny model's checker: under
 * {@code spoiler} a flagged picture is marked for the page to blur (its file is the real, unchanged PNG), under
 * {@code allow} it is shown as it is, and blocked words are refused before queueing without naming them.
 * ({@code block} is in {@link WebApiTest}.)
 */
class WebSafetyTest {
    private static final String PASSWORD = "safety test password";
    private static final String PROMPT = "a lighthouse";

    @TempDir
    static Path shared;
    private static Path model;
    private static SafetyModel.Seeds seeds;

    @TempDir
    Path dir;

    private ImagineService service;
    private WebAdapter web;

    @BeforeAll
    static void modelWithAChecker() throws Exception {
        model = SafetyModel.write(shared.resolve("model"));
        seeds = SafetyModel.seeds(model, PROMPT, 64, 2);
    }

    private void start(String safety) throws Exception {
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n"
                + "safety:\n" + safety
                + "web:\n  port: 0\n";
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir, Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        Function<ImagineConfig, ChatAdapter> factory = c -> {
            web = new WebAdapter(c.web());
            return web;
        };
        service = ImagineService.start(config, Map.of(Platform.WEB, factory), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close(Duration.ofSeconds(30));
        }
    }

    private WebClient signedIn(String name) {
        WebClient client = new WebClient(web.url());
        assertThat(client.login(name, PASSWORD).status()).isEqualTo(200);
        return client;
    }

    /** The finished generation of the next prompt {@code client} sends. */
    private static JsonNode generate(WebClient client, long seed) {
        int before = client.events(0).size();
        assertThat(client.post("/api/prompts", Map.of("text", PROMPT + " --seed " + seed + " --steps 2 --size 64x64"))
                .status()).isEqualTo(202);
        for (int count = before + 1; client.awaitEvents(count, Duration.ofSeconds(60)); count++) {
            WebClient.Event event = client.events(0).get(count - 1);
            if (event.name().equals("done")) {
                return event.data().path("generation");
            }
            assertThat(event.name()).isNotIn("failed", "cancelled");
        }
        throw new AssertionError("no final event; got " + client.events(0));
    }

    @Test
    void underSpoilerTheFlaggedPictureIsBlurredOnThePageButItsFileIsTheRealOne() throws Exception {
        start("  nsfw: spoiler\n");
        long flaggedId;
        byte[] served;
        try (WebClient alice = signedIn("Alice")) {
            alice.listen();
            JsonNode flagged = generate(alice, seeds.flagged()).path("images").path(0);
            JsonNode clean = generate(alice, seeds.clean()).path("images").path(0);

            assertThat(flagged.path("nsfw").asBoolean()).isTrue();
            assertThat(flagged.path("spoiler").asBoolean()).isTrue();
            assertThat(flagged.path("withheld").asBoolean()).isFalse();
            assertThat(clean.path("nsfw").asBoolean()).isFalse();
            assertThat(clean.path("spoiler").asBoolean()).isFalse();
            WebClient.Answer file = alice.get(flagged.path("url").asText());
            assertThat(file.status()).isEqualTo(200);
            served = file.body();
            flaggedId = Long.parseLong(flagged.path("url").asText().split("/")[3]);
        }
        service.close(Duration.ofSeconds(30));
        service = null;
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(served).isEqualTo(stored.generations().imageBytes(
                    stored.generations().find(flaggedId).orElseThrow().images().get(0)));
        }
    }

    @Test
    void underAllowTheFlaggedPictureIsShownAsItIs() throws Exception {
        start("  nsfw: allow\n");
        try (WebClient alice = signedIn("Alice")) {
            alice.listen();
            JsonNode flagged = generate(alice, seeds.flagged()).path("images").path(0);

            assertThat(flagged.path("nsfw").asBoolean()).isTrue();
            assertThat(flagged.path("spoiler").asBoolean(true)).isFalse();
            assertThat(flagged.path("withheld").asBoolean()).isFalse();
            assertThat(alice.get(flagged.path("url").asText()).status()).isEqualTo(200);
        }
    }

    @Test
    void blockedWordsAreRefusedBeforeQueueingWithoutNamingThem() throws Exception {
        start("  blocked-words: [gore, \"blood bath\"]\n");
        try (WebClient alice = signedIn("Alice")) {
            for (String text : List.of("a GORE scene", "a Blood  Bath", "ＧＯＲＥ")) {
                WebClient.Answer refusal = alice.post("/api/prompts", Map.of("text", text + " --steps 2 --size 64x64"));

                assertThat(refusal.status()).isEqualTo(422);
                assertThat(refusal.json().path("kind").asText()).isEqualTo("refused");
                assertThat(refusal.json().path("text").asText()).isEqualTo(Messages.BLOCKED_PROMPT)
                        .doesNotContainIgnoringCase("gore").doesNotContainIgnoringCase("blood");
            }
            assertThat(alice.get("/api/generations").json().path("items")).isEmpty();
        }
        service.close(Duration.ofSeconds(30));
        service = null;
        try (Storage stored = Storage.open(dir.resolve("data"))) {
            assertThat(stored.generations().find(1)).isEmpty();
        }
    }
}
