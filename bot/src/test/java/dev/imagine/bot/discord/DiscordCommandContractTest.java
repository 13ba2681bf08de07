package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.CommandContract;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.dispatch.Dispatcher;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;

/**
 * The command contract on Discord: every user action goes through {@link FakeDiscord}'s gateway to the real JDA
 * client and the adapter, and what users see is read from the messages the adapter made there. The fake server lives
 * across the contract's restarts, as Discord does, so old buttons are pressed on the messages that show them.
 */
class DiscordCommandContractTest extends CommandContract {

    @AutoClose
    final FakeDiscord fake = FakeDiscord.start();

    @AfterEach
    void everyInteractionWasAcknowledgedWithinThreeSeconds() {
        assertThat(fake.lateAcknowledgements()).isEmpty();
    }

    @Override
    protected PlatformDriver connect(CommandCore core, Dispatcher dispatcher) {
        DiscordAdapter adapter = new DiscordAdapter(fake.settings(), TestBot.options());
        try {
            adapter.start(core, dispatcher, Clock.systemUTC());
        } catch (Exception e) {
            throw new IllegalStateException("the Discord adapter did not start", e);
        }
        return new DiscordDriver(fake, adapter);
    }
}
