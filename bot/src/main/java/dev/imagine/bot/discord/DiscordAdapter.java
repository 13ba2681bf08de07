package dev.imagine.bot.discord;

import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ServiceContext;
import dev.imagine.config.DiscordSettings;
import dev.imagine.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.attribute.IAgeRestrictedChannel;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.JDAInfo;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.Interaction;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * imagine on Discord, through JDA: slash commands ({@code /imagine} with typed options and an optional picture,
 * {@code /history}, {@code /rerun}, {@code /seed}, {@code /queue}, {@code /cancel}, {@code /settings}, {@code /help}),
 * registered in the servers of {@code discord.guild-ids} or globally, and buttons that carry the generation's id. The
 * work is the {@link CommandCore}'s; this adapter translates Discord's interactions into it and the dispatcher's events
 * into status messages and results.
 *
 * <p>The REST API is {@code discord.api-url}; the gateway is the one its {@code /gateway/bot} names, joined without
 * compression and with no privileged intents (interactions need none). The token is revealed only to JDA and to the
 * gateway lookup, never logged.
 *
 * <p>The service owns the adapter and closes it; the adapter owns its JDA session and its threads, and closes them.
 */
public final class DiscordAdapter implements ChatAdapter {
    /** The platform id of Discord jobs and users. */
    public static final String PLATFORM = "discord";

    private static final Logger LOG = LoggerFactory.getLogger(DiscordAdapter.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final DiscordSettings settings;
    private final DiscordOptions options;
    private final Activity activity = new Activity();
    private volatile JDA jda;
    private volatile ExecutorService workers;
    private volatile Interactions interactions;
    private volatile JobMessages messages;

    /** An adapter for the configured bot; {@link #start} connects it. */
    public DiscordAdapter(DiscordSettings settings) {
        this(settings, DiscordOptions.defaults());
    }

    DiscordAdapter(DiscordSettings settings, DiscordOptions options) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    /**
     * Connects, waits for the gateway's READY (at most a minute), registers the slash commands and the dispatcher
     * sink.
     *
     * @throws IllegalStateException when the token is missing or refused, or the gateway does not become ready
     */
    @Override
    public void start(ServiceContext context) throws Exception {
        start(context.commandCore(), context.dispatcher(), context.clock());
    }

    /** {@link #start(ServiceContext)} over a core and dispatcher the caller owns. */
    void start(CommandCore core, Dispatcher dispatcher, Clock clock) throws Exception {
        if (jda != null) {
            throw new IllegalStateException("already started");
        }
        Secret token = settings.token().orElseThrow(() -> new IllegalStateException(
                "discord.token is not set; set it or IMAGINE_DISCORD_TOKEN"));
        String apiBase = settings.apiUrl() + "/v" + JDAInfo.DISCORD_REST_VERSION + "/";
        GatewayLookup gateway = GatewayLookup.find(apiBase, token, options.readyTimeout());
        workers = Executors.newFixedThreadPool(options.workers(), threads());
        messages = new JobMessages(dispatcher, clock, options, activity, workers, new Channels(), core.safety());
        interactions = new Interactions(core, messages, options, clock, activity, workers, this::uploadLimit);
        CountDownLatch connected = new CountDownLatch(1);
        AtomicBoolean ready = new AtomicBoolean();
        try {
            jda = JDABuilder.createLight(token.reveal(), EnumSet.noneOf(GatewayIntent.class))
                    .setRestConfig(new RestConfig().setBaseUrl(apiBase))
                    .setSessionController(gateway)
                    .setCompression(Compression.NONE)
                    .setEnableShutdownHook(false)
                    .addEventListeners(interactions, new ListenerAdapter() {
                        @Override
                        public void onReady(ReadyEvent event) {
                            ready.set(true);
                            connected.countDown();
                        }

                        @Override
                        public void onShutdown(ShutdownEvent event) {
                            connected.countDown();
                        }
                    })
                    .build();
            boolean ended = connected.await(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ready.get()) {
                throw new IllegalStateException(ended
                        ? "Discord's gateway closed the session before it was ready (status " + jda.getStatus() + ")"
                        : "Discord's gateway did not become ready within " + options.readyTimeout().toSeconds()
                                + " s (status " + jda.getStatus() + ")");
            }
            registerCommands(core.limits());
        } catch (InvalidTokenException e) {
            close();
            throw new IllegalStateException("Discord refused the bot token (discord.token or IMAGINE_DISCORD_TOKEN); "
                    + "copy it again from the Developer Portal's Bot page");
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        dispatcher.registerSink(PLATFORM, messages);
        LOG.info("Discord: connected as {} in {} server(s); commands registered {}", jda.getSelfUser().getName(),
                jda.getGuildCache().size(), settings.guildIds().isEmpty() ? "globally" : "in " + settings.guildIds());
    }

    private void registerCommands(CommandLimits limits) {
        if (settings.guildIds().isEmpty()) {
            jda.updateCommands().addCommands(SlashCommands.all(limits, true)).complete();
            return;
        }
        for (long id : settings.guildIds()) {
            Guild guild = jda.getGuildById(id);
            if (guild == null) {
                LOG.warn("discord.guild-ids: the bot is not in server {}; invite it there or remove the id", id);
                continue;
            }
            guild.updateCommands().addCommands(SlashCommands.all(limits, false)).complete();
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "discord-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private long uploadLimit(Interaction interaction) {
        if (options.uploadLimit() > 0) {
            return options.uploadLimit();
        }
        return guildLimit(interaction.getGuild());
    }

    private static long guildLimit(Guild guild) {
        if (guild == null) {
            return Message.MAX_FILE_SIZE;
        }
        try {
            return guild.getMaxFileSize();
        } catch (RuntimeException e) {
            return Message.MAX_FILE_SIZE;
        }
    }

    /** Channels from JDA's cache; a direct-message channel is opened again when it is not cached. */
    private final class Channels implements JobMessages.Channels {
        @Override
        public CompletableFuture<MessageChannel> channel(Job job) {
            JDA api = jda;
            if (api == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            MessageChannel cached = api.getChannelById(MessageChannel.class, job.target().chatId());
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            if (job.target().guildId() == null) {
                return api.openPrivateChannelById(job.requester().userId()).submit()
                        .thenApply(channel -> (MessageChannel) channel);
            }
            return CompletableFuture.failedFuture(new IllegalStateException("channel " + job.target().chatId()
                    + " of server " + job.target().guildId() + " is unknown; the bot may have left it"));
        }

        @Override
        public long uploadLimit(Job job) {
            if (options.uploadLimit() > 0) {
                return options.uploadLimit();
            }
            JDA api = jda;
            String guildId = job.target().guildId();
            return guildLimit(api == null || guildId == null ? null : api.getGuildById(guildId));
        }

        @Override
        public boolean ageRestricted(Job job) {
            return DiscordAdapter.this.ageRestricted(job.target().chatId());
        }
    }

    /** Whether a channel in JDA's cache is marked age-restricted (NSFW); false when it is not cached. */
    boolean ageRestricted(String channelId) {
        JDA api = jda;
        if (api == null || channelId == null) {
            return false;
        }
        try {
            return api.getGuildChannelById(channelId) instanceof IAgeRestrictedChannel channel && channel.isNSFW();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void stopIntake() {
        Interactions current = interactions;
        if (current != null) {
            current.stopIntake();
        }
    }

    /** Waits until no interaction is being handled and no message is on its way; for tests and closing. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return activity.awaitIdle(timeout);
    }

    /**
     * Lets messages on their way go out (a few seconds at most), then disconnects and stops the threads. Job events
     * that arrive from now on are dropped; results not yet delivered are delivered again after the restart.
     */
    @Override
    public void close() {
        stopIntake();
        if (messages != null) {
            messages.close();
        }
        try {
            if (!activity.awaitIdle(CLOSE_GRACE)) {
                LOG.info("Discord: closing with messages still on their way; results are delivered after the restart");
            }
            JDA session = jda;
            if (session != null) {
                session.shutdown();
                if (!session.awaitShutdown(CLOSE_GRACE)) {
                    session.shutdownNow();
                }
            }
            if (workers != null) {
                workers.shutdown();
                // Storage closes after this: a worker may be marking a delivery, so it is let finish.
                while (!workers.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Discord: worker threads still busy after {} s; waiting for them", CLOSE_GRACE.toSeconds());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
