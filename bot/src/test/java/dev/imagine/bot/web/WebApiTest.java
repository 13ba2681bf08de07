package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.bot.fake.SafetyModel;
import dev.imagine.bot.models.LogCapture;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ImageInput;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web chat's JSON API on the real service (tiny model, real dispatcher and storage), as a script would use it:
 * status codes, JSON shapes, the event stream's order, sign-in and CSRF refusals, and the headers every answer carries.
 */
class WebApiTest {
    private static final String PASSWORD = "api test password";

    @TempDir
    Path dir;

    private ImagineService service;
    private WebAdapter web;

    private void start(String webYaml, Map<String, String> env) throws Exception {
        start("", webYaml, env);
    }

    private void start(String limitsYaml, String webYaml, Map<String, String> env) throws Exception {
        DemoModel.writeTiny(dir.resolve("model"));
        String yaml = "engine:\n  model: " + dir.resolve("model") + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n"
                + limitsYaml
                + "web:\n" + (webYaml.contains("port:") ? "" : "  port: 0\n") + webYaml;
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir, env);
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

    /** The client's events until the first final one, waiting for it. */
    static List<WebClient.Event> untilDone(WebClient client) {
        for (int count = 1; client.awaitEvents(count, Duration.ofSeconds(60)); count++) {
            List<WebClient.Event> events = client.events(0);
            String name = events.get(count - 1).name();
            if (name.equals("done") || name.equals("failed") || name.equals("cancelled")) {
                return events;
            }
        }
        throw new AssertionError("no final event; got " + client.events(0));
    }

    private WebClient signedIn(String name) {
        WebClient client = new WebClient(web.url());
        assertThat(client.login(name, PASSWORD).status()).isEqualTo(200);
        return client;
    }

    @Test
    void aPromptIsQueuedAndItsEventsArriveInOrderThenTheGenerationAndItsPngCanBeRead() throws Exception {
        start("", Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        try (WebClient alice = signedIn("Alice")) {
            alice.listen();

            WebClient.Answer queued = alice.post("/api/prompts", Map.of("text",
                    "a lighthouse --seed 5 --steps 3 --size 64x64"));

            assertThat(queued.status()).isEqualTo(202);
            assertThat(queued.json().path("kind").asText()).isEqualTo("queued");
            long id = queued.json().path("id").asLong();
            assertThat(queued.json().path("buttons").path(0).path("label").asText()).isEqualTo("Cancel");
            List<WebClient.Event> events = untilDone(alice);
            List<String> names = events.stream().map(WebClient.Event::name).toList();
            assertThat(String.join(" ", names)).matches("queued started (progress )+done");
            assertThat(events).allSatisfy(event -> assertThat(event.data().path("id").asLong()).isEqualTo(id));
            List<Integer> steps = events.stream().filter(e -> e.name().equals("progress"))
                    .map(e -> e.data().path("step").asInt()).toList();
            assertThat(steps).isSorted().startsWith(1);
            WebClient.Event last = events.get(events.size() - 2);
            assertThat(last.data().path("step").asInt()).isEqualTo(last.data().path("total").asInt());
            assertThat(events.get(0).data().path("text").asText()).startsWith("Queued");
            JsonNode generation = events.get(events.size() - 1).data().path("generation");
            assertThat(generation.path("status").asText()).isEqualTo("done");
            assertThat(generation.path("parameters").path("seed").asLong()).isEqualTo(5);
            assertThat(generation.path("parameters").path("steps").asInt()).isEqualTo(3);
            assertThat(generation.path("caption").asText()).contains("Seed 5").contains("3 steps").contains("64x64")
                    .contains("#" + id);
            JsonNode image = generation.path("images").path(0);
            assertThat(image.path("alt").asText()).isEqualTo("a lighthouse (Seed 5)");
            assertThat(image.path("nsfw").asBoolean(true)).isFalse();
            assertThat(generation.path("buttons").findValuesAsText("label")).containsExactly("Re-roll", "Rerun",
                    "Delete");
            assertThat(image.path("buttons").findValuesAsText("label")).contains("Vary", "Upscale");

            WebClient.Answer history = alice.get("/api/generations");
            assertThat(history.status()).isEqualTo(200);
            assertThat(history.json().path("items").path(0).path("id").asLong()).isEqualTo(id);
            assertThat(history.json().path("items").path(0).path("caption").asText()).contains("Seed 5");
            assertThat(history.json().path("next").isNull()).isTrue();
            assertThat(alice.get("/api/generations/" + id).json().path("prompt").asText()).isEqualTo("a lighthouse");

            WebClient.Answer png = alice.get(image.path("download").asText());
            assertThat(png.status()).isEqualTo(200);
            assertThat(png.header("Content-Type")).isEqualTo("image/png");
            assertThat(png.header("Content-Disposition")).isEqualTo("attachment; filename=\"imagine-" + id
                    + "-1.png\"");
            assertThat(ImageInput.parameters(png.body())).hasValueSatisfying(text -> assertThat(text)
                    .startsWith("a lighthouse\n").contains("Steps: 3").contains("Seed: 5").contains("Size: 64x64"));

            try (WebClient bob = signedIn("bob")) {
                assertThat(bob.get("/api/generations").json().path("items")).isEmpty();
                assertThat(bob.get("/api/generations/" + id).status()).isEqualTo(404);
                assertThat(bob.get("/api/images/" + id + "/0").status()).isEqualTo(404);
            }
        }
    }

    @Test
    void anAnimationTypedInThePromptBoxComesBackAsAVideoWithItsButtons() throws Exception {
        start("", Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        try (WebClient alice = signedIn("Alice")) {
            alice.listen();
            // Raise nothing: the default burst of 4 images takes a 3-frame animation.
            WebClient.Answer queued = alice.post("/api/prompts", Map.of("text",
                    "/animate a lighthouse -> a storm --frames 3 --seed 5 --to-seed 6 --steps 1 --size 64x64"));
            assertThat(queued.status()).isEqualTo(202);
            long id = queued.json().path("id").asLong();

            List<WebClient.Event> events = untilDone(alice);
            assertThat(events).filteredOn(e -> e.name().equals("progress")).extracting(e -> e.data().path("text")
                    .asText()).allSatisfy(text -> assertThat(text).startsWith("Animating: "));
            JsonNode generation = events.get(events.size() - 1).data().path("generation");
            assertThat(generation.path("kind").asText()).isEqualTo("animation");
            assertThat(generation.path("caption").asText()).startsWith("a lighthouse (seed 5) -> a storm (seed 6)\n")
                    .contains("3 frames at 8 fps");
            assertThat(generation.path("buttons").findValuesAsText("label")).containsExactly("Re-roll", "Rerun",
                    "Reverse", "Delete");
            JsonNode video = generation.path("images");
            assertThat(video).hasSize(1);
            assertThat(video.path(0).path("video").asBoolean()).isTrue();
            WebClient.Answer file = alice.get(video.path(0).path("download").asText());
            assertThat(file.status()).isEqualTo(200);
            assertThat(file.header("Content-Type")).isEqualTo("video/mp4");
            assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"imagine-" + id
                    + ".mp4\"");

            WebClient.Answer tooMany = alice.post("/api/prompts", Map.of("text", "/animate a -> b --frames 5"));
            assertThat(tooMany.status()).isEqualTo(422);
            assertThat(tooMany.json().path("text").asText()).startsWith("This animation has 5 frames, and each "
                    + "frame counts as one image");
        }
    }

    @Test
    void underBlockAFlaggedPictureIsWithheldFromThePageAndItsFileIsRefused() throws Exception {
        Path model = SafetyModel.write(dir.resolve("checked"));
        SafetyModel.Seeds seeds = SafetyModel.seeds(model, "a lighthouse", 64, 2);
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + dir.resolve("data") + "\n"
                + "operations:\n  enabled: false\n"
                + "safety:\n  nsfw: block\n"
                + "web:\n  port: 0\n";
        ImagineConfig config = ImagineConfig.parse(yaml, "test", dir, Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        service = ImagineService.start(config, Map.of(Platform.WEB, c -> {
            web = new WebAdapter(c.web());
            return web;
        }), Clock.systemUTC());
        try (WebClient alice = signedIn("Alice")) {
            alice.listen();
            alice.post("/api/prompts", Map.of("text", "a lighthouse --seed " + seeds.flagged()
                    + " --steps 2 --size 64x64"));
            List<WebClient.Event> events = untilDone(alice);
            JsonNode flagged = events.get(events.size() - 1).data().path("generation");
            JsonNode image = flagged.path("images").path(0);
            assertThat(image.path("nsfw").asBoolean()).isTrue();
            assertThat(image.path("withheld").asBoolean()).isTrue();
            assertThat(image.path("url").isNull()).isTrue();
            assertThat(image.path("download").isNull()).isTrue();
            WebClient.Answer file = alice.get("/api/images/" + flagged.path("id").asLong() + "/0");
            assertThat(file.status()).isEqualTo(403);
            assertThat(file.json().path("error").asText()).contains("withheld").contains("safety checker");
            assertThat(flagged.path("buttons").findValuesAsText("label")).contains("Re-roll");

            alice.post("/api/prompts", Map.of("text", "a lighthouse --seed " + seeds.clean()
                    + " --steps 2 --size 64x64"));
            int count = events.size() + 1;
            while (alice.awaitEvents(count, Duration.ofSeconds(60))
                    && !alice.events(0).get(count - 1).name().equals("done")) {
                count++;
            }
            JsonNode clean = alice.events(0).get(count - 1).data().path("generation").path("images").path(0);
            assertThat(clean.path("withheld").asBoolean()).isFalse();
            assertThat(alice.get(clean.path("url").asText()).status()).isEqualTo(200);
        }
    }

    @Test
    void refusalsHaveTheirStatusAndASentence() throws Exception {
        start("", Map.of(Platform.WEB.tokenVariable(), PASSWORD));
        WebClient stranger = new WebClient(web.url());
        assertThat(stranger.session().json().path("signIn").asBoolean()).isTrue();
        assertThat(stranger.session().json().path("user").isNull()).isTrue();
        assertThat(stranger.get("/api/generations").status()).isEqualTo(401);
        assertThat(stranger.post("/api/prompts", Map.of("text", "a fox")).status()).isEqualTo(401);

        try (LogCapture logs = new LogCapture()) {
            WebClient.Answer wrong = stranger.login("alice", "not the password");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().path("error").asText()).isEqualTo("That password is not right.");
            WebClient.Answer right = stranger.login("alice", PASSWORD);
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.header("Set-Cookie")).contains("HttpOnly").contains("SameSite=Strict");
            assertThat(logs.text()).contains("alice signed in").doesNotContain(PASSWORD);
        }
        WebClient.Answer form = stranger.send(HttpRequest.newBuilder(web.url().resolve("/api/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=mallory&password=x")));
        assertThat(form.status()).isEqualTo(415);

        WebClient.Answer noToken = stranger.send(HttpRequest.newBuilder(web.url().resolve("/api/prompts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}")));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.json().path("error").asText()).contains("security token");
        WebClient.Answer otherSite = stranger.send(stranger.withCsrf(HttpRequest.newBuilder(
                web.url().resolve("/api/buttons"))).header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"button\":\"\"}")));
        assertThat(otherSite.status()).isEqualTo(403);

        WebClient.Answer badFlag = stranger.post("/api/prompts", Map.of("text", "a fox --sed 4"));
        assertThat(badFlag.status()).isEqualTo(422);
        assertThat(badFlag.json().path("kind").asText()).isEqualTo("refused");
        assertThat(badFlag.text()).contains("--sed").contains("--seed");
        WebClient.Answer help = stranger.post("/api/prompts", Map.of("text", "/help"));
        assertThat(help.status()).isEqualTo(200);
        assertThat(help.json().path("kind").asText()).isEqualTo("text");
        assertThat(stranger.get("/api/generations?limit=0").status()).isEqualTo(400);
        assertThat(stranger.get("/api/generations/abc").status()).isEqualTo(400);

        // Refused from its declared length before the body is read, so the client need not send it: a raw request
        // of headers only (a client still writing 12 MB may see its write cut by the server's close before it
        // reads the answer).
        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/prompts HTTP/1.1\r\nHost: 127.0.0.1:" + web.port() + "\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\n"
                    + WebAdapter.CSRF_HEADER + ": " + stranger.csrf() + "\r\n"
                    + (stranger.cookie() == null ? "" : "Cookie: " + stranger.cookie() + "\r\n")
                    + "Content-Length: " + (12 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String tooLarge = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("the limit is");
        }

        WebClient.Answer page = stranger.get("/");
        assertThat(page.status()).isEqualTo(200);
        String csp = page.header("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).doesNotContain("<script>")
                .contains("<script src=\"/app.js\"");
    }

    /** A raw request over a socket: the head, then the body in chunks; the answer, however the server ended. */
    private String chunked(String head, byte[] body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            java.util.concurrent.CompletableFuture<Void> writing = java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        try {
                            out.write((head + "Transfer-Encoding: chunked\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            for (int at = 0; at < body.length; at += 1 << 16) {
                                int n = Math.min(1 << 16, body.length - at);
                                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                                out.write(body, at, n);
                                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        } catch (java.io.IOException e) {
                            // the server answered and closed before the whole body was written
                        }
                    });
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            writing.join();
            return answer;
        }
    }

    @Test
    void aMalformedOrOversizedFormWithoutALengthGetsItsStatusAndASentence() throws Exception {
        start("", Map.of());
        WebClient local = new WebClient(web.url());
        local.session();
        String head = "POST /api/prompts HTTP/1.1\r\nHost: 127.0.0.1:" + web.port() + "\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=x\r\n"
                + WebAdapter.CSRF_HEADER + ": " + local.csrf() + "\r\n";
        try (LogCapture logs = new LogCapture()) {
            // A form cut short (its closing boundary never comes).
            String cut = chunked(head, ("--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(cut).startsWith("HTTP/1.1 400").contains("multipart/form-data").doesNotContain("Exception");

            // A picture over the limit, sent without a Content-Length, so only reading it finds its size.
            byte[] picture = new byte[12 << 20];
            java.util.Arrays.fill(picture, (byte) 'x');
            byte[] form = WebClient.pictureForm("x", "an oil painting", picture, null);
            String tooLarge = chunked(head, form);
            assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("the limit is").doesNotContain("Exception");
            assertThat(logs.text()).doesNotContain("ERROR");
        }
    }

    @Test
    void aPromptWhosePictureIsStillUploadingIsNotOvertakenByTheSameUsersNextPrompt() throws Exception {
        start("", Map.of());
        WebClient local = new WebClient(web.url());
        local.session();
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(64, 64,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(picture, "png", png);
        String boundary = "----slow";
        byte[] form = WebClient.pictureForm(boundary, "first --steps 2 --size 64x64", png.toByteArray(), null);

        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            // The first prompt arrives, but its picture is still on the way.
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/prompts HTTP/1.1\r\nHost: 127.0.0.1:" + web.port() + "\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
                    + WebAdapter.CSRF_HEADER + ": " + local.csrf() + "\r\n"
                    + "Content-Length: " + form.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(form, 0, form.length / 2);
            out.flush();
            assertThat(web.arrivals().awaitInFlight("local", 1, Duration.ofSeconds(30))).isTrue();

            // The second arrives after it and is read at once; it must wait for the first.
            java.util.concurrent.CompletableFuture<WebClient.Answer> second = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> local.post("/api/prompts", Map.of("text", "second --steps 2 --size 64x64")));
            assertThat(web.arrivals().awaitInFlight("local", 2, Duration.ofSeconds(30))).isTrue();
            assertThat(second).isNotDone();

            out.write(form, form.length / 2, form.length - form.length / 2);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher firstId = java.util.regex.Pattern.compile("\"id\":([0-9]+)").matcher(answer);
            assertThat(firstId.find()).as(answer).isTrue();
            WebClient.Answer secondAnswer = second.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(secondAnswer.status()).as(secondAnswer.text()).isEqualTo(202);
            assertThat(Long.parseLong(firstId.group(1))).as("the first prompt's job is recorded first")
                    .isLessThan(secondAnswer.json().path("id").asLong());
        }
    }

    @Test
    void aTakenPortStopsTheStartWithASentence() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("  port: " + taken.getLocalPort() + "\n",
                    Map.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("The web chat cannot listen on 127.0.0.1 port " + taken.getLocalPort())
                    .hasMessageContaining("set web.port to a free port (0 picks one) or web.enabled to false");
        }
    }

    private static List<String> prompts(JsonNode page) {
        List<String> prompts = new java.util.ArrayList<>();
        page.path("items").forEach(item -> prompts.add(item.path("prompt").asText()));
        return prompts;
    }

    @Test
    void theHistoryIsPagedNewestFirst() throws Exception {
        start("limits:\n  max-jobs-per-user: 3\n", "", Map.of());
        WebClient local = new WebClient(web.url());
        local.session();
        local.listen();
        List<Long> ids = new java.util.ArrayList<>();
        for (String prompt : List.of("first", "second", "third")) {
            WebClient.Answer queued = local.post("/api/prompts", Map.of("text", prompt + " --steps 1 --size 64x64"));
            assertThat(queued.status()).as(queued.text()).isEqualTo(202);
            ids.add(queued.json().path("id").asLong());
        }
        for (int count = 1; local.events(0).stream().filter(e -> e.name().equals("done")).count() < 3; count++) {
            assertThat(local.awaitEvents(count, Duration.ofSeconds(60))).as("events %s", local.events(0)).isTrue();
        }

        JsonNode first = local.get("/api/generations?limit=2").json();
        assertThat(prompts(first)).containsExactly("third", "second");
        assertThat(first.path("next").asLong()).isEqualTo(ids.get(1));
        JsonNode older = local.get("/api/generations?limit=2&before=" + first.path("next").asLong()).json();
        assertThat(prompts(older)).containsExactly("first");
        assertThat(older.path("next").isNull()).isTrue();
        assertThat(local.get("/api/generations?before=x").status()).isEqualTo(400);
    }

    @Test
    void withoutAPasswordTheLocalUserNeedsNoSignInButOtherHostNamesAreRefused() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            start("", Map.of());
            List<String> lines = logs.text().lines().filter(line -> line.contains(web.url().toString())).toList();
            assertThat(lines).as("the one line that says where to open the page")
                    .containsExactly("INFO Web chat: open " + web.url() + " in your browser");
        }
        WebClient local = new WebClient(web.url());
        JsonNode session = local.session().json();
        assertThat(session.path("signIn").asBoolean()).isFalse();
        assertThat(session.path("user").asText()).isEqualTo("local");
        assertThat(local.post("/api/prompts", Map.of("text", "/queue")).status()).isEqualTo(200);

        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/session HTTP/1.1\r\nHost: rebound.example:" + web.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 421").contains("answers only at localhost").doesNotContain("csrf");
        }
    }
}
