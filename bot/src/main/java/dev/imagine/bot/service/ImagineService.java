package dev.imagine.bot.service;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.WorkerState;
import dev.imagine.bot.models.ModelStore;
import dev.imagine.config.CudaSettings;
import dev.imagine.config.EngineSettings;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.LimitSettings;
import dev.imagine.config.Platform;
import dev.imagine.config.PlatformUser;
import dev.imagine.config.RateLimit;
import dev.imagine.config.SafetySettings;
import dev.imagine.config.StorageSettings;
import dev.imagine.engine.CudaOptions;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.SafetyCheckerSource;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code imagine run}: storage, the engine (the model from the configuration), the dispatcher with its durable queue,
 * the operations endpoints and every configured chat adapter, started in that order and stopped in reverse. In a
 * cluster ({@code node.role}), a worker starts only storage, the engine and the endpoints and runs jobs from the
 * shared queue; a frontend starts everything but the engine and queues jobs for the workers. Owns all of
 * them; {@link #close(Duration)} stops intake, lets the running job finish for a bounded time or puts it back in the
 * queue, then closes the adapters, the engine and the database.
 */
public final class ImagineService {
    private static final Logger LOG = LoggerFactory.getLogger(ImagineService.class);

    private final Storage storage;
    private final ImageEngine engine;
    private final Dispatcher dispatcher;
    private final OpsServer ops;
    private final List<ChatAdapter> adapters;
    private final ServiceContext context;
    private final ClusterWorker worker;
    private final ClusterFront front;
    private boolean closed;

    private ImagineService(Storage storage, ImageEngine engine, Dispatcher dispatcher, OpsServer ops,
            List<ChatAdapter> adapters, ServiceContext context) {
        this(storage, engine, dispatcher, ops, adapters, context, null, null);
    }

    private ImagineService(Storage storage, ImageEngine engine, Dispatcher dispatcher, OpsServer ops,
            List<ChatAdapter> adapters, ServiceContext context, ClusterWorker worker, ClusterFront front) {
        this.storage = storage;
        this.engine = engine;
        this.dispatcher = dispatcher;
        this.ops = ops;
        this.adapters = adapters;
        this.context = context;
        this.worker = worker;
        this.front = front;
    }

    /** Starts the service with the system's monotonic ticker; see {@link #start(ImagineConfig, Map, Clock, Ticker)}. */
    public static ImagineService start(ImagineConfig config, Map<Platform, Function<ImagineConfig, ChatAdapter>>
            adapterFactories, Clock clock) throws Exception {
        return start(config, adapterFactories, clock, Ticker.systemTicker());
    }

    /**
     * Starts the service.
     *
     * @param clock wall-clock time for timestamps shown to users and stored
     * @param ticker monotonic nanoseconds for durations (rate limits, time limits, step times)
     * @param adapterFactories how to make the adapter of each platform; every configured platform must have one
     * @throws IllegalStateException when a configured platform has no adapter; everything opened so far is closed
     */
    public static ImagineService start(ImagineConfig config, Map<Platform, Function<ImagineConfig, ChatAdapter>>
            adapterFactories, Clock clock, Ticker ticker) throws Exception {
        switch (config.node().role()) {
            case WORKER:
                return startWorker(config, ticker);
            case FRONTEND:
                return startFrontend(config, adapterFactories, clock, ticker);
            default:
                return startAll(config, adapterFactories, clock, ticker);
        }
    }

    private static ImagineService startAll(ImagineConfig config, Map<Platform, Function<ImagineConfig, ChatAdapter>>
            adapterFactories, Clock clock, Ticker ticker) throws Exception {
        List<Platform> platforms = config.requireAdapters();
        for (Platform platform : platforms) {
            if (!adapterFactories.containsKey(platform)) {
                throw new IllegalStateException("the " + platform.name().toLowerCase(Locale.ROOT) + " adapter is not part of this "
                        + "build; remove its token from the configuration");
            }
        }
        config.warnings().forEach(warning -> LOG.warn("Configuration: {}", warning));
        Ports.requireFree(config, platforms);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Storage storage = track(opened, Storage.open(storageOptions(config.storage())));
            ModelStore models = new ModelStore(config.models().dir());
            ImageEngine engine = track(opened, ImageEngine.open(models.resolve(config.engine().model()),
                    engineOptions(config.engine()).withSafetyChecker(safetyChecker(config.safety()))));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            StorageJournal journal = new StorageJournal(storage, engine.model());
            Dispatcher dispatcher = new Dispatcher(engine, journal, dispatchLimits(config.limits()),
                    Messages.JOB_NOTICES, ticker, metrics, RateBuckets.forStorage(storage, ticker));
            ServiceContext context = new ServiceContext(dispatcher, storage, engine.model(), config, clock);
            OpsServer ops = null;
            if (config.operations().enabled()) {
                ops = track(opened, new OpsServer(config.operations().bindAddress(), config.operations().port(), metrics,
                        new Health(dispatcher, engine.model(), storage)::check));
            }
            List<ChatAdapter> adapters = new ArrayList<>();
            for (Platform platform : platforms) {
                ChatAdapter adapter = track(opened, adapterFactories.get(platform).apply(config));
                adapter.start(context);
                adapters.add(adapter);
            }
            dispatcher.recover();
            dispatcher.start();
            LOG.info("imagine is running: model {} on {}; adapters {}{}", engine.model().name(), engine.model().device(),
                    platforms, ops == null ? "" : "; health and metrics on http://" + config.operations().bindAddress()
                            + ":" + ops.port());
            return new ImagineService(storage, engine, dispatcher, ops, adapters, context);
        } catch (Exception | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * A worker: storage and the engine, registered as a node, claiming jobs from the shared queue; no chat adapter
     * and no web chat.
     */
    private static ImagineService startWorker(ImagineConfig config, Ticker ticker) throws Exception {
        config.warnings().forEach(warning -> LOG.warn("Configuration: {}", warning));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Storage storage = track(opened, Storage.open(storageOptions(config.storage())));
            ModelStore models = new ModelStore(config.models().dir());
            ImageEngine engine = track(opened, ImageEngine.open(models.resolve(config.engine().model()),
                    engineOptions(config.engine()).withSafetyChecker(safetyChecker(config.safety()))));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ClusterSettings settings = ClusterSettings.of(config);
            ClusterMetrics clusterMetrics = new ClusterMetrics(metrics, storage.queue(), settings.leaseTimeout());
            ClusterWorker worker = new ClusterWorker(storage, engine, settings, clusterMetrics, Messages.JOB_NOTICES,
                    ticker);
            OpsServer ops = null;
            if (config.operations().enabled()) {
                ops = track(opened, new OpsServer(config.operations().bindAddress(), config.operations().port(),
                        metrics, new ClusterHealth(config.node(), engine.model(), storage, worker::alive,
                                worker::runningJob, settings.leaseTimeout())::check, clusterMetrics::refresh));
            }
            worker.start();
            LOG.info("imagine worker {} is running: model {} on {}{}", settings.nodeName(), engine.model().name(),
                    engine.model().device(), ops == null ? "" : "; health and metrics on http://"
                            + config.operations().bindAddress() + ":" + ops.port());
            return new ImagineService(storage, engine, null, ops, List.of(), null, worker, null);
        } catch (Exception | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * A frontend: storage, the chat adapters and the web chat over a dispatcher whose jobs go into the shared queue;
     * it reads the model once for its defaults (on the CPU, then closes it) and runs no job.
     */
    private static ImagineService startFrontend(ImagineConfig config,
            Map<Platform, Function<ImagineConfig, ChatAdapter>> adapterFactories, Clock clock, Ticker ticker)
            throws Exception {
        List<Platform> platforms = config.requireAdapters();
        for (Platform platform : platforms) {
            if (!adapterFactories.containsKey(platform)) {
                throw new IllegalStateException("the " + platform.name().toLowerCase(Locale.ROOT) + " adapter is not "
                        + "part of this build; remove its token from the configuration");
            }
        }
        config.warnings().forEach(warning -> LOG.warn("Configuration: {}", warning));
        Ports.requireFree(config, platforms);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Storage storage = track(opened, Storage.open(storageOptions(config.storage())));
            ModelStore models = new ModelStore(config.models().dir());
            ModelInfo model;
            try (ImageEngine described = ImageEngine.open(models.resolve(config.engine().model()),
                    engineOptions(config.engine()).withDevice(ExecutionDevice.parse("cpu"))
                            .withSafetyChecker(SafetyCheckerSource.off()))) {
                model = described.model();
            }
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ClusterSettings settings = ClusterSettings.of(config);
            ClusterMetrics clusterMetrics = new ClusterMetrics(metrics, storage.queue(), settings.leaseTimeout());
            StorageJournal journal = new StorageJournal(storage, model);
            ClusterFront front = track(opened, new ClusterFront(storage, journal, model, settings, clusterMetrics));
            Dispatcher dispatcher = Dispatcher.frontend(front, journal, dispatchLimits(config.limits()),
                    Messages.JOB_NOTICES, ticker, metrics, RateBuckets.forStorage(storage, ticker));
            ServiceContext context = new ServiceContext(dispatcher, storage, model, config, clock);
            OpsServer ops = null;
            if (config.operations().enabled()) {
                ops = track(opened, new OpsServer(config.operations().bindAddress(), config.operations().port(),
                        metrics, new ClusterHealth(config.node(), model, storage,
                                () -> dispatcher.workerState().thread() == WorkerState.Thread.ALIVE,
                                java.util.Optional::empty, settings.leaseTimeout())::check, clusterMetrics::refresh));
            }
            List<ChatAdapter> adapters = new ArrayList<>();
            for (Platform platform : platforms) {
                ChatAdapter adapter = track(opened, adapterFactories.get(platform).apply(config));
                adapter.start(context);
                adapters.add(adapter);
            }
            dispatcher.recover();
            dispatcher.start();
            LOG.info("imagine frontend {} is running: adapters {}{}", settings.nodeName(), platforms,
                    ops == null ? "" : "; health and metrics on http://" + config.operations().bindAddress() + ":"
                            + ops.port());
            return new ImagineService(storage, null, dispatcher, ops, adapters, context, null, front);
        } catch (Exception | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T part) {
        opened.add(0, part);
        return part;
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * How to open storage: the embedded H2 file in {@code storage.dir}, or the PostgreSQL server of
     * {@code storage.url} with {@code storage.user} and the password from {@code IMAGINE_DB_PASSWORD}.
     */
    public static StorageOptions storageOptions(StorageSettings storage) {
        String password = System.getenv(StorageSettings.PASSWORD_VARIABLE);
        DatabaseServer server = storage.url().map(url -> new DatabaseServer(url, storage.user().orElse(null),
                password == null || password.isBlank() ? null : password)).orElse(null);
        return StorageOptions.of(storage.dir()).withServer(server);
    }

    static EngineOptions engineOptions(EngineSettings engine) {
        CudaSettings cuda = engine.cuda();
        CudaOptions options = new CudaOptions(cuda.memoryLimit(),
                CudaOptions.ConvAlgorithmSearch.valueOf(cuda.convAlgoSearch().name()),
                CudaOptions.ArenaStrategy.valueOf(cuda.arenaStrategy().name()));
        return new EngineOptions(ExecutionDevice.parse(engine.device()), engine.threads(), 0, options, engine.maxSide(),
                engine.maxPromptChunks(), PromptSyntax.parse(engine.promptSyntax()), null);
    }

    static SafetyCheckerSource safetyChecker(SafetySettings safety) {
        switch (safety.checkerMode()) {
            case OFF:
                return SafetyCheckerSource.off();
            case FOLDER:
                return SafetyCheckerSource.folder(safety.checkerFolder().orElseThrow());
            default:
                return SafetyCheckerSource.auto();
        }
    }

    static DispatchLimits dispatchLimits(LimitSettings limits) {
        Map<String, RateLimit> users = new HashMap<>();
        limits.users().forEach((user, rate) -> users.put(key(user), rate));
        Map<String, RateLimit> roles = new HashMap<>();
        limits.roles().forEach((role, rate) -> roles.put(Long.toString(role), rate));
        Set<String> admins = new HashSet<>();
        limits.admins().forEach(user -> admins.add(key(user)));
        return new DispatchLimits(limits.rate(), users, roles, admins, limits.maxJobsPerUser(),
                limits.queueCapacity(), limits.jobTimeLimit());
    }

    private static String key(PlatformUser user) {
        return user.platform().name().toLowerCase(Locale.ROOT) + ":" + user.id();
    }

    /** The dispatcher, for adapters started outside the service (tests). */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** What adapters were given. */
    public ServiceContext context() {
        return context;
    }

    /** The port of the operations endpoints, or -1 when they are off. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Stops: adapters take no new commands, the running job finishes within {@code grace} or goes back to the queue
     * for the next start, then adapters, the endpoints, the engine and the database close. Idempotent.
     */
    public synchronized void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping: no new jobs; waiting up to {} for the running one", grace);
        if (worker != null) {
            if (!worker.shutdown(grace)) {
                LOG.warn("The running job did not stop in time; waiting for its current step before closing the engine");
            }
            List<AutoCloseable> parts = new ArrayList<>();
            if (ops != null) {
                parts.add(ops);
            }
            parts.add(engine);
            parts.add(storage);
            closeAll(parts);
            LOG.info("Stopped");
            return;
        }
        for (ChatAdapter adapter : adapters) {
            try {
                adapter.stopIntake();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {} intake failed: {}", adapter.platform(), e.toString());
            }
        }
        boolean stopped = dispatcher.shutdown(grace);
        if (!stopped) {
            // The engine's close waits for the generation still inside its sessions (cancelled at its next step).
            LOG.warn("The running job did not stop in time; waiting for its current step before closing the engine");
        }
        List<AutoCloseable> parts = new ArrayList<>(adapters);
        if (ops != null) {
            parts.add(ops);
        }
        if (front != null) {
            parts.add(front);
        }
        if (engine != null) {
            parts.add(engine);
        }
        parts.add(storage);
        closeAll(parts);
        LOG.info("Stopped");
    }
}
