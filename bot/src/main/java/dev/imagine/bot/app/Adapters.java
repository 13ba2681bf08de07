package dev.imagine.bot.app;

import dev.imagine.bot.discord.DiscordAdapter;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.telegram.TelegramAdapter;
import dev.imagine.bot.web.WebAdapter;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The chat adapters this build has, by platform. This is the one place that names the adapters, so the service, the
 * dispatcher and the command core know none of them.
 */
public final class Adapters {
    private Adapters() {
    }

    /** A new map of every adapter factory of this build. */
    public static Map<Platform, Function<ImagineConfig, ChatAdapter>> available() {
        Map<Platform, Function<ImagineConfig, ChatAdapter>> factories = new EnumMap<>(Platform.class);
        factories.put(Platform.TELEGRAM, TelegramAdapter::create);
        factories.put(Platform.DISCORD, config -> new DiscordAdapter(config.discord()));
        factories.put(Platform.WEB, WebAdapter::create);
        return factories;
    }
}
