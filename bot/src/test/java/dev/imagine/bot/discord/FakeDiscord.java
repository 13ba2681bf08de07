package dev.imagine.bot.discord;

import dev.imagine.bot.fake.Multipart;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imagine.config.DiscordSettings;
import dev.imagine.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discord on 127.0.0.1 for the real JDA client: the REST API under {@code /api/v10/} (the bot user, {@code
 * /gateway/bot}, command registration, interaction callbacks, the interaction webhook's original message and
 * follow-ups, channel messages, direct-message channels), a CDN for attachments under {@code /cdn/}, and the gateway
 * ({@link FakeGateway}) with one server ({@link #GUILD_ID}) and one text channel ({@link #CHANNEL_ID}).
 *
 * <p>It keeps the messages it was asked to make, so a test sees what users would see ({@link #takeVisible()}), and
 * every request ({@link #requests()}). It behaves like Discord where imagine relies on it: an interaction must be
 * acknowledged once and within 3 seconds, a webhook token can expire ({@link #expireTokens()}), and the first
 * follow-up to a deferred reply that was never edited replaces that reply, keeping its visibility.
 */
final class FakeDiscord implements AutoCloseable {
    static final String TOKEN = "fake-bot-token-for-tests";
    static final String APPLICATION_ID = "900000000000000001";
    static final String GUILD_ID = "900000000000000100";
    static final String CHANNEL_ID = "900000000000000200";
    static final String MANAGER_ROLE_ID = "900000000000000300";
    /** View channel, send messages, embed links, attach files, read history, add reactions, use commands. */
    static final long EVERYONE_PERMISSIONS = (1L << 10) | (1L << 11) | (1L << 14) | (1L << 15) | (1L << 16)
            | (1L << 6) | (1L << 31);
    static final long MANAGE_MESSAGES = 1L << 13;
    private static final long DISCORD_EPOCH = 1_420_070_400_000L;
    private static final Duration ACK_WINDOW = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern ROUTE = Pattern.compile("/api/v10/(.*)");

    /** A user of the fake server; managers have the Manage Messages role. */
    record Person(String id, String name, boolean manager) {
    }

    /** One request as received. */
    record Request(String method, String path, JsonNode json, List<Multipart.Part> files, int status) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    /** An attachment of a message. */
    record Attachment(String id, String fileName, byte[] bytes) {
    }

    /** What a user saw happen to a message: created, edited or deleted, with its state after. */
    record Visible(String op, String messageId, String channelId, String content, List<String> components,
            List<Attachment> files, boolean ephemeral, String replyTo, boolean viaInteraction) {
    }

    /** An interaction that was sent to the bot. */
    record Sent(String id, String token) {
    }

    private static final class Msg {
        final String id;
        final String channelId;
        final boolean inGuild;
        String content = "";
        JsonNode components = NODES.arrayNode();
        List<Attachment> attachments = new ArrayList<>();
        int flags;
        boolean deleted;
        boolean edited;
        boolean placeholder;
        String replyTo;
        String interactionToken;

        Msg(String id, String channelId, boolean inGuild) {
            this.id = id;
            this.channelId = channelId;
            this.inGuild = inGuild;
        }

        boolean visible() {
            return !content.isEmpty() || !attachments.isEmpty();
        }
    }

    private static final class Interaction {
        final String id;
        final String token;
        final String channelId;
        final boolean inGuild;
        final String componentMessageId;
        final long sentNanos = System.nanoTime();
        final CountDownLatch acked = new CountDownLatch(1);
        String originalId;

        Interaction(String id, String token, String channelId, boolean inGuild, String componentMessageId) {
            this.id = id;
            this.token = token;
            this.channelId = channelId;
            this.inGuild = inGuild;
            this.componentMessageId = componentMessageId;
        }
    }

    private final HttpServer http;
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-discord-http");
        thread.setDaemon(true);
        return thread;
    });
    private final FakeGateway gateway;
    private volatile boolean channelNsfw;
    private final AtomicLong ids = new AtomicLong();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Msg> messages = new LinkedHashMap<>();
    private final List<Visible> visible = new ArrayList<>();
    private final Map<String, Interaction> interactions = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    private final List<String> downloads = new ArrayList<>();
    private final Map<String, JsonNode> commands = new LinkedHashMap<>();
    private final List<String> lateAcknowledgements = new ArrayList<>();
    private volatile boolean tokensExpired;
    private volatile int premiumTier;

    private FakeDiscord() throws IOException, InterruptedException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(httpThreads);
        http.createContext("/", this::handle);
        http.start();
        gateway = new FakeGateway(TOKEN, this::ready, this::guild);
        gateway.open();
    }

    /** Starts both servers. */
    static FakeDiscord start() {
        try {
            return new FakeDiscord();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code discord.api-url} of this server. */
    URI apiUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/api");
    }

    /** Settings for an adapter that registers its commands in the fake server. */
    DiscordSettings settings() {
        return new DiscordSettings(Optional.of(Secret.of(TOKEN)), apiUrl(), List.of(Long.parseLong(GUILD_ID)));
    }

    /** Settings for an adapter that registers its commands globally. */
    DiscordSettings globalSettings() {
        return new DiscordSettings(Optional.of(Secret.of(TOKEN)), apiUrl(), List.of());
    }

    // ---------------------------------------------------------------- what tests drive

    /**
     * A user runs a slash command in the server's channel (or in a direct message with the bot).
     *
     * @param options the command's options as Discord sends them: {@code {name, type, value}}
     * @param attachments resolved attachments by id, for attachment options
     */
    Sent slash(Person user, boolean directMessage, String command, ArrayNode options, ObjectNode attachments) {
        ObjectNode data = NODES.objectNode();
        data.put("id", commandId(command)).put("name", command).put("type", 1);
        data.set("options", options);
        if (attachments != null && !attachments.isEmpty()) {
            data.putObject("resolved").set("attachments", attachments);
        }
        if (!directMessage) {
            data.put("guild_id", GUILD_ID);
        }
        return send(user, directMessage, 2, data, null);
    }

    /** A command option for {@link #slash}: type 3 text, 4 integer, 10 number, 11 attachment. */
    static ObjectNode option(String name, int type, Object value) {
        ObjectNode option = NODES.objectNode().put("name", name).put("type", type);
        if (value instanceof Long || value instanceof Integer) {
            option.put("value", ((Number) value).longValue());
        } else if (value instanceof Double) {
            option.put("value", (Double) value);
        } else {
            option.put("value", String.valueOf(value));
        }
        return option;
    }

    /**
     * Puts a file on the CDN, as Discord does when a user attaches one to a command.
     *
     * @param declaredSize the size Discord reports (a test may make it differ from the bytes)
     * @return the attachment object for the interaction's {@code resolved.attachments}
     */
    ObjectNode upload(byte[] bytes, String fileName, String contentType, long declaredSize) {
        String id = snowflake();
        cdn.put(id, bytes);
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/cdn/attachments/" + id + "/" + fileName;
        ObjectNode attachment = NODES.objectNode().put("id", id).put("filename", fileName).put("size", declaredSize)
                .put("url", url).put("proxy_url", url);
        if (contentType != null) {
            attachment.put("content_type", contentType);
        }
        return attachment;
    }

    /** A user presses a button (or picks a select-menu option) with this id on the latest message showing it. */
    Sent press(Person user, String customId) {
        Msg message;
        String menu = null;
        synchronized (this) {
            message = latest(m -> componentIds(m.components, false).contains(customId));
            if (message == null) {
                message = latest(m -> componentIds(m.components, true).contains(customId));
                if (message != null) {
                    menu = menuOf(message.components, customId);
                }
            }
            if (message == null) {
                message = new Msg(snowflake(), CHANNEL_ID, true);
                message.content = "a message of another bot";
                messages.put(message.id, message);
            }
        }
        ObjectNode data = NODES.objectNode();
        if (menu == null) {
            data.put("custom_id", customId).put("component_type", 2);
        } else {
            data.put("custom_id", menu).put("component_type", 3);
            data.putArray("values").add(customId);
        }
        boolean directMessage = !message.inGuild;
        return send(user, directMessage, 3, data, message);
    }

    private Sent send(Person user, boolean directMessage, int type, ObjectNode data, Msg componentMessage) {
        String id = snowflake();
        String token = "itoken-" + id;
        String channel = directMessage ? dmChannelOf(user.id()) : CHANNEL_ID;
        ObjectNode interaction = NODES.objectNode();
        interaction.put("id", id).put("application_id", APPLICATION_ID).put("type", type).put("token", token)
                .put("version", 1).put("channel_id", channel).put("locale", "en-US")
                .put("app_permissions", Long.toString(EVERYONE_PERMISSIONS));
        interaction.putArray("entitlements");
        if (directMessage) {
            interaction.set("user", user(user));
            ObjectNode dm = interaction.putObject("channel").put("id", channel).put("type", 1);
            dm.putArray("recipients").add(user(user));
            interaction.put("context", 1);
            interaction.putObject("authorizing_integration_owners").put("0", GUILD_ID);
        } else {
            interaction.put("guild_id", GUILD_ID).put("guild_locale", "en-US");
            interaction.putObject("guild").put("id", GUILD_ID).put("locale", "en-US").putArray("features");
            ObjectNode member = member(user);
            member.put("permissions", Long.toString(permissionsOf(user)));
            interaction.set("member", member);
            ObjectNode channelJson = channel();
            channelJson.put("permissions", Long.toString(permissionsOf(user)));
            interaction.set("channel", channelJson);
            interaction.put("context", 0);
            interaction.putObject("authorizing_integration_owners").put("0", GUILD_ID);
        }
        interaction.set("data", data);
        if (componentMessage != null) {
            synchronized (this) {
                interaction.set("message", messageJson(componentMessage));
            }
        }
        interactions.put(id, new Interaction(id, token, channel, !directMessage,
                componentMessage == null ? null : componentMessage.id));
        gateway.dispatch("INTERACTION_CREATE", interaction);
        return new Sent(id, token);
    }

    /**
     * Waits until the bot acknowledged the interaction (deferred or answered it).
     *
     * @throws AssertionError when it did not within 10 seconds
     */
    void awaitAcknowledged(Sent sent) throws InterruptedException {
        Interaction interaction = interactions.get(sent.id());
        if (!interaction.acked.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the bot did not acknowledge interaction " + sent.id() + "; requests: "
                    + requests());
        }
    }

    /** Every request so far, in the order received. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests whose method and path match. */
    synchronized List<Request> requests(String method, String pathPattern) {
        Pattern pattern = Pattern.compile(pathPattern);
        return requests.stream().filter(r -> r.method().equals(method) && pattern.matcher(r.path()).matches())
                .toList();
    }

    /** What happened to messages since the last call, in order. */
    synchronized List<Visible> takeVisible() {
        List<Visible> taken = List.copyOf(visible);
        visible.clear();
        return taken;
    }

    /**
     * Waits until a message change that passes {@code test} is among those not yet taken, for bots whose engine runs
     * on its own thread.
     *
     * @throws AssertionError when none comes within {@code timeout}
     */
    synchronized Visible awaitVisible(Predicate<Visible> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Visible> found = visible.stream().filter(test).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no such message within " + timeout + "; seen: " + visible);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * Waits until the bot edited the original response of {@code sent} (a deferred reply answered).
     *
     * @throws AssertionError when it does not within {@code timeout}
     */
    synchronized void awaitOriginalEdited(Sent sent, Duration timeout) throws InterruptedException {
        String path = "/messages/@original";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.stream().noneMatch(r -> r.method().equals("PATCH") && r.path().contains("/" + sent.token() + "/")
                && r.path().endsWith(path))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the original response of " + sent + " was not edited within " + timeout
                        + "; requests: " + requests);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The ids of attachments the bot downloaded from the CDN. */
    synchronized List<String> downloads() {
        return List.copyOf(downloads);
    }

    /** The commands the bot registered, by name. */
    synchronized Map<String, JsonNode> commands() {
        return Map.copyOf(commands);
    }

    /** Interactions the bot acknowledged later than 3 seconds after they were sent. */
    synchronized List<String> lateAcknowledgements() {
        return List.copyOf(lateAcknowledgements);
    }

    /** From now on every interaction token is refused, as Discord does 15 minutes after an interaction. */
    void expireTokens() {
        tokensExpired = true;
    }

    /** The server's boost tier, which sets its upload limit. */
    void premiumTier(int tier) {
        premiumTier = tier;
    }

    /** The direct-message channel between the bot and a user. */
    static String dmChannelOf(String userId) {
        return Long.toString(800_000_000_000_000_000L + Long.parseLong(userId));
    }

    // ---------------------------------------------------------------- the REST API

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            JsonNode json = null;
            List<Multipart.Part> files = new ArrayList<>();
            if (contentType.startsWith("multipart/")) {
                for (Multipart.Part part : Multipart.parse(contentType, body)) {
                    if (part.name().equals("payload_json")) {
                        json = JSON.readTree(part.bytes());
                    } else if (part.fileName() != null) {
                        files.add(part);
                    }
                }
            } else if (body.length > 0) {
                json = JSON.readTree(body);
            }
            Response response;
            if (path.startsWith("/cdn/attachments/")) {
                awaitDownloadGate();
                response = download(path);
            } else {
                Matcher m = ROUTE.matcher(path);
                if (!m.matches()) {
                    response = error(404, 0, "404: Not Found");
                } else if (!authorized(m.group(1), exchange.getRequestHeaders().getFirst("Authorization"))) {
                    response = error(401, 0, "401: Unauthorized");
                } else {
                    response = route(method, m.group(1), json, files);
                }
            }
            synchronized (this) {
                requests.add(new Request(method, path, json, List.copyOf(files), response.status()));
                notifyAll();
            }
            if (response.body() == null) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), null,
                        List.of(), 500));
            }
            byte[] text = e.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, text.length);
            exchange.getResponseBody().write(text);
        }
    }

    private record Response(int status, byte[] body, String contentType) {
    }

    private static Response ok(JsonNode json) {
        return new Response(200, json.toString().getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static Response noContent() {
        return new Response(204, null, null);
    }

    private static Response error(int status, int code, String message) {
        return new Response(status, NODES.objectNode().put("code", code).put("message", message).toString()
                .getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static boolean authorized(String route, String header) {
        if (route.startsWith("interactions/") || route.startsWith("webhooks/")) {
            return true;
        }
        return ("Bot " + TOKEN).equals(header);
    }

    private Response route(String method, String route, JsonNode json, List<Multipart.Part> files) {
        Matcher m;
        if (method.equals("GET") && route.equals("users/@me")) {
            return ok(botUser());
        }
        if (method.equals("GET") && route.equals("gateway/bot")) {
            ObjectNode gatewayBot = NODES.objectNode().put("url", gateway.url()).put("shards", 1);
            gatewayBot.putObject("session_start_limit").put("total", 1000).put("remaining", 999)
                    .put("reset_after", 0).put("max_concurrency", 1);
            return ok(gatewayBot);
        }
        if (method.equals("PUT") && (m = Pattern.compile("applications/\\d+(?:/guilds/(\\d+))?/commands")
                .matcher(route)).matches()) {
            return registerCommands(json);
        }
        if (method.equals("POST") && (m = Pattern.compile("interactions/(\\d+)/([^/]+)/callback").matcher(route))
                .matches()) {
            return callback(m.group(1), m.group(2), json, files);
        }
        if ((m = Pattern.compile("webhooks/\\d+/([^/]+)/messages/([^/]+)").matcher(route)).matches()) {
            return webhookMessage(method, m.group(1), m.group(2), json, files);
        }
        if (method.equals("POST") && (m = Pattern.compile("webhooks/\\d+/([^/]+)").matcher(route)).matches()) {
            return followUp(m.group(1), json, files);
        }
        if (method.equals("POST") && (m = Pattern.compile("channels/(\\d+)/messages").matcher(route)).matches()) {
            return channelMessage(m.group(1), json, files);
        }
        if ((m = Pattern.compile("channels/(\\d+)/messages/(\\d+)").matcher(route)).matches()) {
            return channelMessageById(method, m.group(1), m.group(2), json, files);
        }
        if (method.equals("POST") && route.equals("users/@me/channels")) {
            String userId = json.path("recipient_id").asText();
            ObjectNode dm = NODES.objectNode().put("id", dmChannelOf(userId)).put("type", 1);
            dm.putArray("recipients").add(user(new Person(userId, "user" + userId, false)));
            return ok(dm);
        }
        return error(404, 0, "404: Not Found");
    }

    private synchronized Response registerCommands(JsonNode json) {
        ArrayNode registered = NODES.arrayNode();
        commands.clear();
        for (JsonNode command : json) {
            ObjectNode copy = command.deepCopy();
            copy.put("id", commandId(command.path("name").asText())).put("application_id", APPLICATION_ID)
                    .put("version", snowflake()).put("guild_id", GUILD_ID);
            commands.put(command.path("name").asText(), copy);
            registered.add(copy);
        }
        return ok(registered);
    }

    private synchronized Response callback(String id, String token, JsonNode json, List<Multipart.Part> files) {
        Interaction interaction = interactions.get(id);
        if (interaction == null || !interaction.token.equals(token)) {
            return error(404, 10062, "Unknown interaction");
        }
        if (interaction.acked.getCount() == 0) {
            return error(400, 40060, "Interaction has already been acknowledged.");
        }
        if (System.nanoTime() - interaction.sentNanos > ACK_WINDOW.toNanos()) {
            lateAcknowledgements.add(id);
            return error(404, 10062, "Unknown interaction");
        }
        int type = json.path("type").asInt();
        JsonNode data = json.path("data");
        ObjectNode resource = NODES.objectNode().put("type", type);
        switch (type) {
            case 4, 5 -> {
                Msg message = new Msg(snowflake(), interaction.channelId, interaction.inGuild);
                message.flags = data.path("flags").asInt(0) & 64;
                message.interactionToken = token;
                message.placeholder = type == 5;
                messages.put(message.id, message);
                interaction.originalId = message.id;
                if (type == 4) {
                    apply(message, data, files);
                    show("create", message);
                    resource.set("message", messageJson(message));
                }
            }
            case 6 -> interaction.originalId = interaction.componentMessageId;
            case 7 -> {
                Msg message = messages.get(interaction.componentMessageId);
                interaction.originalId = message.id;
                apply(message, data, files);
                show("edit", message);
            }
            default -> {
                return error(400, 50035, "Invalid Form Body: callback type " + type);
            }
        }
        interaction.acked.countDown();
        ObjectNode answer = NODES.objectNode();
        answer.putObject("interaction").put("id", id).put("type", 2);
        answer.set("resource", resource);
        return ok(answer);
    }

    private Interaction byToken(String token) {
        for (Interaction interaction : interactions.values()) {
            if (interaction.token.equals(token)) {
                return interaction;
            }
        }
        return null;
    }

    private synchronized Response webhookMessage(String method, String token, String messageId, JsonNode json,
            List<Multipart.Part> files) {
        Interaction interaction = byToken(token);
        if (interaction == null) {
            return error(404, 10015, "Unknown Webhook");
        }
        if (tokensExpired) {
            return error(401, 50027, "Invalid Webhook Token");
        }
        String id = messageId.equals("@original") ? interaction.originalId : messageId;
        Msg message = id == null ? null : messages.get(id);
        if (message == null || message.deleted || !token.equals(message.interactionToken)) {
            return error(404, 10008, "Unknown Message");
        }
        switch (method) {
            case "GET" -> {
                return ok(messageJson(message));
            }
            case "PATCH" -> {
                apply(message, json, files);
                message.placeholder = false;
                show("edit", message);
                return ok(messageJson(message));
            }
            case "DELETE" -> {
                boolean wasVisible = message.visible();
                message.deleted = true;
                if (wasVisible) {
                    show("delete", message);
                }
                return noContent();
            }
            default -> {
                return error(405, 0, "405: Method Not Allowed");
            }
        }
    }

    private synchronized Response followUp(String token, JsonNode json, List<Multipart.Part> files) {
        Interaction interaction = byToken(token);
        if (interaction == null) {
            return error(404, 10015, "Unknown Webhook");
        }
        if (tokensExpired) {
            return error(401, 50027, "Invalid Webhook Token");
        }
        Msg original = interaction.originalId == null ? null : messages.get(interaction.originalId);
        if (original != null && original.placeholder && !original.deleted) {
            // Discord fills a deferred reply with the first follow-up; the reply's visibility stays.
            apply(original, json, files);
            original.placeholder = false;
            show("edit", original);
            return ok(messageJson(original));
        }
        Msg message = new Msg(snowflake(), interaction.channelId, interaction.inGuild);
        message.flags = json.path("flags").asInt(0) & 64;
        message.interactionToken = token;
        messages.put(message.id, message);
        apply(message, json, files);
        show("create", message);
        return ok(messageJson(message));
    }

    private synchronized Response channelMessage(String channelId, JsonNode json, List<Multipart.Part> files) {
        boolean inGuild = channelId.equals(CHANNEL_ID);
        if (!inGuild && !channelId.startsWith("8")) {
            return error(404, 10003, "Unknown Channel");
        }
        Msg message = new Msg(snowflake(), channelId, inGuild);
        messages.put(message.id, message);
        apply(message, json, files);
        if (json.has("message_reference")) {
            message.replyTo = json.path("message_reference").path("message_id").asText(null);
        }
        show("create", message);
        return ok(messageJson(message));
    }

    private synchronized Response channelMessageById(String method, String channelId, String messageId,
            JsonNode json, List<Multipart.Part> files) {
        Msg message = messages.get(messageId);
        if (message == null || message.deleted || !message.channelId.equals(channelId) || message.flags == 64) {
            return error(404, 10008, "Unknown Message");
        }
        if (method.equals("DELETE")) {
            boolean wasVisible = message.visible();
            message.deleted = true;
            if (wasVisible) {
                show("delete", message);
            }
            return noContent();
        }
        if (method.equals("PATCH")) {
            apply(message, json, files);
            message.placeholder = false;
            show("edit", message);
            return ok(messageJson(message));
        }
        return error(405, 0, "405: Method Not Allowed");
    }

    private volatile CountDownLatch downloadGate;
    private final CountDownLatch downloadHeld = new CountDownLatch(1);

    /** Holds every attachment download until {@link #releaseDownloads()}; returns a latch counted down at the first. */
    CountDownLatch holdDownloads() {
        downloadGate = new CountDownLatch(1);
        return downloadHeld;
    }

    /** Lets held downloads go on. */
    void releaseDownloads() {
        CountDownLatch gate = downloadGate;
        if (gate != null) {
            gate.countDown();
        }
    }

    private void awaitDownloadGate() {
        CountDownLatch gate = downloadGate;
        if (gate != null) {
            downloadHeld.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized Response download(String path) {
        String id = path.split("/")[3];
        byte[] bytes = cdn.get(id);
        downloads.add(id);
        if (bytes == null) {
            return error(404, 0, "404: Not Found");
        }
        return new Response(200, bytes, "application/octet-stream");
    }

    // ---------------------------------------------------------------- messages

    private void apply(Msg message, JsonNode payload, List<Multipart.Part> files) {
        if (payload == null) {
            return;
        }
        if (payload.has("content")) {
            message.content = payload.get("content").isNull() ? "" : payload.get("content").asText();
        }
        if (payload.has("components")) {
            message.components = payload.get("components");
        }
        if (!files.isEmpty() || payload.has("attachments")) {
            List<Attachment> next = new ArrayList<>();
            for (JsonNode kept : payload.path("attachments")) {
                message.attachments.stream().filter(a -> a.id().equals(kept.path("id").asText())).findFirst()
                        .ifPresent(next::add);
            }
            for (Multipart.Part file : files) {
                next.add(new Attachment(snowflake(), file.fileName(), file.bytes()));
            }
            message.attachments = next;
        }
        message.edited = true;
    }

    private void show(String op, Msg message) {
        if (!op.equals("delete") && !message.visible()) {
            return;
        }
        visible.add(new Visible(op, message.id, message.channelId, message.content,
                componentIds(message.components, true), List.copyOf(message.attachments), message.flags == 64,
                message.replyTo, message.interactionToken != null));
        notifyAll();
    }

    private Msg latest(Predicate<Msg> test) {
        List<Msg> all = new ArrayList<>(messages.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            if (!all.get(i).deleted && test.test(all.get(i))) {
                return all.get(i);
            }
        }
        return null;
    }

    /** The custom ids of a message's buttons and, with {@code withMenus}, its select-menu options' values. */
    static List<String> componentIds(JsonNode rows, boolean withMenus) {
        List<String> ids = new ArrayList<>();
        for (JsonNode row : rows) {
            for (JsonNode component : row.path("components")) {
                if (component.path("type").asInt() == 2 && component.has("custom_id")) {
                    ids.add(component.path("custom_id").asText());
                } else if (withMenus && component.path("type").asInt() == 3) {
                    component.path("options").forEach(option -> ids.add(option.path("value").asText()));
                }
            }
        }
        return ids;
    }

    private static String menuOf(JsonNode rows, String value) {
        for (JsonNode row : rows) {
            for (JsonNode component : row.path("components")) {
                for (JsonNode option : component.path("options")) {
                    if (option.path("value").asText().equals(value)) {
                        return component.path("custom_id").asText();
                    }
                }
            }
        }
        return null;
    }

    private ObjectNode messageJson(Msg message) {
        ObjectNode json = NODES.objectNode();
        json.put("id", message.id).put("channel_id", message.channelId).put("content", message.content)
                .put("timestamp", "2026-11-25T12:00:00.000000+00:00").putNull("edited_timestamp")
                .put("tts", false).put("mention_everyone", false).put("pinned", false).put("type", 0)
                .put("flags", message.flags);
        if (message.inGuild) {
            json.put("guild_id", GUILD_ID);
        }
        json.set("author", botUser());
        json.putArray("mentions");
        json.putArray("mention_roles");
        json.putArray("embeds");
        ArrayNode attachments = json.putArray("attachments");
        for (Attachment attachment : message.attachments) {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/cdn/attachments/" + attachment.id()
                    + "/" + attachment.fileName();
            attachments.addObject().put("id", attachment.id()).put("filename", attachment.fileName())
                    .put("size", attachment.bytes().length).put("url", url).put("proxy_url", url);
        }
        json.set("components", message.components);
        if (message.replyTo != null) {
            json.putObject("message_reference").put("type", 0).put("message_id", message.replyTo)
                    .put("channel_id", message.channelId);
        }
        return json;
    }

    // ---------------------------------------------------------------- entities

    private String snowflake() {
        long time = System.currentTimeMillis() - DISCORD_EPOCH;
        return Long.toString((time << 22) | (ids.incrementAndGet() & 0x3F_FFFF));
    }

    private static String commandId(String name) {
        return Long.toString(700_000_000_000_000_000L + Math.abs(name.hashCode() % 1_000_000));
    }

    private static ObjectNode botUser() {
        return NODES.objectNode().put("id", APPLICATION_ID).put("username", "imagine").putNull("global_name")
                .put("discriminator", "0").putNull("avatar").put("bot", true).put("verified", true)
                .put("mfa_enabled", false).put("flags", 0);
    }

    private static ObjectNode user(Person person) {
        return NODES.objectNode().put("id", person.id()).put("username", person.name().toLowerCase(Locale.ROOT))
                .put("global_name", person.name()).put("discriminator", "0").putNull("avatar").put("bot", false)
                .put("public_flags", 0);
    }

    private static ObjectNode member(Person person) {
        ObjectNode member = NODES.objectNode();
        member.set("user", user(person));
        ArrayNode roles = member.putArray("roles");
        if (person.manager()) {
            roles.add(MANAGER_ROLE_ID);
        }
        member.put("joined_at", "2026-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false)
                .putNull("nick").put("flags", 0).put("pending", false);
        return member;
    }

    private static long permissionsOf(Person person) {
        return person.manager() ? EVERYONE_PERMISSIONS | MANAGE_MESSAGES : EVERYONE_PERMISSIONS;
    }

    /**
     * Marks the server's text channel age-restricted (Discord's NSFW flag) or not, as it appears from then on in
     * interactions and in the server the gateway sends; call before the bot connects for its cache to see it.
     */
    void markChannelNsfw(boolean nsfw) {
        channelNsfw = nsfw;
    }

    private ObjectNode channel() {
        ObjectNode channel = NODES.objectNode().put("id", CHANNEL_ID).put("type", 0).put("guild_id", GUILD_ID)
                .put("name", "general").put("position", 0).put("nsfw", channelNsfw).putNull("parent_id")
                .putNull("topic").putNull("last_message_id").put("rate_limit_per_user", 0).put("flags", 0);
        channel.putArray("permission_overwrites");
        return channel;
    }

    private ObjectNode ready() {
        ObjectNode ready = NODES.objectNode().put("v", 10).put("session_id", "fake-session-" + snowflake())
                .put("resume_gateway_url", gateway.url());
        ready.set("user", botUser());
        ready.putArray("guilds").addObject().put("id", GUILD_ID).put("unavailable", true);
        ready.putObject("application").put("id", APPLICATION_ID).put("flags", 0);
        ready.putArray("private_channels");
        ready.putArray("relationships");
        ready.putArray("presences");
        ready.putArray("shard").add(0).add(1);
        ready.putArray("_trace").add("fake-discord");
        return ready;
    }

    private ObjectNode guild() {
        ObjectNode guild = NODES.objectNode().put("id", GUILD_ID).put("name", "imagine test server").putNull("icon")
                .put("owner_id", "1").put("afk_timeout", 300).put("verification_level", 0)
                .put("default_message_notifications", 0).put("explicit_content_filter", 0).put("mfa_level", 0)
                .putNull("system_channel_id").put("premium_tier", premiumTier).put("premium_subscription_count", 0)
                .put("preferred_locale", "en-US").put("nsfw_level", 0).put("premium_progress_bar_enabled", false)
                .put("joined_at", "2026-01-01T00:00:00.000000+00:00").put("large", false).put("unavailable", false)
                .put("member_count", 4).put("max_members", 1000).putNull("description");
        ArrayNode roles = guild.putArray("roles");
        roles.add(role(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS, 0));
        roles.add(role(MANAGER_ROLE_ID, "Managers", EVERYONE_PERMISSIONS | MANAGE_MESSAGES, 1));
        guild.putArray("emojis");
        guild.putArray("features");
        guild.putArray("stickers");
        guild.putArray("voice_states");
        ObjectNode bot = guild.putArray("members").addObject();
        bot.set("user", botUser());
        bot.putArray("roles");
        bot.put("joined_at", "2026-01-01T00:00:00.000000+00:00").put("deaf", false).put("mute", false);
        guild.putArray("channels").add(channel());
        guild.putArray("threads");
        guild.putArray("presences");
        guild.putArray("stage_instances");
        guild.putArray("guild_scheduled_events");
        guild.putArray("soundboard_sounds");
        return guild;
    }

    private static ObjectNode role(String id, String name, long permissions, int position) {
        ObjectNode role = NODES.objectNode().put("id", id).put("name", name)
                .put("permissions", Long.toString(permissions)).put("position", position).put("color", 0)
                .put("hoist", false).put("managed", false).put("mentionable", false).put("flags", 0).putNull("icon")
                .putNull("unicode_emoji");
        role.putObject("colors").put("primary_color", 0).putNull("secondary_color").putNull("tertiary_color");
        return role;
    }

    @Override
    public void close() {
        http.stop(0);
        httpThreads.shutdownNow();
        try {
            gateway.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
