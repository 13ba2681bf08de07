package dev.imagine.bot.service;

/**
 * A chat platform's connection (Discord, Telegram): it turns messages into dispatcher submissions and renders the
 * dispatcher's events for its platform. The service owns each adapter and closes it.
 */
public interface ChatAdapter extends AutoCloseable {

    /** The platform id jobs of this adapter carry, e.g. {@code telegram}. */
    String platform();

    /**
     * Connects and starts taking commands. Register the platform's event sink on the dispatcher before returning, so
     * events of jobs resumed after a restart reach it.
     *
     * @throws Exception when the platform cannot be reached or refuses the token; the message must not hold the token
     */
    void start(ServiceContext context) throws Exception;

    /** Stops taking new commands; events of running jobs are still rendered until {@link #close()}. */
    void stopIntake();

    /** Disconnects. */
    @Override
    void close();
}
