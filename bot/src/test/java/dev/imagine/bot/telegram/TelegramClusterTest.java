package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.telegram.FakeBotApi.Call;
import dev.imagine.bot.telegram.FakeBotApi.TgUser;
import dev.imagine.engine.DemoModel;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
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

    @Test
    void promptsSentToTheFakeTelegramServerAreRunByWorkersAndDeliveredOnceAcrossAFrontendKill() throws Exception {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        DemoModel.writeTiny(dir.resolve("model"));
        DatabaseServer server = new DatabaseServer(URL, null, null).inSchema(SCHEMA);
        try (FakeBotApi api = new FakeBotApi(Duration.ofMillis(100));
                Storage observer = Storage.open(StorageOptions.of(dir.resolve("observer")).withServer(server))) {
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
            api.await(call -> call.method().equals("sendPhoto") && photos(api).size() >= total / 3, WAIT);
            front.destroyForcibly();
            assertThat(front.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Set<Long> beforeKill = photos(api).stream().map(TelegramClusterTest::generationOf)
                    .collect(Collectors.toSet());
            // Pictures the workers made whose photo the killed frontend had not sent yet: the next one sends them.
            // (With workers this fast, most are done before the kill and wait only for their delivery.)
            Set<Long> waiting = new java.util.HashSet<>();
            for (long id = 1; id <= total; id++) {
                Generation g = observer.generations().find(id).orElse(null);
                if (g != null && g.status() == GenerationStatus.DONE && !beforeKill.contains(id)) {
                    waiting.add(id);
                }
            }

            start("frontend", "front", server.url(), api.baseUrl(), FakeBotApi.TOKEN);
            api.await(call -> call.method().equals("sendPhoto") && photos(api).stream()
                    .map(TelegramClusterTest::generationOf).distinct().count() == total, WAIT);

            Map<Long, Integer> sent = new HashMap<>();
            Map<Long, String> chats = new HashMap<>();
            for (Call photo : photos(api)) {
                sent.merge(generationOf(photo), 1, Integer::sum);
                chats.put(generationOf(photo), photo.field("chat_id"));
            }
            assertThat(sent).hasSize(total);
            assertThat(sent.values().stream().filter(n -> n > 1).count()).as("photos sent twice: %s", sent)
                    .isLessThanOrEqualTo(1);
            assertThat(sent.keySet()).as("the pictures done before the kill but not sent").containsAll(waiting);
            System.out.printf("telegram cluster: %d prompts from %d users; %d photos sent before the frontend's "
                    + "SIGKILL, %d done but unsent then, sent by the next frontend%n", total, USERS, beforeKill.size(),
                    waiting.size());
            assertThat(observer.counts().generations()).as("each prompt made one generation, none twice")
                    .isEqualTo(total);
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
