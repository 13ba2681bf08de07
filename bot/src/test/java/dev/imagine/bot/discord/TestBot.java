package dev.imagine.bot.discord;

import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.ImageEngine;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A Discord bot as the service builds it, over a storage folder: the real storage, journal, dispatcher (its worker not
 * started: tests run jobs with {@link #runJobs()}), command core and adapter, connected to a {@link FakeDiscord}.
 * Closing it and starting another over the same folder is a restart.
 */
final class TestBot implements AutoCloseable {
    /** Pictures up to 64 KB, so an oversized one is cheap to make. */
    static final CommandLimits LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024, 4096L * 4096L);
    static final DispatchLimits DISPATCH = new DispatchLimits(new RateLimit(100, 100, Duration.ofMinutes(1)),
            Map.of(), Map.of(), Set.of(), 10, 100, Duration.ofMinutes(10));

    final Storage storage;
    final Dispatcher dispatcher;
    final CommandCore core;
    final DiscordAdapter adapter;

    private TestBot(Storage storage, Dispatcher dispatcher, CommandCore core, DiscordAdapter adapter) {
        this.storage = storage;
        this.dispatcher = dispatcher;
        this.core = core;
        this.adapter = adapter;
    }

    static TestBot start(Path data, FakeDiscord fake, ImageEngine engine, FakeClock clock, DiscordOptions options)
            throws Exception {
        Storage storage = Storage.open(data);
        Dispatcher dispatcher = new Dispatcher(engine, new StorageJournal(storage, FakeEngine.MODEL), DISPATCH,
                Messages.JOB_NOTICES, clock, new SimpleMeterRegistry());
        CommandCore core = new CommandCore(dispatcher, storage, LIMITS);
        DiscordAdapter adapter = new DiscordAdapter(fake.settings(), options);
        try {
            adapter.start(core, dispatcher, clock);
        } catch (Exception | Error e) {
            dispatcher.shutdown(Duration.ZERO);
            storage.close();
            throw e;
        }
        return new TestBot(storage, dispatcher, core, adapter);
    }

    /** Options for tests: a short ready timeout, the server's upload limit. */
    static DiscordOptions options() {
        DiscordOptions defaults = DiscordOptions.defaults();
        return new DiscordOptions(defaults.progressInterval(), defaults.interactionLifetime(), 0,
                Duration.ofSeconds(15), Duration.ofSeconds(10), 2);
    }

    /** Runs every queued job on this thread; returns how many ran. */
    int runJobs() {
        int ran = 0;
        while (dispatcher.runNext()) {
            ran++;
        }
        return ran;
    }

    /** Waits until the adapter has nothing left to send. */
    void awaitIdle() throws InterruptedException {
        if (!adapter.awaitIdle(Duration.ofSeconds(10))) {
            throw new AssertionError("the Discord adapter was still busy after 10 s");
        }
    }

    @Override
    public void close() {
        adapter.close();
        dispatcher.shutdown(Duration.ZERO);
        storage.close();
    }
}
