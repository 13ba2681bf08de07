package dev.imagine.bot.models;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** A failure worth retrying: the network dropped, stalled, or the server answered 5xx or 429. */
final class TransientException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    TransientException(String message) {
        this(message, null);
    }

    TransientException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked us to wait, when it did. */
    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
