package dev.imagine.bot.telegram;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMember;

/**
 * Who manages a group: its administrators and creator ({@code getChatAdministrators}), remembered for
 * {@link #REMEMBER} per group so a busy group costs one call every few minutes. Nobody manages a private chat.
 * Thread-safe.
 */
final class ChatAdmins {
    /** How long a group's administrators are remembered. */
    static final Duration REMEMBER = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(ChatAdmins.class);

    private final BotApi api;
    private final Cache<Long, Set<Long>> admins;

    ChatAdmins(BotApi api, Pacer pacer) {
        this.api = api;
        this.admins = Caffeine.newBuilder().ticker(pacer::nanoTime).expireAfterWrite(REMEMBER).maximumSize(10_000)
                .build();
    }

    /** Whether the user is an administrator of the chat; false for private chats and when Telegram cannot say. */
    boolean isManager(long chatId, long userId) {
        if (!FloodControl.isGroup(chatId)) {
            return false;
        }
        Set<Long> ids = admins.get(chatId, this::load);
        return ids != null && ids.contains(userId);
    }

    private Set<Long> load(long chatId) {
        try {
            Set<Long> ids = new HashSet<>();
            for (ChatMember member : api.chatAdministrators(chatId)) {
                if (member.getUser() != null) {
                    ids.add(member.getUser().getId());
                }
            }
            return Set.copyOf(ids);
        } catch (BotApi.ApiFailure e) {
            LOG.warn("The administrators of chat {} are unknown: {}", chatId, e.getMessage());
            return null;
        }
    }
}
