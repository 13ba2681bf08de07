package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.telegram.FloodControl.Outgoing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Telegram's flood limits as {@link FloodControl} applies them, on fake time. Expected waits follow from the limits
 * themselves: the global bucket refills 30 tokens a second (one every 1/30 s = 33.3 ms), a group's 20 a minute (one
 * every 60/20 = 3 s), a chat's edit bucket one a second.
 */
class FloodControlTest {
    private static final long PRIVATE = 5;
    private static final long GROUP = -100;
    private static final long MS = 1_000_000L;

    private final FakePacer time = new FakePacer();
    private final FloodControl flood = new FloodControl(time);
    private final List<String> ran = new ArrayList<>();

    private Outgoing message(long chat, String name) {
        return Outgoing.message(chat, 1, () -> ran.add(name));
    }

    private Outgoing edit(long chat, long key, String name) {
        return Outgoing.edit(chat, key, () -> ran.add(name));
    }

    /** Runs every call that may go now; returns the wait the last poll reported. */
    private long drainNow() {
        while (true) {
            FloodControl.Step step = flood.poll();
            if (step.ready() == null) {
                return step.waitNanos();
            }
            step.ready().action().run();
        }
    }

    @Test
    void editsOfOneStatusMessageAreCoalescedToTheNewest() {
        for (int percent = 20; percent <= 100; percent += 20) {
            flood.offer(edit(PRIVATE, 7, percent + "%"));
        }

        assertThat(drainNow()).isEqualTo(Long.MAX_VALUE);
        assertThat(ran).containsExactly("100%");
    }

    @Test
    void aChatGetsAtMostOneEditPerSecond() {
        flood.offer(edit(PRIVATE, 1, "job 1"));
        flood.offer(edit(PRIVATE, 2, "job 2"));

        long wait = drainNow();

        assertThat(ran).containsExactly("job 1");
        assertThat(wait).isBetween(999 * MS, 1000 * MS);
        time.advance(Duration.ofNanos(wait));
        drainNow();
        assertThat(ran).containsExactly("job 1", "job 2");
    }

    @Test
    void aGroupGetsTwentyMessagesAMinute() {
        for (int i = 1; i <= 22; i++) {
            flood.offer(message(GROUP, "m" + i));
        }

        long wait = drainNow();

        assertThat(ran).hasSize(20).endsWith("m20");
        assertThat(wait).isBetween(2999 * MS, 3000 * MS);
        time.advance(Duration.ofSeconds(3));
        assertThat(drainNow()).isBetween(2999 * MS, 3000 * MS);
        assertThat(ran).hasSize(21).endsWith("m21");
    }

    @Test
    void allChatsTogetherGetThirtyMessagesASecond() {
        for (int chat = 1; chat <= 31; chat++) {
            flood.offer(message(chat, "chat " + chat));
        }

        long wait = drainNow();

        assertThat(ran).hasSize(30);
        assertThat(wait).isBetween(33 * MS, 34 * MS);
        time.advance(Duration.ofMillis(34));
        drainNow();
        assertThat(ran).hasSize(31).endsWith("chat 31");
    }

    @Test
    void aGroupThatMustWaitDoesNotHoldUpOtherChats() {
        for (int i = 1; i <= 21; i++) {
            flood.offer(message(GROUP, "group " + i));
        }
        flood.offer(message(PRIVATE, "private"));

        drainNow();

        assertThat(ran).hasSize(21).endsWith("private").doesNotContain("group 21");
    }

    @Test
    void messagesOfOneChatLeaveInTheOrderTheyCame() {
        for (int i = 1; i <= 18; i++) {
            flood.offer(message(GROUP, "m" + i));
        }
        drainNow();
        flood.offer(Outgoing.message(GROUP, 4, () -> ran.add("four pictures")));
        flood.offer(message(GROUP, "a short answer"));

        long wait = drainNow();

        // 2 tokens are left and the pictures need 4: the answer behind them, which would fit, waits too.
        assertThat(ran).hasSize(18);
        assertThat(wait).isBetween(5999 * MS, 6000 * MS);
        time.advance(Duration.ofSeconds(6));
        drainNow();
        assertThat(ran.subList(18, ran.size())).containsExactly("four pictures");
    }

    @Test
    void editsLeaveAReserveOfAGroupsMinuteToMessages() {
        for (int i = 1; i <= FloodControl.GROUP_PER_MINUTE - FloodControl.GROUP_RESERVE; i++) {
            flood.offer(message(GROUP, "m" + i));
        }
        drainNow();
        flood.offer(edit(GROUP, 9, "progress"));

        long wait = drainNow();

        assertThat(ran).doesNotContain("progress");
        assertThat(wait).isBetween(2999 * MS, 3000 * MS);
        flood.offer(message(GROUP, "the result"));
        drainNow();
        assertThat(ran).endsWith("the result");
    }

    @Test
    void messagesGoBeforeWaitingEdits() {
        flood.offer(edit(PRIVATE, 1, "edit"));
        flood.offer(message(PRIVATE + 1, "message"));

        drainNow();

        assertThat(ran).containsExactly("message", "edit");
    }

    @Test
    void aDroppedEditIsNeverMade() {
        flood.offer(edit(PRIVATE, 3, "stale progress"));
        flood.dropEdit(3);
        flood.offer(message(PRIVATE, "result"));

        drainNow();

        assertThat(ran).containsExactly("result");
    }

    @Test
    void deletionsCountOnlyAgainstTheGlobalLimit() {
        for (int i = 1; i <= FloodControl.GROUP_PER_MINUTE; i++) {
            flood.offer(message(GROUP, "m" + i));
        }
        drainNow();

        flood.offer(Outgoing.other(GROUP, () -> ran.add("delete the status message")));
        drainNow();
        flood.offer(message(GROUP, "one more message"));
        long wait = drainNow();

        assertThat(ran).endsWith("delete the status message").doesNotContain("one more message");
        assertThat(wait).isBetween(2999 * MS, 3000 * MS);
    }
}
