package dev.imagine.bot.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;
import dev.imagine.bot.fake.Multipart;

/**
 * A Bot API server on 127.0.0.1 for the real TelegramBots client: getMe, deleteWebhook, getUpdates (a long poll that
 * answers as soon as updates are queued, else after a short hold), sendMessage, editMessageText, sendPhoto,
 * sendDocument, sendAnimation (multipart), deleteMessage, answerCallbackQuery, getFile, getChatAdministrators and
 * file downloads under {@code /file/bot<token>/}. It keeps the messages the bot sent (so edits and deletions of
 * unknown messages fail as Telegram's do), records every request in order, and can answer the next call of a
 * method with an error. Tests wait on the record with {@link #await}, never by sleeping.
 */
final class FakeBotApi implements AutoCloseable {
    /** The bot's token: shaped like a real one, so the token-shape redaction is exercised too. */
    static final String TOKEN = "7081234567:AAH3kLw9ZsQe_Xr2ft-0ab1cd2ef3gh4ij5kl6";
    static final long BOT_ID = 7081234567L;
    static final String BOT_NAME = "imagine_test_bot";

    /** A user of the fake platform. */
    record TgUser(long id, String firstName) {
    }

    /** A file part of a multipart request. */
    record Upload(String fileName, byte[] bytes) {
    }

    /**
     * One request as received.
     *
     * @param method the Bot API method, or {@code file} for a download
     * @param fields its parameters as text (nested JSON as its JSON text)
     * @param files its uploaded files by field name
     * @param status the HTTP status answered
     * @param path the request path (it holds the token)
     * @param result the {@code result} answered, or {@code null} for an error
     */
    record Call(String method, Map<String, String> fields, Map<String, Upload> files, int status, String path,
            JsonNode result) {
        String field(String name) {
            return fields.get(name);
        }

        boolean ok() {
            return status == 200;
        }

        /** The {@code message_id} of the message the call sent or edited. */
        int messageId() {
            return result.path("message_id").asInt();
        }

        /** The {@code message_id} this call replies to, or 0. */
        int repliesTo() {
            String parameters = fields.get("reply_parameters");
            return parameters == null ? 0 : readTree(parameters).path("message_id").asInt();
        }

        /** The file a field names ({@code attach://part}, as TelegramBots sends uploads), or {@code null}. */
        Upload upload(String field) {
            String value = fields.get(field);
            if (value != null && value.startsWith("attach://")) {
                return files.get(value.substring("attach://".length()));
            }
            return files.get(field);
        }

        /** The {@code callback_data} of every button in the request's inline keyboard, row by row. */
        List<String> buttons() {
            return buttonsOf(fields.get("reply_markup"));
        }

        /** The labels of the keyboard's buttons, as rows. */
        List<List<String>> buttonRows() {
            List<List<String>> rows = new ArrayList<>();
            String markup = fields.get("reply_markup");
            if (markup == null) {
                return rows;
            }
            for (JsonNode row : readTree(markup).path("inline_keyboard")) {
                List<String> labels = new ArrayList<>();
                row.forEach(button -> labels.add(button.path("text").asText()));
                rows.add(labels);
            }
            return rows;
        }
    }

    private record Failure(int code, String description, Integer retryAfter) {
    }

    private record Sent(long chatId, int messageId, String text, String markup, boolean deleted) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-bot-api");
        thread.setDaemon(true);
        return thread;
    });
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Call> calls = new ArrayList<>();
    private final Deque<ObjectNode> updates = new ArrayDeque<>();
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Map<String, Sent> sent = new LinkedHashMap<>();
    private final Map<String, byte[]> filesById = new HashMap<>();
    private final Map<String, String> pathsById = new HashMap<>();
    private final Map<String, byte[]> filesByPath = new HashMap<>();
    private final Map<Long, List<TgUser>> admins = new HashMap<>();
    private final Map<Long, Integer> messageOfUpdate = new HashMap<>();
    private final Duration hold;
    /**
     * Update ids rise across every fake server in this JVM, as Telegram's do for one bot: a bot restarted against a
     * new fake server keeps its record of the last update it handled (in its storage), and must not take the new
     * server's updates for old ones.
     */
    private static final AtomicLong UPDATE_IDS = new AtomicLong();
    private long confirmed;
    private int nextMessageId = 100;
    private int nextFile = 1;
    private int nextCallback = 1;
    private boolean closed;

    FakeBotApi() {
        this(Duration.ofMillis(200));
    }

    /** @param hold how long an empty long poll is held before it is answered */
    FakeBotApi(Duration hold) {
        this.hold = hold;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    /** The server's root, for {@code telegram.api-url}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- what users do ----

    /** A user sends a text message; returns the update id. */
    long sendText(long chatId, TgUser from, String text) {
        return sendText(chatId, from, text, null);
    }

    /** A user sends a text message replying to message {@code replyTo} (the bot's); returns the update id. */
    long sendText(long chatId, TgUser from, String text, Integer replyTo) {
        ObjectNode message = userMessage(chatId, from);
        message.put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ');
            message.putArray("entities").addObject().put("type", "bot_command").put("offset", 0)
                    .put("length", end < 0 ? text.length() : end);
        }
        if (replyTo != null) {
            message.set("reply_to_message", botMessage(chatId, replyTo));
        }
        return push("message", message);
    }

    /** A user sends a photo, its declared size its length; returns the update id. */
    long sendPhoto(long chatId, TgUser from, String caption, byte[] bytes) {
        return sendPhoto(chatId, from, caption, bytes, bytes.length);
    }

    /** A user sends a photo whose declared {@code file_size} is {@code declaredSize}; returns the update id. */
    long sendPhoto(long chatId, TgUser from, String caption, byte[] bytes, long declaredSize) {
        String fileId = addFile(bytes, "photos");
        ObjectNode message = userMessage(chatId, from);
        ArrayNode sizes = message.putArray("photo");
        sizes.addObject().put("file_id", fileId + "-thumb").put("file_unique_id", "u" + fileId + "t")
                .put("width", 90).put("height", 60).put("file_size", 1000);
        sizes.addObject().put("file_id", fileId).put("file_unique_id", "u" + fileId).put("width", 960)
                .put("height", 640).put("file_size", declaredSize);
        if (caption != null) {
            message.put("caption", caption);
        }
        return push("message", message);
    }

    /** A user sends a file (a document) with this MIME type and declared size; returns the update id. */
    long sendDocument(long chatId, TgUser from, String caption, byte[] bytes, String mimeType, long declaredSize) {
        String fileId = addFile(bytes, "documents");
        ObjectNode message = userMessage(chatId, from);
        message.putObject("document").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                .put("file_name", "picture.png").put("mime_type", mimeType).put("file_size", declaredSize);
        if (caption != null) {
            message.put("caption", caption);
        }
        return push("message", message);
    }

    /** A user presses a button with {@code data} on the bot's message {@code messageId}; returns the update id. */
    long press(long chatId, TgUser from, int messageId, String data) {
        ObjectNode query = JSON.createObjectNode();
        query.put("id", callbackId(nextCallbackNumber()));
        query.set("from", user(from));
        query.set("message", botMessage(chatId, messageId));
        query.put("chat_instance", "42");
        if (data != null) {
            query.put("data", data);
        }
        return push("callback_query", query);
    }

    /** The {@code message_id} of the user's message an update carried. */
    int messageIdOf(long updateId) {
        lock.lock();
        try {
            return messageOfUpdate.get(updateId);
        } finally {
            lock.unlock();
        }
    }

    /** The id of the last button press made, for matching its answer. */
    String lastCallbackId() {
        lock.lock();
        try {
            return callbackId(nextCallback - 1);
        } finally {
            lock.unlock();
        }
    }

    private int nextCallbackNumber() {
        lock.lock();
        try {
            return nextCallback++;
        } finally {
            lock.unlock();
        }
    }

    private static String callbackId(int n) {
        return "cb-" + n;
    }

    /** Makes {@code users} the administrators of the group. */
    void setAdmins(long chatId, TgUser... users) {
        lock.lock();
        try {
            admins.put(chatId, List.of(users));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers the next call of {@code method} with an error.
     *
     * @param retryAfter the {@code retry_after} parameter, or {@code null}
     */
    void failNext(String method, int code, String description, Integer retryAfter) {
        lock.lock();
        try {
            failures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(new Failure(code, description, retryAfter));
        } finally {
            lock.unlock();
        }
    }

    // ---- what the bot did ----

    /** Every request so far, in order. */
    List<Call> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    /** Every request of one method so far, in order. */
    List<Call> calls(String method) {
        return calls().stream().filter(call -> call.method().equals(method)).toList();
    }

    /**
     * Waits (up to {@code timeout}) until a request matching {@code condition} has come, and returns the first.
     *
     * @throws AssertionError when none came in time, listing the requests that did
     */
    Call await(Predicate<Call> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (Call call : calls) {
                    if (condition.test(call)) {
                        return call;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such request within " + timeout + "; got " + calls.stream()
                            .filter(c -> !c.method().equals("getUpdates")).map(c -> c.method() + " " + c.fields())
                            .toList());
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** The last message the bot sent to the chat (not deleted) with a button whose data is {@code data}. */
    Optional<Integer> messageWithButton(long chatId, String data) {
        lock.lock();
        try {
            Integer found = null;
            for (Sent message : sent.values()) {
                if (message.chatId() == chatId && !message.deleted() && buttonsOf(message.markup()).contains(data)) {
                    found = message.messageId();
                }
            }
            return Optional.ofNullable(found);
        } finally {
            lock.unlock();
        }
    }

    /** The text (or caption) the bot's message shows now, if it exists and was not deleted. */
    Optional<String> shownText(long chatId, int messageId) {
        lock.lock();
        try {
            Sent message = sent.get(chatId + ":" + messageId);
            return message == null || message.deleted() ? Optional.empty() : Optional.ofNullable(message.text());
        } finally {
            lock.unlock();
        }
    }

    // ---- the server ----

    private long push(String kind, ObjectNode payload) {
        lock.lock();
        try {
            long id = UPDATE_IDS.incrementAndGet();
            ObjectNode update = JSON.createObjectNode();
            update.put("update_id", id);
            if (payload.has("message_id")) {
                messageOfUpdate.put(id, payload.get("message_id").asInt());
            }
            update.set(kind, payload);
            updates.add(update);
            changed.signalAll();
            return id;
        } finally {
            lock.unlock();
        }
    }

    private String addFile(byte[] bytes, String folder) {
        lock.lock();
        try {
            String id = "file-" + nextFile++;
            String path = folder + "/file_" + id + ".bin";
            filesById.put(id, bytes);
            pathsById.put(id, path);
            filesByPath.put(path, bytes);
            return id;
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode userMessage(long chatId, TgUser from) {
        ObjectNode message = JSON.createObjectNode();
        lock.lock();
        try {
            message.put("message_id", nextMessageId++);
        } finally {
            lock.unlock();
        }
        message.put("date", 1_700_000_000);
        message.set("from", user(from));
        message.set("chat", chat(chatId));
        return message;
    }

    private static ObjectNode botMessage(long chatId, int messageId) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", 1_700_000_000);
        message.set("from", bot());
        message.set("chat", chat(chatId));
        return message;
    }

    private static ObjectNode user(TgUser user) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", user.id()).put("is_bot", false).put("first_name", user.firstName());
        return node;
    }

    private static ObjectNode bot() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", BOT_ID).put("is_bot", true).put("first_name", "Imagine").put("username", BOT_NAME);
        return node;
    }

    private static ObjectNode chat(long chatId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", chatId).put("type", chatId < 0 ? "supergroup" : "private");
        if (chatId < 0) {
            node.put("title", "Test group");
        } else {
            node.put("first_name", "Someone");
        }
        return node;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String filePrefix = "/file/bot" + TOKEN + "/";
            if (path.startsWith(filePrefix)) {
                download(exchange, path, path.substring(filePrefix.length()));
                return;
            }
            String apiPrefix = "/bot" + TOKEN + "/";
            if (!path.startsWith(apiPrefix)) {
                String method = path.substring(path.lastIndexOf('/') + 1);
                record(new Call(method, Map.of(), Map.of(), 401, path, null));
                respond(exchange, 401, error(401, "Unauthorized", null));
                return;
            }
            String method = canonical(path.substring(apiPrefix.length()));
            Map<String, String> fields = new LinkedHashMap<>();
            Map<String, Upload> files = new LinkedHashMap<>();
            parse(exchange.getRequestHeaders().getFirst("Content-Type"), body, exchange.getRequestURI().getRawQuery(),
                    fields, files);
            Failure failure = takeFailure(method);
            if (failure != null) {
                record(new Call(method, fields, files, failure.code(), path, null));
                respond(exchange, failure.code(), error(failure.code(), failure.description(), failure.retryAfter()));
                return;
            }
            Answer answer = answer(method, fields, files);
            record(new Call(method, fields, files, answer.status(), path,
                    answer.status() == 200 ? answer.body().get("result") : null));
            respond(exchange, answer.status(), answer.body());
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(FakeBotApi.class).error("The fake Bot API failed on {}", exchange.getRequestURI()
                    .getPath().replaceAll("/bot[^/]+/", "/bot<token>/"), e);
            throw e;
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private static final List<String> METHODS = List.of("getMe", "deleteWebhook", "getUpdates", "sendMessage",
            "editMessageText", "sendPhoto", "sendDocument", "sendAnimation", "deleteMessage", "answerCallbackQuery",
            "getFile",
            "getChatAdministrators");

    /** Bot API method names are case-insensitive; calls are recorded under their documented spelling. */
    private static String canonical(String method) {
        return METHODS.stream().filter(m -> m.equalsIgnoreCase(method)).findFirst().orElse(method);
    }

    private Answer answer(String method, Map<String, String> fields, Map<String, Upload> files) {
        switch (method) {
            case "getMe":
                return ok(bot());
            case "deleteWebhook":
            case "answerCallbackQuery":
                return ok(JSON.getNodeFactory().booleanNode(true));
            case "getUpdates":
                return ok(poll(fields));
            case "sendMessage":
                return ok(store(Long.parseLong(fields.get("chat_id")), fields.get("text"), fields.get("reply_markup"),
                        null));
            case "sendPhoto":
            case "sendDocument":
            case "sendAnimation":
                return sendFile(method, fields, files);
            case "editMessageText":
                return edit(fields);
            case "deleteMessage":
                return delete(fields);
            case "getFile":
                return getFile(fields.get("file_id"));
            case "getChatAdministrators":
                return administrators(Long.parseLong(fields.get("chat_id")));
            default:
                return new Answer(404, error(404, "Not Found: method not found", null));
        }
    }

    private JsonNode poll(Map<String, String> fields) {
        long offset = fields.containsKey("offset") ? Long.parseLong(fields.get("offset")) : 0;
        long timeoutSeconds = fields.containsKey("timeout") ? Long.parseLong(fields.get("timeout")) : 0;
        long deadline = System.nanoTime() + Math.min(hold.toNanos(), Duration.ofSeconds(timeoutSeconds).toNanos());
        lock.lock();
        try {
            confirmed = Math.max(confirmed, offset);
            updates.removeIf(update -> update.path("update_id").asLong() < confirmed);
            while (updates.isEmpty() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            ArrayNode result = JSON.createArrayNode();
            updates.forEach(result::add);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createArrayNode();
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode store(long chatId, String text, String markup, ObjectNode extra) {
        lock.lock();
        try {
            int id = nextMessageId++;
            sent.put(chatId + ":" + id, new Sent(chatId, id, text, markup, false));
            ObjectNode message = botMessage(chatId, id);
            if (text != null) {
                message.put(extra == null ? "text" : "caption", text);
            }
            if (markup != null) {
                message.set("reply_markup", readTree(markup));
            }
            if (extra != null) {
                message.setAll(extra);
            }
            return message;
        } finally {
            lock.unlock();
        }
    }

    private Answer sendFile(String method, Map<String, String> fields, Map<String, Upload> files) {
        String field = method.equals("sendPhoto") ? "photo" : method.equals("sendAnimation") ? "animation"
                : "document";
        Upload upload = new Call(method, fields, files, 0, "", null).upload(field);
        if (upload == null || upload.bytes().length == 0) {
            return new Answer(400, error(400, "Bad Request: there is no " + field + " in the request", null));
        }
        ObjectNode extra = JSON.createObjectNode();
        String fileId = addFile(upload.bytes(), field + "s");
        if (field.equals("photo")) {
            extra.putArray("photo").addObject().put("file_id", fileId).put("file_unique_id", "u" + fileId)
                    .put("width", 64).put("height", 64).put("file_size", upload.bytes().length);
        } else if (field.equals("animation")) {
            if (!upload.fileName().endsWith(".mp4")) {
                return new Answer(400, error(400, "Bad Request: the animation must be an MP4 or GIF file", null));
            }
            extra.putObject("animation").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                    .put("file_name", upload.fileName()).put("mime_type", "video/mp4")
                    .put("file_size", upload.bytes().length);
        } else {
            extra.putObject("document").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                    .put("file_name", upload.fileName()).put("file_size", upload.bytes().length);
        }
        String caption = fields.get("caption");
        return ok(store(Long.parseLong(fields.get("chat_id")), caption == null ? "" : caption,
                fields.get("reply_markup"), extra));
    }

    private Answer edit(Map<String, String> fields) {
        long chatId = Long.parseLong(fields.get("chat_id"));
        int messageId = Integer.parseInt(fields.get("message_id"));
        lock.lock();
        try {
            String key = chatId + ":" + messageId;
            Sent message = sent.get(key);
            if (message == null || message.deleted()) {
                return new Answer(400, error(400, "Bad Request: message to edit not found", null));
            }
            String text = fields.get("text");
            String markup = fields.get("reply_markup");
            if (text.equals(message.text()) && java.util.Objects.equals(markup, message.markup())) {
                return new Answer(400, error(400, "Bad Request: message is not modified: specified new message "
                        + "content and reply markup are exactly the same", null));
            }
            sent.put(key, new Sent(chatId, messageId, text, markup, false));
            ObjectNode node = botMessage(chatId, messageId);
            node.put("text", text);
            return ok(node);
        } finally {
            lock.unlock();
        }
    }

    private Answer delete(Map<String, String> fields) {
        long chatId = Long.parseLong(fields.get("chat_id"));
        int messageId = Integer.parseInt(fields.get("message_id"));
        lock.lock();
        try {
            String key = chatId + ":" + messageId;
            Sent message = sent.get(key);
            if (message == null || message.deleted()) {
                return new Answer(400, error(400, "Bad Request: message to delete not found", null));
            }
            sent.put(key, new Sent(chatId, messageId, message.text(), message.markup(), true));
            return ok(JSON.getNodeFactory().booleanNode(true));
        } finally {
            lock.unlock();
        }
    }

    private Answer getFile(String fileId) {
        lock.lock();
        try {
            byte[] bytes = filesById.get(fileId);
            if (bytes == null) {
                return new Answer(400, error(400, "Bad Request: invalid file_id", null));
            }
            ObjectNode file = JSON.createObjectNode();
            file.put("file_id", fileId).put("file_unique_id", "u" + fileId).put("file_size", bytes.length)
                    .put("file_path", pathsById.get(fileId));
            return ok(file);
        } finally {
            lock.unlock();
        }
    }

    private Answer administrators(long chatId) {
        lock.lock();
        try {
            ArrayNode list = JSON.createArrayNode();
            for (TgUser admin : admins.getOrDefault(chatId, List.of())) {
                list.addObject().put("status", "administrator").put("can_be_edited", false)
                        .put("is_anonymous", false).set("user", user(admin));
            }
            list.addObject().put("status", "administrator").put("can_be_edited", false).put("is_anonymous", false)
                    .set("user", bot());
            return ok(list);
        } finally {
            lock.unlock();
        }
    }

    private void download(HttpExchange exchange, String path, String filePath) throws IOException {
        byte[] bytes;
        lock.lock();
        try {
            bytes = filesByPath.get(URLDecoder.decode(filePath, StandardCharsets.UTF_8));
        } finally {
            lock.unlock();
        }
        record(new Call("file", Map.of("file_path", filePath), Map.of(), bytes == null ? 404 : 200, path, null));
        if (bytes == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Failure takeFailure(String method) {
        lock.lock();
        try {
            Deque<Failure> queue = failures.get(method);
            return queue == null ? null : queue.poll();
        } finally {
            lock.unlock();
        }
    }

    private void record(Call call) {
        lock.lock();
        try {
            calls.add(call);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static Answer ok(JsonNode result) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ok", true);
        body.set("result", result);
        return new Answer(200, body);
    }

    private static JsonNode error(int code, String description, Integer retryAfter) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ok", false).put("error_code", code).put("description", description);
        if (retryAfter != null) {
            body.putObject("parameters").put("retry_after", retryAfter);
        }
        return body;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- request bodies ----

    private static void parse(String contentType, byte[] body, String query, Map<String, String> fields,
            Map<String, Upload> files) {
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        if (contentType == null || body.length == 0) {
            return;
        }
        if (contentType.startsWith("application/json")) {
            readTree(new String(body, StandardCharsets.UTF_8)).properties().forEach(entry ->
                    fields.put(entry.getKey(), entry.getValue().isTextual() ? entry.getValue().asText()
                            : entry.getValue().toString()));
        } else if (contentType.startsWith("multipart/form-data")) {
            multipart(contentType, body, fields, files);
        }
    }

    private static void multipart(String contentType, byte[] body, Map<String, String> fields,
            Map<String, Upload> files) {
        for (Multipart.Part part : Multipart.parse(contentType, body)) {
            if (part.fileName() != null) {
                files.put(part.name(), new Upload(part.fileName(), part.bytes()));
            } else {
                fields.put(part.name(), part.text());
            }
        }
    }

    static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> buttonsOf(String markup) {
        List<String> data = new ArrayList<>();
        if (markup == null) {
            return data;
        }
        for (JsonNode row : readTree(markup).path("inline_keyboard")) {
            row.forEach(button -> data.add(button.path("callback_data").asText()));
        }
        return data;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
