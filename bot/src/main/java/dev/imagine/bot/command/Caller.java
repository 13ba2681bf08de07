package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Requester;
import java.util.Objects;

/**
 * Who is asking and where, as the adapter saw it. The stored user is looked up by the requester's platform and user
 * id ({@code storage.users().find(platform, userId)}), the same key the dispatcher's journal records jobs under.
 *
 * @param requester the user; their platform must match the target's
 * @param target the chat the command came from, where answers and the job's events go
 * @param manager whether the user may manage that chat (Discord: Manage Messages; Telegram: group admin), which
 *     lets them delete or cancel others' pictures and change the chat's settings; false in direct messages
 * @param ageRestricted whether the chat is marked for adults (a Discord channel marked NSFW), where the safety policy
 *     may let flagged pictures through as they are
 */
public record Caller(Requester requester, ChatTarget target, boolean manager, boolean ageRestricted) {

    /** A caller in a chat not marked for adults. */
    public Caller(Requester requester, ChatTarget target, boolean manager) {
        this(requester, target, manager, false);
    }

    /** Validates. */
    public Caller {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(target, "target");
        if (!requester.platform().equals(target.platform())) {
            throw new IllegalArgumentException("the requester is on " + requester.platform() + " but the target on "
                    + target.platform());
        }
    }

    /** The platform, such as {@code discord} or {@code telegram}. */
    public String platform() {
        return requester.platform();
    }
}
