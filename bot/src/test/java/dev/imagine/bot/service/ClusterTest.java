package dev.imagine.bot.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Messages;
import dev.imagine.engine.DemoModel;
import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.QueueListener;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real processes on one PostgreSQL server (skipped with one line where none answers at
 * {@code IMAGINE_TEST_POSTGRES_URL}), each in a schema of its own: one frontend (its chat adapter prints what it gets,
 * see {@link ClusterDriver}) and three workers on the tiny model, with 5-second leases. Jobs from many users are
 * queued; the worker running the slowest job is killed with SIGKILL in the middle of it, and later the frontend too.
 * Every job is done once on some worker (the killed one's job after its lease ran out, as a second attempt) and
 * delivered once, results finished while no frontend ran are delivered when it comes back, and with every worker
 * stopped the frontend still queues within the per-user cap and says that no worker runs.
 *
 * <p>The 150 jobs from 30 users (and the slow one), 5 per user, which is also the per-user cap. It runs in
 * the default suite: most of its time is starting the five JVMs.
 */
class ClusterTest {
    private static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int STEPS = 6;
    private static final int SLOW_STEPS = 150;
    private static boolean answers;

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private String schema;

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
        for (Node node : nodes) {
            node.process.destroyForcibly();
            node.process.waitFor(30, TimeUnit.SECONDS);
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void aFrontendAndThreeWorkersRunOneHundredFiftyJobsFromThirtyUsersOnceThroughKilledNodes() throws Exception {
        scenario(30, 5);
    }

    private void scenario(int users, int perUser) throws Exception {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        schema = "imagine_cluster_" + ProcessHandle.current().pid();
        DemoModel.writeTiny(dir.resolve("model"));
        DatabaseServer server = new DatabaseServer(URL, null, null).inSchema(schema);
        try (Storage observer = Storage.open(StorageOptions.of(dir.resolve("observer")).withServer(server));
                QueueListener signals = observer.queue().listen()) {
            ClusterQueue queue = observer.queue();
            Node front = start("frontend", "front", server.url(), perUser);
            front.awaitReady();

            // Everything is queued before any worker runs, so the claims show the fairness rule over a full queue.
            // The slow job arrived first and nobody was served yet: it is claimed first, and its worker is killed in
            // the middle of it.
            front.send("submit slowpoke 1 " + SLOW_STEPS);
            for (int u = 0; u < users; u++) {
                front.send("submit user" + u + " " + perUser + " " + STEPS);
            }
            int total = users * perUser + 1;
            front.await(lines -> lines.stream().filter(l -> l.startsWith("accepted ")).count() == total);
            Map<Long, String> accepted = new LinkedHashMap<>();
            front.lines().stream().filter(l -> l.startsWith("accepted ")).forEach(l -> accepted.put(
                    Long.parseLong(l.split(" ")[1]), l.split(" ")[2]));
            assertThat(front.lines().stream().filter(l -> l.startsWith("accepted ")))
                    .as("no worker ran yet, and the frontend said so").allMatch(l -> l.endsWith(" waiting"));
            long slow = accepted.keySet().iterator().next();
            assertThat(accepted.get(slow)).isEqualTo("slowpoke");

            List<Node> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                workers.add(start("worker", "w" + i, server.url(), perUser));
            }
            workers.forEach(Node::awaitReady);
            front.await(lines -> lines.contains("event " + slow + " started chat-slowpoke"));
            String holder = holder(queue, observer, slow, signals);
            Node killed = workers.stream().filter(w -> w.name.equals(holder)).findFirst().orElseThrow();
            killed.kill();
            assertThat(observer.generations().find(slow).orElseThrow().status())
                    .as("the slow job was running when its worker died").isEqualTo(GenerationStatus.RUNNING);

            front.await(lines -> doneIds(lines).size() >= total / 3);
            drain(signals);
            front.kill();
            Set<Long> deliveredBeforeKill = new HashSet<>(doneIds(front.lines()));
            int finishedWhileDown = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (finishedWhileDown < 2 && System.nanoTime() < deadline) {
                finishedWhileDown += (int) signals.await(Duration.ofSeconds(5)).stream()
                        .filter(s -> s.channel() == QueueListener.Channel.FINISHED).count();
            }
            Set<Long> doneWhileDown = accepted.keySet().stream().filter(id -> !deliveredBeforeKill.contains(id))
                    .filter(id -> observer.generations().find(id).orElseThrow().status() == GenerationStatus.DONE)
                    .collect(Collectors.toSet());
            assertThat(doneWhileDown).as("jobs finished while no frontend ran").isNotEmpty();

            Node back = start("frontend", "front", server.url(), perUser);
            back.awaitReady();
            back.await(lines -> {
                Set<Long> done = new HashSet<>(deliveredBeforeKill);
                done.addAll(doneIds(lines));
                return done.containsAll(accepted.keySet());
            });

            Map<Long, Integer> deliveries = new HashMap<>();
            for (List<String> lines : List.of(front.lines(), back.lines())) {
                lines.stream().filter(l -> l.matches("event \\d+ done .*"))
                        .forEach(l -> deliveries.merge(Long.parseLong(l.split(" ")[1]), 1, Integer::sum));
            }
            assertThat(doneIds(back.lines())).as("results finished meanwhile, delivered by the frontend back")
                    .containsAll(doneWhileDown);
            List<Long> twice = deliveries.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertThat(twice).as("delivered twice: at most the one the frontend's SIGKILL caught between sending it "
                    + "and marking it").hasSizeLessThanOrEqualTo(1);
            List<Generation> generations = new ArrayList<>();
            for (long id : accepted.keySet()) {
                Generation g = observer.generations().find(id).orElseThrow();
                generations.add(g);
                assertThat(g.status()).as("job %d", id).isEqualTo(GenerationStatus.DONE);
                assertThat(g.images()).as("job %d has exactly its one image", id).hasSize(1);
                // Another lease can run out too when this machine starves a worker for seconds; the job is still
                // completed once (by the lease holder), which the jobs-done count below checks.
                assertThat(g.attempts()).as("job %d's attempts", id).isBetween(id == slow ? 2 : 1, 3);
                assertThat(deliveries.get(id)).as("job %d delivered", id).isBetween(1, 2);
            }
            assertThat(observer.generations().undelivered(Duration.ofDays(1))).as("every delivery marked").isEmpty();
            assertThat(queue.nodes().stream().mapToLong(ClusterQueue.Node::jobsDone).sum())
                    .as("the workers completed each job once").isEqualTo(total);
            assertThat(queue.nodes().stream().filter(n -> n.name().equals(holder)).findFirst().orElseThrow()
                    .jobsDone()).as("the killed worker never completed the slow job").isLessThan(total);

            // Fairness across workers: the first round of claims serves each user once, give or take the claims
            // that raced each other (at most one per other worker).
            List<String> firstRound = generations.stream().filter(g -> g.id() != slow)
                    .sorted(Comparator.comparing(Generation::startedAt)).limit(users)
                    .map(g -> accepted.get(g.id())).toList();
            assertThat(new HashSet<>(firstRound)).as("users served in the first %d claims: %s", users, firstRound)
                    .hasSizeGreaterThanOrEqualTo(users - 4);

            HttpClient http = HttpClient.newHttpClient();
            Node alive = workers.stream().filter(w -> w != killed).findFirst().orElseThrow();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alive.port
                    + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"role\":\"worker\"").contains("\"engine\":{\"status\":\"ok\"");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + back.port
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("imagine_cluster_queue_depth 0.0").contains("imagine_cluster_workers_alive 2.0")
                    .contains("imagine_cluster_worker_jobs{node=\"" + alive.name + "\"}")
                    .contains("imagine_cluster_lease_expiries_total");

            // Every worker stops: the frontend still queues, within the per-user cap, and says no worker runs.
            for (Node worker : workers) {
                if (worker != killed) {
                    worker.process.destroy();
                    assertThat(worker.process.waitFor(2, TimeUnit.MINUTES)).isTrue();
                }
            }
            back.send("submit late " + (perUser + 1) + " " + STEPS);
            back.await(lines -> lines.contains("submitted late"));
            List<String> late = back.lines().stream().filter(l -> l.matches("(accepted \\d+|rejected) late.*"))
                    .toList();
            assertThat(late).hasSize(perUser + 1);
            assertThat(late.subList(0, perUser)).allMatch(l -> l.startsWith("accepted ") && l.endsWith(" waiting"));
            assertThat(late.get(perUser)).isEqualTo("rejected late You already have " + perUser + " jobs queued or "
                    + "running (the limit is " + perUser + "); wait for one to finish or cancel one.");
            assertThat(back.lines()).anyMatch(l -> l.contains(" queued chat-late ") && l.endsWith(Messages.NO_WORKER));
            assertThat(queue.depth()).isEqualTo(perUser);
            // A cancel typed at the frontend reaches the shared queue; the cancelled jobs come back as events.
            back.send("say late /cancel");
            List<Long> lateIds = late.subList(0, perUser).stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
            back.await(lines -> lateIds.stream().allMatch(id -> lines.contains("event " + id + " cancelled chat-late")));
            assertThat(queue.depth()).isZero();
            System.out.printf("cluster: %d jobs from %d users on 3 workers; %s killed in job %d, which finished as "
                    + "attempt %d elsewhere; %d other jobs needed a second attempt; %d finished while the frontend "
                    + "was down; %d delivered twice%n", total, users + 1, holder, slow,
                    generations.stream().filter(g -> g.id() == slow).findFirst().orElseThrow().attempts(),
                    generations.stream().filter(g -> g.id() != slow && g.attempts() > 1).count(),
                    doneWhileDown.size(), twice.size());
        }
    }

    private static Set<Long> doneIds(List<String> lines) {
        return lines.stream().filter(l -> l.matches("event \\d+ done .*")).map(l -> Long.parseLong(l.split(" ")[1]))
                .collect(Collectors.toSet());
    }

    /**
     * The node that holds job {@code id}'s lease now. A starved machine can let the first lease run out before the
     * kill, and the job waits in the queue until the next claim; the job is never allowed to be finished or failed.
     */
    private static String holder(ClusterQueue queue, Storage observer, long id, QueueListener signals) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ClusterQueue.Node> holder = queue.nodes().stream().filter(n -> n.running().contains(id))
                    .findFirst();
            if (holder.isPresent()) {
                return holder.get().name();
            }
            Generation job = observer.generations().find(id).orElseThrow();
            assertThat(job.status()).as("job %d, which no node holds (attempt %d)", id, job.attempts())
                    .isIn(GenerationStatus.QUEUED, GenerationStatus.RUNNING);
            signals.await(Duration.ofMillis(100)); // the next claim's news, or a tenth of a second
        }
        throw new AssertionError("no worker took job " + id + " again within " + WAIT);
    }

    private static void drain(QueueListener signals) {
        while (!signals.await(Duration.ofMillis(1)).isEmpty()) {
            // signals from before the frontend's kill are not counted
        }
    }

    private Node start(String role, String name, String url, int cap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path data = dir.resolve("data-" + name);
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ClusterDriver.class.getName(), role, name, url, data.toString(), dir.resolve("model").toString(),
                Integer.toString(cap)).redirectError(logs().resolve(name + "-" + nodes.size() + ".log").toFile()).start();
        Node node = new Node(name, process);
        nodes.add(node);
        return node;
    }

    /** Where the nodes' logs stay after the test, for a failure's story: {@code target/cluster-test}. */
    private static Path logs() throws IOException {
        return java.nio.file.Files.createDirectories(Path.of("target", "cluster-test"));
    }

    /** A child process and the lines it printed. */
    private static final class Node {
        final String name;
        final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Writer in;
        int port;

        Node(String name, Process process) {
            this.name = name;
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process died
                }
                synchronized (lines) {
                    lines.add("exited");
                    lines.notifyAll();
                }
            }, "read-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        void await(Predicate<List<String>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (lines) {
                while (!condition.test(lines)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || lines.contains("exited")) {
                        throw new AssertionError(name + " did not get there; its last lines: "
                                + lines.subList(Math.max(0, lines.size() - 20), lines.size()));
                    }
                    lines.wait(left);
                }
            }
        }

        void awaitReady() {
            try {
                await(l -> l.stream().anyMatch(line -> line.startsWith("ready ")));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            port = Integer.parseInt(lines().stream().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow()
                    .substring("ready ".length()));
        }

        void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        void kill() throws InterruptedException {
            assertThat(process.toHandle().destroyForcibly()).isTrue();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
