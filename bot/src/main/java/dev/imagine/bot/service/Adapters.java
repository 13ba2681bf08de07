package dev.imagine.bot.service;

import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/** The chat adapters this build has, by platform. */
public final class Adapters {
    private Adapters() {
    }

    /** A new map of every adapter factory of this build. */
    public static Map<Platform, Function<ImagineConfig, ChatAdapter>> available() {
        Map<Platform, Function<ImagineConfig, ChatAdapter>> factories = new EnumMap<>(Platform.class);
        factories.put(Platform.TELEGRAM, dev.imagine.bot.telegram.TelegramAdapter::create);
        factories.put(Platform.DISCORD, config -> new dev.imagine.bot.discord.DiscordAdapter(config.discord()));
        factories.put(Platform.WEB, dev.imagine.bot.web.WebAdapter::create);
        return factories;
    }
}
