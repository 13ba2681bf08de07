package dev.imagine.bot.dispatch;

/**
 * Where a job's events go, stored with the job so that an adapter can still deliver after a restart. Holds ids only,
 * never tokens (Discord interaction tokens expire and are credentials).
 *
 * @param platform the adapter that renders the events
 * @param guildId the server or group, when there is one
 * @param chatId the channel or chat
 * @param messageId the status message to edit or the message to reply to, when there is one
 */
public record ChatTarget(String platform, String guildId, String chatId, String messageId) {

    /** Validates. */
    public ChatTarget {
        Requester.requireText(platform, "platform");
        Requester.requireText(chatId, "chat id");
    }

    /** This target with another status message id. */
    public ChatTarget withMessageId(String id) {
        return new ChatTarget(platform, guildId, chatId, id);
    }
}
