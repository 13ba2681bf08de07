package dev.imagine.bot.discord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.CommandContract;
import dev.imagine.bot.command.CommandContract.ChatUser;
import dev.imagine.bot.command.CommandContract.Kind;
import dev.imagine.bot.command.CommandContract.Shown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays the command contract's users on Discord: each message becomes the slash command a Discord user would run
 * (with typed options, and the picture as an attachment on the fake CDN), each press a button interaction on the
 * message that shows the button; all of it sent through {@link FakeDiscord}'s gateway to the real JDA client. What
 * users see is read back from the fake's messages.
 */
final class DiscordDriver implements CommandContract.PlatformDriver {
    private static final Set<String> INTEGER_OPTIONS = Set.of("seed", "steps", "width", "height", "count", "id");
    private static final Set<String> NUMBER_OPTIONS = Set.of("guidance", "strength");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final FakeDiscord fake;
    private final DiscordAdapter adapter;

    DiscordDriver(FakeDiscord fake, DiscordAdapter adapter) {
        this.fake = fake;
        this.adapter = adapter;
    }

    private static FakeDiscord.Person person(ChatUser user) {
        return new FakeDiscord.Person(user.id(), user.name(), user.manager());
    }

    @Override
    public void send(ChatUser user, String text) {
        if (!text.startsWith("/")) {
            throw new UnsupportedOperationException("Discord bots read slash commands, not messages: " + text);
        }
        String[] words = text.substring(1).split("\\s+", 2);
        String command = words[0];
        String rest = words.length > 1 ? words[1].strip() : "";
        ArrayNode options = NODES.arrayNode();
        switch (command) {
            case "imagine" -> options.add(FakeDiscord.option("prompt", 3, rest));
            case "settings" -> {
                if (!rest.isEmpty()) {
                    options.add(FakeDiscord.option("change", 3, rest));
                }
            }
            case "seed", "cancel", "rerun" -> {
                String[] args = rest.isEmpty() ? new String[0] : rest.split("\\s+");
                if (args.length > 0) {
                    options.add(FakeDiscord.option("id", 4, Long.parseLong(args[0])));
                }
                if (args.length > 1) {
                    options.add(FakeDiscord.option("seed", 4, Long.parseLong(args[1])));
                }
            }
            default -> {
                // history, queue, help and unknown commands take no options
            }
        }
        interact(fake.slash(person(user), false, command, options, null));
    }

    @Override
    public void sendImage(ChatUser user, String caption, byte[] image) {
        ObjectNode attachment = fake.upload(image, "picture" + extension(image), contentType(image), image.length);
        ArrayNode options = NODES.arrayNode();
        options.add(FakeDiscord.option("prompt", 3, caption));
        options.add(FakeDiscord.option("image", 11, attachment.path("id").asText()));
        ObjectNode resolved = NODES.objectNode();
        resolved.set(attachment.path("id").asText(), attachment);
        interact(fake.slash(person(user), false, "imagine", options, resolved));
    }

    @Override
    public boolean hasTypedOptions() {
        return true;
    }

    @Override
    public void imagine(ChatUser user, String prompt, Map<String, String> typed) {
        ArrayNode options = NODES.arrayNode();
        options.add(FakeDiscord.option("prompt", 3, prompt));
        typed.forEach((name, value) -> options.add(INTEGER_OPTIONS.contains(name)
                ? FakeDiscord.option(name, 4, Long.parseLong(value))
                : NUMBER_OPTIONS.contains(name) ? FakeDiscord.option(name, 10, Double.parseDouble(value))
                : FakeDiscord.option(name, 3, value)));
        interact(fake.slash(person(user), false, "imagine", options, null));
    }

    @Override
    public void press(ChatUser user, String buttonId) {
        interact(fake.press(person(user), buttonId));
    }

    private void interact(FakeDiscord.Sent sent) {
        try {
            fake.awaitAcknowledged(sent);
            awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitIdle() throws InterruptedException {
        if (!adapter.awaitIdle(Duration.ofSeconds(10))) {
            throw new AssertionError("the Discord adapter was still busy after 10 s; requests: " + fake.requests());
        }
    }

    @Override
    public List<Shown> takeShown() {
        try {
            awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Shown> shown = new ArrayList<>();
        for (FakeDiscord.Visible v : fake.takeVisible()) {
            if (v.op().equals("delete")) {
                shown.add(new Shown(Kind.DELETED, v.content(), List.of(), null));
            } else if (!v.files().isEmpty()) {
                shown.add(new Shown(v.ephemeral() ? Kind.DOCUMENT : Kind.IMAGE, v.content(), v.components(),
                        v.files().get(0).bytes()));
            } else {
                shown.add(new Shown(Kind.MESSAGE, v.content(), v.components(), null));
            }
        }
        return shown;
    }

    @Override
    public void close() {
        adapter.close();
    }

    /** The content type Discord would report for these bytes, by their first bytes. */
    static String contentType(byte[] file) {
        if (startsWith(file, new byte[] {(byte) 0x89, 'P', 'N', 'G'})) {
            return "image/png";
        }
        if (startsWith(file, new byte[] {(byte) 0xFF, (byte) 0xD8})) {
            return "image/jpeg";
        }
        if (startsWith(file, "GIF8".getBytes())) {
            return "image/gif";
        }
        if (startsWith(file, "RIFF".getBytes())) {
            return "image/webp";
        }
        return null;
    }

    private static String extension(byte[] file) {
        String type = contentType(file);
        return type == null ? ".bin" : "." + type.substring("image/".length());
    }

    private static boolean startsWith(byte[] file, byte[] prefix) {
        if (file.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (file[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
