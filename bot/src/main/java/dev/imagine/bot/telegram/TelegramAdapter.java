package dev.imagine.bot.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ServiceContext;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.TelegramSettings;
import dev.imagine.storage.ChatIntake;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.longpolling.BotSession;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.util.DefaultGetUpdatesGenerator;
import org.telegram.telegrambots.longpolling.util.TelegramOkHttpClientFactory;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The Telegram adapter, on the TelegramBots client: long polling for messages and button presses, the command core
 * for what they mean, and a flood-controlled sender for everything it shows (see {@link FloodControl}). Every Bot API
 * call and every file download goes to the configured {@code telegram.api-url}, so a self-hosted Bot API server
 * works; the token is used only in those URLs and never reaches a log line or an exception message.
 *
 * <p>Threads: TelegramBots' poller, one thread that handles updates in order, and one that sends. All are daemons
 * and {@link #close()} stops them. The service owns this adapter; this adapter owns its HTTP client and threads but
 * not the dispatcher, the storage or the core.
 */
public final class TelegramAdapter implements ChatAdapter {
    /** The platform id on jobs, users and settings. */
    public static final String PLATFORM = "telegram";

    private static final Logger LOG = LoggerFactory.getLogger(TelegramAdapter.class);
    private static final List<String> UPDATE_KINDS = List.of("message", "callback_query");
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final TelegramSettings settings;
    private final Pacer pacer;
    private final ReentrantLock progress = new ReentrantLock();
    private final Condition handledMore = progress.newCondition();
    private long lastHandledUpdate;

    private OkHttpClient http;
    private ScheduledExecutorService pollThread;
    private ExecutorService updateThread;
    private TelegramBotsLongPollingApplication polling;
    private BotSession session;
    private Sender sender;
    private UpdateHandler handler;
    private Redactor redactor;
    private ChatIntake intake;
    private String account;
    private volatile long handledThrough;
    private boolean closed;

    /** An adapter for the configured bot; {@link #start} connects it. */
    public TelegramAdapter(TelegramSettings settings) {
        this(settings, Pacer.SYSTEM);
    }

    TelegramAdapter(TelegramSettings settings, Pacer pacer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    /** The factory the service's adapter map holds. */
    public static ChatAdapter create(ImagineConfig config) {
        return new TelegramAdapter(config.telegram());
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    /**
     * Checks the token ({@code getMe}), registers the job sink, and starts polling.
     *
     * @throws IllegalStateException when there is no token, the URL cannot be used, or Telegram refuses the token or
     *     cannot be reached; the message holds no token
     */
    @Override
    public void start(ServiceContext context) {
        start(context.commandCore(), context.dispatcher(), context.storage().intake());
    }

    /**
     * {@link #start(ServiceContext)} with a core the caller made; {@code intake} records how far the bot's updates
     * were handled.
     */
    synchronized void start(CommandCore core, Dispatcher dispatcher, ChatIntake intake) {
        if (http != null) {
            throw new IllegalStateException("the Telegram adapter was already started");
        }
        String token = settings.token().orElseThrow(() -> new IllegalStateException(
                "telegram.token is not set (or IMAGINE_TELEGRAM_TOKEN)")).reveal();
        TelegramUrl url = telegramUrl(settings.apiUrl());
        redactor = new Redactor(token);
        http = new TelegramOkHttpClientFactory.DefaultOkHttpClientCreator().get();
        BotApi api = new BotApi(new OkHttpTelegramClient(http, token, url), redactor, pacer, BotApi.BACKOFF);
        User me;
        try {
            me = api.getMe();
        } catch (BotApi.ApiFailure e) {
            close();
            throw new IllegalStateException("Telegram at " + settings.apiUrl() + " did not accept the bot token or could"
                    + " not be reached: " + e.getMessage());
        }
        this.intake = Objects.requireNonNull(intake, "intake");
        account = Long.toString(me.getId());
        try {
            handledThrough = intake.handledThrough(PLATFORM, account);
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("How far this bot's Telegram updates were handled could not be read: "
                    + redactor.describe(e));
        }
        sender = new Sender(pacer, redactor);
        JobRenderer renderer = new JobRenderer(api, sender, dispatcher, pacer, core.safety());
        HttpUrl base = new HttpUrl.Builder().scheme(url.getSchema()).host(url.getHost()).port(url.getPort()).build();
        handler = new UpdateHandler(core, api, sender, renderer, new ChatAdmins(api, pacer),
                new PictureFetcher(api, http, base, token, redactor), me);
        dispatcher.registerSink(PLATFORM, renderer);
        sender.start();
        updateThread = Executors.newSingleThreadExecutor(daemon("telegram-updates"));
        pollThread = Executors.newSingleThreadScheduledExecutor(daemon("telegram-poll"));
        polling = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> http, () -> pollThread);
        try {
            DefaultGetUpdatesGenerator after = new DefaultGetUpdatesGenerator(UPDATE_KINDS);
            // The first request after a restart confirms to Telegram what the last run handled, so it is not sent
            // again; later ones confirm what this run has handled (see consume).
            long restartAfter = handledThrough;
            session = polling.registerBot(token, () -> url,
                    received -> after.apply((int) Math.max(received, restartAfter)), this::consume);
        } catch (TelegramApiException | RuntimeException e) {
            close();
            throw new IllegalStateException("Polling Telegram for updates did not start: " + redactor.describe(e));
        }
        LOG.info("Telegram: polling {} as @{}", settings.apiUrl(), me.getUserName());
    }

    /**
     * The Bot API server as TelegramBots takes it: scheme, host and port. TelegramBots adds {@code /bot<token>/...}
     * itself, so a URL with a path cannot be used.
     */
    static TelegramUrl telegramUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalStateException("telegram.api-url must be an http or https URL such as "
                    + TelegramSettings.DEFAULT_API_URL + ", got " + uri);
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
            throw new IllegalStateException("telegram.api-url must be the Bot API server's root, such as "
                    + TelegramSettings.DEFAULT_API_URL + " or http://127.0.0.1:8081, without a path or query; got "
                    + uri);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    /**
     * Hands the updates to the update thread and returns once they are handled: the poller's next request tells
     * Telegram they may be forgotten, so one still waiting here when the process dies is sent again after a restart
     * instead of being lost. Updates handled before (recorded in {@link ChatIntake}) are skipped.
     */
    private void consume(List<Update> updates) {
        List<Future<?>> handling = new ArrayList<>();
        for (Update update : updates) {
            if (update.getUpdateId() <= handledThrough) {
                continue;
            }
            try {
                handling.add(updateThread.submit(() -> handle(update)));
            } catch (RejectedExecutionException e) {
                LOG.info("Update {} arrived while stopping; Telegram sends it again after the restart",
                        update.getUpdateId());
            }
        }
        for (Future<?> each : handling) {
            try {
                each.get();
            } catch (InterruptedException e) {
                // Stopping: what is not handled yet is not confirmed to Telegram either.
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.error("Handling an update failed: {}", redactor.describe(e.getCause()));
            }
        }
    }

    private void handle(Update update) {
        try {
            handler.handle(update);
        } catch (RuntimeException e) {
            LOG.error("Update {} could not be handled: {}", update.getUpdateId(), redactor.describe(e));
        } finally {
            record(update.getUpdateId());
            progress.lock();
            try {
                lastHandledUpdate = Math.max(lastHandledUpdate, update.getUpdateId());
                handledMore.signalAll();
            } finally {
                progress.unlock();
            }
        }
    }

    /**
     * Records an update as handled, so a restart neither asks Telegram for it again nor handles it twice. A SIGKILL
     * between the handling and this record makes the next run handle that one update again; a failure to record is
     * logged and costs the same after a restart.
     */
    private void record(long updateId) {
        try {
            intake.handled(PLATFORM, account, updateId);
            handledThrough = Math.max(handledThrough, updateId);
        } catch (RuntimeException e) {
            LOG.warn("Update {} is handled but could not be recorded as such; a restart may handle it again: {}",
                    updateId, redactor.describe(e));
        }
    }

    /**
     * Waits (real time) until the update with id {@code updateId} or a later one has been handled.
     *
     * @return false when {@code timeout} passed first
     */
    boolean awaitHandled(long updateId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        progress.lock();
        try {
            while (lastHandledUpdate < updateId) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                handledMore.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            progress.unlock();
        }
    }

    /**
     * Waits (real time) until the sender has nothing left to send.
     *
     * @return false when {@code timeout} passed first
     */
    boolean awaitSent(Duration timeout) {
        return sender != null && sender.awaitIdle(timeout);
    }

    /** Stops polling; updates already received are still handled, and job events still rendered. */
    @Override
    public synchronized void stopIntake() {
        if (session != null) {
            session.stop();
        }
    }

    /**
     * Stops polling, handles the updates already received, sends what is waiting for up to ten seconds, then stops
     * the threads and the HTTP client. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopIntake();
        stop(pollThread, Duration.ofSeconds(2));
        stop(updateThread, Duration.ofSeconds(5));
        if (sender != null) {
            sender.close(DRAIN);
        }
        if (polling != null) {
            try {
                polling.close();
            } catch (Exception e) {
                LOG.debug("Closing the poller: {}", redactor.describe(e));
            }
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private static void stop(ExecutorService executor, Duration grace) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
