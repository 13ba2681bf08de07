package dev.imagine.bot.discord;

import java.time.Duration;

/**
 * The adapter's timings and limits that Discord sets rather than the configuration. Tests shorten them or pin the
 * upload limit.
 *
 * @param progressInterval the least time between two progress edits of a status message (Discord rate-limits edits)
 * @param interactionLifetime how long after an interaction arrives its token is used; after that results go to the
 *     channel as normal messages. Discord's tokens live 15 minutes; the default leaves half a minute for an upload
 * @param uploadLimit the largest file to attach, in bytes; 0 for what the server allows (its boost tier) or
 *     Discord's default in direct messages
 * @param readyTimeout how long {@link DiscordAdapter#start} waits for the gateway's READY and the servers
 * @param downloadTimeout how long a user's attachment may take to download
 * @param workers threads that handle commands and deliver messages
 */
record DiscordOptions(Duration progressInterval, Duration interactionLifetime, long uploadLimit,
        Duration readyTimeout, Duration downloadTimeout, int workers) {

    /** Validates. */
    DiscordOptions {
        if (progressInterval.isNegative() || interactionLifetime.isNegative() || readyTimeout.isNegative()
                || downloadTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (uploadLimit < 0 || workers < 1) {
            throw new IllegalArgumentException("the upload limit must be 0 or more and the workers 1 or more");
        }
    }

    /** Progress edits at most every 1.5 s, tokens used for 14.5 minutes, the server's upload limit. */
    static DiscordOptions defaults() {
        return new DiscordOptions(Duration.ofMillis(1500), Duration.ofMinutes(15).minusSeconds(30), 0,
                Duration.ofMinutes(1), Duration.ofSeconds(30), 4);
    }

    /** These options with another upload limit. */
    DiscordOptions withUploadLimit(long bytes) {
        return new DiscordOptions(progressInterval, interactionLifetime, bytes, readyTimeout, downloadTimeout, workers);
    }
}
