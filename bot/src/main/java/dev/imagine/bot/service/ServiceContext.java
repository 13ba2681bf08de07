package dev.imagine.bot.service;

import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.config.ImagineConfig;
import dev.imagine.engine.ModelInfo;
import dev.imagine.storage.Storage;
import java.time.Clock;

/**
 * What an adapter gets from the service. The service owns all of it; adapters must not close any part.
 *
 * @param dispatcher where jobs go
 * @param storage history, settings and stored images
 * @param model the engine's model and its defaults
 * @param config the whole configuration
 * @param clock the service's time source
 */
public record ServiceContext(Dispatcher dispatcher, Storage storage, ModelInfo model, ImagineConfig config,
        Clock clock) {

    /**
     * A command core over this service's dispatcher and storage, with the configured limits and safety policy; each
     * adapter makes its own when it starts.
     */
    public CommandCore commandCore() {
        return new CommandCore(dispatcher, storage, CommandLimits.of(config.engine(), config.limits(), model),
                SafetyPolicy.of(config.safety()));
    }
}
