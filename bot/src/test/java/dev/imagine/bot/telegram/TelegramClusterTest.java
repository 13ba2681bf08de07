package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.telegram.FakeBotApi.Call;
import dev.imagine.bot.telegram.FakeBotApi.TgUser;
import dev.imagine.engine.DemoModel;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.QueueListener;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster driven through the fake Telegram server: the frontend is a child JVM running the real Telegram adapter
 * against {@link FakeBotApi} in this JVM, two workers are child JVMs too, all on one PostgreSQL server (skipped with
 * one line where none answers at {@code IMAGINE_TEST_POSTGRES_URL}). Users send prompts; the frontend is killed with
 * SIGKILL while results arrive and started again: every prompt becomes one generation, and every picture reaches its
 * user's chat once (the one a SIGKILL catches between sending and marking may arrive twice), also those the workers
 * finished but the killed frontend had not sent.
 */
class TelegramClusterTest {
    private static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "imagine_tg_cluster_" + ProcessHandle.current().pid();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int USERS = 10;
    private static final int PER_USER = 2;
    private static boolean answers;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void findServer() {
        try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3")) {
            answers = c.isValid(3);
        } catch (SQLException e) {
            answers = false;
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        if (answers) {
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    private Process start(String role, String name, String url, String... telegram) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.imagine.bot.service.ClusterDriver", role, name, url, dir.resolve("data-" + name).toString(),
                dir.resolve("model").toString(), Integer.toString(PER_USER)));
        command.addAll(List.of(telegram));
        Path logs = Files.createDirectories(Path.of("target", "cluster-test"));
        Process process = new ProcessBuilder(command)
                .redirectError(logs.resolve("telegram-" + name + "-" + processes.size() + ".log").toFile()).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as(name + " started").startsWith("ready ");
        return process;
    }

    private static long generationOf(Call photo) {
        return ButtonId.parse(photo.buttons().get(0)).orElseThrow().generationId();
    }

    private static List<Call> photos(FakeBotApi api) {
        return api.calls("sendPhoto").stream().filter(Call::ok).toList();
    }

    /** The prompts that have had a photo sent, from the captions' first lines. */
    private static Set<String> promptsAnswered(FakeBotApi api) {
        return photos(api).stream().map(photo -> photo.field("caption").lines().findFirst().orElse(""))
                .collect(Collectors.toSet());
    }

    /** How many prompts have been answered with "Queued as #...". */
    private static int queuedReplies(FakeBotApi api) {
        return (int) api.calls("sendMessage").stream()
                .filter(call -> call.ok() && call.field("text").startsWith("Queued as #")).count();
    }

    /**
     * Waits (on the workers' notifications, up to {@link #WAIT}) until a worker has finished a generation whose photo
     * was not sent before the frontend died, and returns every such generation.
     */
    private static Set<Long> awaitDoneButUnsent(Storage observer, QueueListener finished, Set<Long> sent) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean one = false;
        while (!one) {
            assertThat(System.nanoTime()).as("a picture finished while no frontend ran").isLessThan(deadline);
            one = finished.await(Duration.ofSeconds(5)).stream()
                    .anyMatch(signal -> signal.channel() == QueueListener.Channel.FINISHED && !sent.contains(signal.id()));
        }
        Set<Long> waiting = new HashSet<>();
        for (long id = 1; id <= 2L * USERS * PER_USER; id++) {
            Generation g = observer.generations().find(id).orElse(null);
            if (g != null && g.status() == GenerationStatus.DONE && !sent.contains(id)) {
                waiting.add(id);
            }
        }
        return waiting;
    }

    @Test
    void promptsSentToTheFakeTelegramServerAreRunByWorkersAndDeliveredOnceAcrossAFrontendKill() throws Exception {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        DemoModel.writeTiny(dir.resolve("model"));
        DatabaseServer server = new DatabaseServer(URL, null, null).inSchema(SCHEMA);
        try (FakeBotApi api = new FakeBotApi(Duration.ofMillis(100));
                Storage observer = Storage.open(StorageOptions.of(dir.resolve("observer")).withServer(server));
                QueueListener finished = observer.queue().listen()) {
            Process front = start("frontend", "front", server.url(), api.baseUrl(), FakeBotApi.TOKEN);
            start("worker", "w1", server.url());
            start("worker", "w2", server.url());

            List<TgUser> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                TgUser user = new TgUser(5000 + u, "User" + u);
                users.add(user);
                for (int i = 0; i < PER_USER; i++) {
                    api.sendText(user.id(), user, "user " + u + " picture " + i + " --size 64x64 --steps 4 --seed " + i);
                }
            }
            int total = USERS * PER_USER;
            // Killed while most prompts are still being taken in: those Telegram had handed over but the frontend
            // had not handled yet must come again after the restart (Telegram forgets an update only once the next
            // request confirms it), and none handled before may be taken in twice.
            api.await(call -> queuedReplies(api) + photos(api).size() >= 3, WAIT);
            front.destroyForcibly();
            assertThat(front.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int handledBeforeKill = queuedReplies(api);
            Set<Long> beforeKill = photos(api).stream().map(TelegramClusterTest::generationOf)
                    .collect(Collectors.toSet());
            // Pictures the workers finish while no frontend runs: the next one sends them.
            Set<Long> waiting = awaitDoneButUnsent(observer, finished, beforeKill);

            start("frontend", "front", server.url(), api.baseUrl(), FakeBotApi.TOKEN);
            api.await(call -> call.method().equals("sendPhoto") && promptsAnswered(api).size() == total, WAIT);

            Map<Long, Integer> sent = new HashMap<>();
            Map<Long, String> chats = new HashMap<>();
            for (Call photo : photos(api)) {
                sent.merge(generationOf(photo), 1, Integer::sum);
                chats.put(generationOf(photo), photo.field("chat_id"));
            }
            assertThat(sent.values().stream().filter(n -> n > 1).count()).as("photos sent twice: %s", sent)
                    .isLessThanOrEqualTo(1);
            assertThat(sent.keySet()).as("the pictures done while no frontend ran").containsAll(waiting);
            Map<String, Integer> made = new HashMap<>();
            for (TgUser user : users) {
                long userId = observer.users().find(TelegramAdapter.PLATFORM, Long.toString(user.id())).orElseThrow()
                        .id();
                for (Generation g : observer.generations().history(userId, null, 10)) {
                    made.merge((String) g.parameters().get("prompt"), 1, Integer::sum);
                }
            }
            System.out.printf("telegram cluster: %d prompts from %d users; %d handled before the frontend's SIGKILL, "
                    + "%d photos sent then, %d done while no frontend ran; %d prompts taken in twice%n", total, USERS,
                    handledBeforeKill, beforeKill.size(), waiting.size(),
                    made.values().stream().filter(n -> n > 1).count());
            assertThat(made).as("every prompt became a generation").hasSize(total);
            // The one update a SIGKILL catches between storing its generation and recording it as handled is taken
            // in again by the next frontend (at least once across a crash); any other would be a bug.
            assertThat(made.values().stream().filter(n -> n > 1).count()).as("prompts taken in twice: %s", made)
                    .isLessThanOrEqualTo(1);
            assertThat(made.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
            for (long id : sent.keySet()) {
                Generation g = observer.generations().find(id).orElseThrow();
                assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
                String owner = observer.users().find(g.userId()).orElseThrow().externalId();
                assertThat(chats.get(id)).as("generation %d went to its user's chat", id).isEqualTo(owner);
            }
            assertThat(users).hasSize(USERS);
        }
    }
}
