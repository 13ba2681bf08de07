package dev.imagine.bot.cli;

import dev.imagine.bot.app.Adapters;
import dev.imagine.bot.service.ImagineService;
import dev.imagine.config.ConfigException;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.NodeSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imagine run}: the chat bot service. Runs until SIGTERM or Ctrl-C, then stops taking jobs, lets the running
 * one finish (at most {@code --grace}) or puts it back in the queue, and closes everything.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the chat bot: storage, engine, dispatcher, health and metrics, the web chat and the "
                + "configured chat adapters.")
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default ./imagine.yaml).")
    Path config;

    @Option(names = "--model", paramLabel = "DIR|NAME", description = "The model; overrides engine.model. Without "
            + "--config and ./imagine.yaml every other setting takes its default (the web chat on 127.0.0.1:8080).")
    String model;

    @Option(names = "--role", paramLabel = "ROLE", description = "all (one process does everything; the default), "
            + "frontend (chat, web, intake and delivery) or worker (runs jobs); overrides node.role. frontend and "
            + "worker need storage.url (PostgreSQL).")
    String role;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a stop waits for the running job before putting it back in the queue (default 60).")
    long graceSeconds;

    @Override
    public Integer call() throws Exception {
        ImagineConfig settings = load();
        ImagineService service;
        try {
            service = ImagineService.start(settings, Adapters.available(), Clock.systemUTC());
        } catch (IllegalStateException | dev.imagine.engine.EngineException e) {
            // A refused token, an unreachable platform, a missing model: things the operator fixes.
            throw new UserException(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close(Duration.ofSeconds(graceSeconds));
            stopped.countDown();
        }, "imagine-shutdown"));
        stopped.await();
        return 0;
    }

    private ImagineConfig load() {
        try {
            ImagineConfig settings = ImagineConfig.load(Optional.ofNullable(config), Optional.ofNullable(model),
                    Path.of("").toAbsolutePath(), System.getenv());
            if (role != null) {
                NodeSettings.Role chosen;
                try {
                    chosen = NodeSettings.Role.parse(role);
                } catch (IllegalArgumentException e) {
                    throw new UserException("--role: " + e.getMessage(), e);
                }
                settings = settings.withRole(chosen);
            }
            settings.requireAdapters();
            return settings;
        } catch (ConfigException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
