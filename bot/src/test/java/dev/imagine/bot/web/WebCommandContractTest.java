package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.command.CommandContract;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.config.Secret;
import dev.imagine.config.WebSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command-core contract through the web chat's HTTP API, as browsers use it: each user signs in with the password
 * under their own name ({@code MODERATOR}'s is in {@code web.managers}), listens to their event stream, and posts
 * prompts, pictures and button presses. What the chat shows is every reply to those requests and every event the
 * streams carried, in the order they arrived; a finished job's picture is fetched from the image URL its event names.
 */
class WebCommandContractTest extends CommandContract {
    static final String PASSWORD = "contract password";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    protected PlatformDriver connect(CommandCore core, Dispatcher dispatcher) {
        return new WebDriver(core, dispatcher, storage);
    }

    /** Plays the contract's users, each in their own signed-in browser session. */
    static final class WebDriver implements PlatformDriver {
        private final WebAdapter adapter;
        private final Map<String, WebClient> clients = new HashMap<>();
        private final Map<String, Integer> seen = new HashMap<>();
        private final List<Shown> shown = new ArrayList<>();

        WebDriver(CommandCore core, Dispatcher dispatcher, dev.imagine.storage.Storage storage) {
            adapter = new WebAdapter(new WebSettings(true, "127.0.0.1", 0, Optional.of(Secret.of(PASSWORD)),
                    List.of(MODERATOR.id())));
            adapter.start(core, dispatcher, storage, new FakeClock());
        }

        private WebClient client(ChatUser user) {
            return clients.computeIfAbsent(user.id(), id -> {
                WebClient client = new WebClient(adapter.url());
                assertThat(client.login(id, PASSWORD).status()).isEqualTo(200);
                client.listen();
                seen.put(id, 0);
                return client;
            });
        }

        @Override
        public void send(ChatUser user, String text) {
            reply(client(user).post("/api/prompts", Map.of("text", text)));
        }

        @Override
        public void sendImage(ChatUser user, String caption, byte[] image) {
            reply(client(user).postPicture(caption, image, null));
        }

        @Override
        public void press(ChatUser user, String buttonId) {
            reply(client(user).post("/api/buttons", Map.of("button", buttonId)));
        }

        private void reply(WebClient.Answer answer) {
            JsonNode json = answer.json();
            assertThat(json).as("a JSON answer, status %s", answer.status()).isNotNull();
            switch (json.path("kind").asText()) {
                case "queued" -> {
                    assertThat(answer.status()).isEqualTo(202);
                    shown.add(new Shown(Kind.MESSAGE, answer.text(), ids(json.path("buttons")), null));
                }
                case "document" -> shown.add(new Shown(Kind.DOCUMENT, answer.text(), List.of(),
                        Base64.getDecoder().decode(json.path("png").asText())));
                case "deleted" -> shown.add(new Shown(Kind.DELETED, answer.text(), List.of(), null));
                case "refused" -> {
                    assertThat(answer.status()).isIn(413, 422);
                    shown.add(new Shown(Kind.MESSAGE, answer.text(), List.of(), null));
                }
                default -> shown.add(new Shown(Kind.MESSAGE, answer.text(), List.of(), null));
            }
        }

        private static List<String> ids(JsonNode buttons) {
            List<String> ids = new ArrayList<>();
            buttons.forEach(button -> ids.add(button.path("id").asText()));
            return ids;
        }

        @Override
        public List<Shown> takeShown() {
            assertThat(adapter.events().awaitSent(WAIT)).as("events sent").isTrue();
            for (Map.Entry<String, WebClient> entry : clients.entrySet()) {
                WebClient client = entry.getValue();
                assertThat(client.awaitEvents(adapter.events().sentTo(entry.getKey()), WAIT)).as("events of %s",
                        entry.getKey()).isTrue();
                int from = seen.get(entry.getKey());
                for (WebClient.Event event : client.events(from)) {
                    shown.add(toShown(client, event));
                }
                seen.put(entry.getKey(), client.eventCount());
            }
            List<Shown> taken = List.copyOf(shown);
            shown.clear();
            return taken;
        }

        private static Shown toShown(WebClient client, WebClient.Event event) {
            JsonNode data = event.data();
            String text = data.path("text").asText();
            if (event.name().equals("done")) {
                JsonNode generation = data.path("generation");
                List<String> buttons = ids(generation.path("buttons"));
                generation.path("images").forEach(image -> buttons.addAll(ids(image.path("buttons"))));
                WebClient.Answer picture = client.get(generation.path("images").path(0).path("url").asText());
                assertThat(picture.status()).isEqualTo(200);
                assertThat(picture.header("Content-Type")).isEqualTo("image/png");
                return new Shown(Kind.IMAGE, text, buttons, picture.body());
            }
            return new Shown(Kind.MESSAGE, text, ids(data.path("buttons")), null);
        }

        @Override
        public void close() {
            adapter.close();
            clients.values().forEach(WebClient::close);
        }
    }
}
