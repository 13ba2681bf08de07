package dev.imagine.storage;

/**
 * Where a chat request came from and where its answer goes, so a restarted bot can still reply. Ids are the
 * platform's own, as text (at most 64 characters each); any may be {@code null}.
 *
 * @param guildId the Discord server; {@code null} for direct messages and on Telegram
 * @param channelId the Discord channel or the Telegram chat
 * @param requestMessageId the user's message that asked for the generation
 * @param replyMessageId the bot's message that shows progress and the result, once sent
 */
public record ReplyTarget(String guildId, String channelId, String requestMessageId, String replyMessageId) {

    /** No chat at all, e.g. the command line. */
    public static final ReplyTarget NONE = new ReplyTarget(null, null, null, null);

    /** Validates the ids. */
    public ReplyTarget {
        Checks.id("the guild id", guildId, 64);
        Checks.id("the channel id", channelId, 64);
        Checks.id("the request message id", requestMessageId, 64);
        Checks.id("the reply message id", replyMessageId, 64);
    }
}
