package dev.imagine.bot.telegram;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides which outgoing Bot API call may go next under Telegram's flood limits, and when the next one can:
 * <ul>
 *   <li>30 messages per second overall ({@value #GLOBAL_PER_SECOND}, a token bucket refilled continuously);</li>
 *   <li>20 messages per minute per group ({@value #GROUP_PER_MINUTE}; a group's chat id is negative);</li>
 *   <li>edits of status messages: at most one per second per chat, and in a group only while
 *       {@value #GROUP_RESERVE} of its minute's messages stay free for real messages. Edits are coalesced: a newer
 *       edit of the same status message replaces one still waiting, so a slow chat sees fewer, later texts.</li>
 * </ul>
 * Messages (and deletions) of one chat leave in the order they were offered; a chat that must wait holds up only
 * itself. Buckets are Bucket4j's, chats' buckets live in a Caffeine cache that forgets chats idle for longer than a
 * full refill; both read time from the given meter, so tests move time instead of waiting. Not thread-safe: the
 * {@link Sender} guards it.
 */
final class FloodControl {
    /** Messages per second to all chats together. */
    static final int GLOBAL_PER_SECOND = 30;
    /** Messages per minute to one group. */
    static final int GROUP_PER_MINUTE = 20;
    /** Messages of a group's minute that edits leave to messages. */
    static final int GROUP_RESERVE = 5;
    /** The least time between two edits in one chat. */
    static final Duration EDIT_INTERVAL = Duration.ofSeconds(1);

    /** What an outgoing call is, for the limits. */
    enum Lane {
        /** Sends messages into the chat (text, photo, document): global and group limits. */
        MESSAGE,
        /** Edits a status message: coalesced; the per-chat edit interval, the group limit with a reserve, global. */
        EDIT,
        /** Anything else in a chat (deleting a message): only the global limit. */
        OTHER
    }

    /**
     * One outgoing call.
     *
     * @param chatId the chat it goes to
     * @param lane which limits apply
     * @param cost how many messages it sends (a result with four pictures: four), at least 1
     * @param editKey for {@link Lane#EDIT}: what it edits (a job's status message); a newer edit with the same key
     *     replaces a waiting one
     * @param action the call itself; runs on the sender's thread
     */
    record Outgoing(long chatId, Lane lane, int cost, long editKey, Runnable action) {
        Outgoing {
            Objects.requireNonNull(lane, "lane");
            Objects.requireNonNull(action, "action");
            if (cost < 1) {
                throw new IllegalArgumentException("cost must be at least 1, got " + cost);
            }
        }

        static Outgoing message(long chatId, int cost, Runnable action) {
            return new Outgoing(chatId, Lane.MESSAGE, cost, 0, action);
        }

        static Outgoing edit(long chatId, long key, Runnable action) {
            return new Outgoing(chatId, Lane.EDIT, 1, key, action);
        }

        static Outgoing other(long chatId, Runnable action) {
            return new Outgoing(chatId, Lane.OTHER, 1, 0, action);
        }
    }

    /**
     * The answer of {@link #poll()}: a call to make now, or how long until one may go.
     *
     * @param ready the call, its budget already taken; {@code null} when none may go now
     * @param waitNanos when {@code ready} is null: nanoseconds until one may go, {@link Long#MAX_VALUE} when nothing
     *     is waiting
     */
    record Step(Outgoing ready, long waitNanos) {
    }

    private static final Step IDLE = new Step(null, Long.MAX_VALUE);

    private final TimeMeter meter;
    private final Bucket global;
    private final Cache<Long, ChatBudget> chats;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private final Map<Long, Outgoing> edits = new LinkedHashMap<>();

    private record ChatBudget(Bucket edits, Bucket group) {
    }

    FloodControl(Pacer pacer) {
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return pacer.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.global = bucket(GLOBAL_PER_SECOND, Duration.ofSeconds(1));
        this.chats = Caffeine.newBuilder().ticker(pacer::nanoTime).expireAfterAccess(Duration.ofMinutes(2))
                .maximumSize(100_000).build();
    }

    private Bucket bucket(int capacity, Duration period) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
                .withCustomTimePrecision(meter)
                .build();
    }

    /** Queues a call; an edit replaces a waiting edit with the same key. */
    void offer(Outgoing outgoing) {
        if (outgoing.lane() == Lane.EDIT) {
            edits.remove(outgoing.editKey());
            edits.put(outgoing.editKey(), outgoing);
        } else {
            queue.add(outgoing);
        }
    }

    /** Forgets a waiting edit (its status message is about to be replaced by the job's result). */
    void dropEdit(long editKey) {
        edits.remove(editKey);
    }

    /** Calls waiting. */
    int size() {
        return queue.size() + edits.size();
    }

    /** Takes the next call that may go now, messages before edits, or says how long until one may. */
    Step poll() {
        if (size() == 0) {
            return IDLE;
        }
        long wait = Long.MAX_VALUE;
        Set<Long> held = new HashSet<>();
        for (Iterator<Outgoing> it = queue.iterator(); it.hasNext(); ) {
            Outgoing next = it.next();
            if (held.contains(next.chatId())) {
                continue;
            }
            long need = nanosUntilAllowed(next);
            if (need == 0) {
                it.remove();
                take(next);
                return new Step(next, 0);
            }
            held.add(next.chatId());
            wait = Math.min(wait, need);
        }
        for (Iterator<Outgoing> it = edits.values().iterator(); it.hasNext(); ) {
            Outgoing next = it.next();
            long need = nanosUntilAllowed(next);
            if (need == 0) {
                it.remove();
                take(next);
                return new Step(next, 0);
            }
            wait = Math.min(wait, need);
        }
        return new Step(null, Math.max(1, wait));
    }

    private long nanosUntilAllowed(Outgoing call) {
        int cost = Math.min(call.cost(), GROUP_PER_MINUTE);
        long need = nanosFor(global, cost);
        if (call.lane() == Lane.OTHER) {
            return need;
        }
        ChatBudget budget = budget(call.chatId());
        if (budget.group() != null) {
            need = Math.max(need, nanosFor(budget.group(), call.lane() == Lane.EDIT ? 1 + GROUP_RESERVE : cost));
        }
        if (call.lane() == Lane.EDIT) {
            need = Math.max(need, nanosFor(budget.edits(), 1));
        }
        return need;
    }

    private static long nanosFor(Bucket bucket, long tokens) {
        EstimationProbe probe = bucket.estimateAbilityToConsume(tokens);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    private void take(Outgoing call) {
        int cost = Math.min(call.cost(), GROUP_PER_MINUTE);
        global.tryConsume(cost);
        if (call.lane() == Lane.OTHER) {
            return;
        }
        ChatBudget budget = budget(call.chatId());
        if (budget.group() != null) {
            budget.group().tryConsume(call.lane() == Lane.EDIT ? 1 : cost);
        }
        if (call.lane() == Lane.EDIT) {
            budget.edits().tryConsume(1);
        }
    }

    private ChatBudget budget(long chatId) {
        return chats.get(chatId, id -> new ChatBudget(bucket(1, EDIT_INTERVAL),
                isGroup(id) ? bucket(GROUP_PER_MINUTE, Duration.ofMinutes(1)) : null));
    }

    /** Whether a chat id is a group's or a channel's: Telegram gives users positive ids and groups negative ones. */
    static boolean isGroup(long chatId) {
        return chatId < 0;
    }
}
