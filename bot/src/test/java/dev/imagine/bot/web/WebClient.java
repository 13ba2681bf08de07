package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A script's view of the web chat's API, as one browser would use it: it keeps the session cookie and the CSRF token,
 * and can listen to the event stream. For tests.
 */
final class WebClient implements AutoCloseable {
    /** Threads that read event streams: each read blocks until its stream ends, so each gets its own. */
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors
            .newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "web-test-events");
                thread.setDaemon(true);
                return thread;
            });

    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: the status, the body, its JSON (or null) and the headers. */
    record Answer(int status, byte[] body, JsonNode json, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        String text() {
            return json == null ? "" : json.path("text").asText(json.path("error").asText(""));
        }
    }

    /** One server-sent event. */
    record Event(String name, JsonNode data) {
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie;
    private String csrf;
    private final List<Event> events = new ArrayList<>();
    private CompletableFuture<?> stream;

    WebClient(URI base) {
        this.base = base;
    }

    /** Reads the session (and its CSRF token, without a password). */
    Answer session() {
        Answer answer = get("/api/session");
        if (answer.json().hasNonNull("csrf")) {
            csrf = answer.json().get("csrf").asText();
        }
        return answer;
    }

    /** Signs in; keeps the cookie and the CSRF token when it works. */
    Answer login(String name, String password) {
        Answer answer = send(HttpRequest.newBuilder(base.resolve("/api/login")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("name", name)
                        .put("password", password).toString())));
        String setCookie = answer.header("Set-Cookie");
        if (answer.status() == 200) {
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            csrf = answer.json().get("csrf").asText();
        }
        return answer;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** A JSON POST with the CSRF token. */
    Answer post(String path, Map<String, ?> body) {
        return send(withCsrf(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(body).toString()))));
    }

    /** A multipart POST of a prompt with a picture, with the CSRF token. */
    Answer postPicture(String text, byte[] picture, String strength) {
        String boundary = "----imagine" + System.nanoTime();
        return send(withCsrf(HttpRequest.newBuilder(base.resolve("/api/prompts"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(pictureForm(boundary, text, picture, strength)))));
    }

    /** The multipart body the page sends for a prompt with a picture. */
    static byte[] pictureForm(String boundary, String text, byte[] picture, String strength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, boundary, "text", text);
        if (strength != null) {
            field(out, boundary, "strength", strength);
        }
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"in.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n");
        out.writeBytes(picture);
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    /** The session cookie as {@code name=value}, or null before a sign-in. */
    String cookie() {
        return cookie;
    }

    /** The CSRF token the session gave, or null before {@link #session()}. */
    String csrf() {
        return csrf;
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder withCsrf(HttpRequest.Builder request) {
        return csrf == null ? request : request.header(WebAdapter.CSRF_HEADER, csrf);
    }

    Answer send(HttpRequest.Builder request) {
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = null;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && response.body().length > 0) {
                json = JSON.readTree(response.body());
            }
            return new Answer(response.statusCode(), response.body(), json, response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens the event stream and returns once the server says it is connected. */
    void listen() {
        CountDownLatch connected = new CountDownLatch(1);
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/events"))
                .header("Accept", "text/event-stream").GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        stream = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
            try (Stream<String> lines = response.body()) {
                String[] name = {null};
                StringBuilder data = new StringBuilder();
                lines.forEach(line -> {
                    if (line.startsWith(":")) {
                        connected.countDown();
                    } else if (line.startsWith("event:")) {
                        name[0] = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    } else if (line.isEmpty() && name[0] != null) {
                        try {
                            Event event = new Event(name[0], JSON.readTree(data.toString()));
                            synchronized (events) {
                                events.add(event);
                                events.notifyAll();
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        name[0] = null;
                        data.setLength(0);
                    }
                });
            }
        }, READERS);
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the event stream did not connect");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many events arrived so far. */
    int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Waits until at least {@code count} events arrived; false on timeout. */
    boolean awaitEvents(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** The events from index {@code from} on. */
    List<Event> events(int from) {
        synchronized (events) {
            return List.copyOf(events.subList(from, events.size()));
        }
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.cancel(true); // the server's close ends the stream itself
        }
    }
}
