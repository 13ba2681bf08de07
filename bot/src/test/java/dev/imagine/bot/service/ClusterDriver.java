package dev.imagine.bot.service;

import dev.imagine.bot.command.Caller;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A child process of {@link ClusterTest}: one node of a cluster on PostgreSQL, started through the real service.
 * A frontend stands in for Telegram with a chat adapter that prints every event it gets ({@code event ID TYPE CHAT},
 * a queued one followed by the sentence the chat would show) and confirms delivery of final events after printing
 * them; it reads {@code submit USER COUNT STEPS} lines on stdin, types each job as {@code /imagine} through the
 * command core the real adapters use (more than 100 steps: at 1024 pixels, a job that runs for seconds even on a warm JIT, else 128) and prints the reply as
 * {@code accepted ID USER [waiting]} (waiting: the reply says no worker runs) or {@code rejected USER SENTENCE}; {@code say USER TEXT} types any text and prints {@code reply USER TEXT}. Every node prints {@code ready PORT} (its operations port) once started and stops
 * cleanly on SIGTERM.
 */
public final class ClusterDriver {
    private ClusterDriver() {
    }

    static ImagineConfig config(String role, String name, String url, Path data, Path model, int cap) {
        return config(role, name, url, data, model, cap, null, "123:fake");
    }

    static ImagineConfig config(String role, String name, String url, Path data, Path model, int cap,
            String telegramApi, String token) {
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + data + "\n  url: \"" + url + "\"\n"
                + "operations:\n  enabled: true\n  port: 0\n" + "web:\n  enabled: false\n"
                + "limits:\n  max-jobs-per-user: " + cap + "\n  queue-capacity: 1000\n  lease-timeout: 5s\n"
                + "  max-attempts: 3\n  rate:\n    burst: 1000\n    refill: 1000\n    refill-period: 1m\n"
                + "node:\n  role: " + role + "\n  name: " + name + "\n"
                + (telegramApi == null ? "" : "telegram:\n  api-url: " + telegramApi + "\n");
        return ImagineConfig.parse(yaml, "test", data, Map.of(Platform.TELEGRAM.tokenVariable(), token));
    }

    /**
     * Arguments: role, node name, PostgreSQL URL (with its schema), data folder, model folder, per-user cap; then,
     * for a frontend with the real Telegram adapter instead of the printing one, a fake Bot API's URL and its token.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 7) {
            ImagineService service = ImagineService.start(config(args[0], args[1], args[2], Path.of(args[3]),
                    Path.of(args[4]), Integer.parseInt(args[5]), args[6], args[7]),
                    dev.imagine.bot.app.Adapters.available(), Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> service.close(Duration.ofSeconds(10))));
            print("ready " + service.opsPort());
            new java.util.concurrent.CountDownLatch(1).await();
        }
        ImagineConfig config = config(args[0], args[1], args[2], Path.of(args[3]), Path.of(args[4]),
                Integer.parseInt(args[5]));
        Printer adapter = new Printer();
        ImagineService service = ImagineService.start(config, Map.of(Platform.TELEGRAM, c -> adapter),
                Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> service.close(Duration.ofSeconds(10))));
        print("ready " + service.opsPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ");
            if (parts[0].equals("submit")) {
                for (int i = 0; i < Integer.parseInt(parts[2]); i++) {
                    adapter.submit(parts[1], i, Integer.parseInt(parts[3]));
                }
                print("submitted " + parts[1]);
            } else if (parts[0].equals("say")) {
                print("reply " + parts[1] + " " + adapter.say(parts[1], line.substring(line.indexOf(parts[1])
                        + parts[1].length() + 1)));
            }
        }
        // stdin closed: wait for a signal.
        new java.util.concurrent.CountDownLatch(1).await();
    }

    static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The chat adapter: prints events, confirms delivery of final ones. */
    private static final class Printer implements ChatAdapter {
        private volatile Dispatcher dispatcher;
        private volatile CommandCore core;

        @Override
        public String platform() {
            return "telegram";
        }

        @Override
        public void start(ServiceContext context) {
            dispatcher = context.dispatcher();
            core = context.commandCore();
            dispatcher.registerSink(platform(), (job, event) -> {
                String type = event instanceof JobEvent.Done ? "done" : event instanceof JobEvent.Failed ? "failed"
                        : event instanceof JobEvent.Cancelled ? "cancelled" : event instanceof JobEvent.Queued
                        ? "queued" : event instanceof JobEvent.Started ? "started" : "progress";
                String text = event instanceof JobEvent.Queued || event instanceof JobEvent.Failed
                        ? " " + Messages.status(event, 0) : "";
                print("event " + job.id() + " " + type + " " + job.target().chatId() + text);
                if (event.isFinal()) {
                    dispatcher.confirmDelivered(job.id());
                }
            });
        }

        /** Types {@code text} as the user would and returns the reply's text. */
        String say(String user, String text) {
            Reply reply = core.handleText(caller(user), text);
            return reply instanceof Reply.Text t ? t.text() : reply.toString();
        }

        private static Caller caller(String user) {
            return new Caller(new Requester("telegram", user, user), new ChatTarget("telegram", null, "chat-" + user,
                    null), false);
        }

        /** Types {@code /imagine} as the user would, through the command core the real adapters use. */
        void submit(String user, int index, int steps) {
            int side = steps > 100 ? 1024 : 128;
            Reply reply = core.handleText(caller(user), "/imagine " + user + " job "
                    + index + " --steps " + steps + " --seed " + index + " --size " + side + "x" + side);
            if (reply instanceof Reply.Queued queued) {
                print("accepted " + queued.generationId() + " " + user
                        + (queued.text().endsWith(Messages.NO_WORKER) ? " waiting" : ""));
            } else {
                print("rejected " + user + " " + ((Reply.Refused) reply).text());
            }
        }

        @Override
        public void stopIntake() {
        }

        @Override
        public void close() {
        }
    }
}
