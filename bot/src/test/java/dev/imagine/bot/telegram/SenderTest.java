package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.fake.ExpectedLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The sender's thread paces calls by fake time, so a burst past the limits finishes without any real waiting. */
class SenderTest {
    private final FakePacer time = new FakePacer();
    private final Sender sender = new Sender(time, new Redactor(FakeBotApi.TOKEN));

    @Test
    void aBurstToAGroupIsSpreadOverFakeTimeInOrder() {
        List<Integer> sent = new CopyOnWriteArrayList<>();
        List<Long> at = new CopyOnWriteArrayList<>();
        long start = time.nanoTime();
        for (int i = 1; i <= 25; i++) {
            int n = i;
            sender.offer(FloodControl.Outgoing.message(-100, 1, () -> {
                sent.add(n);
                at.add(time.nanoTime() - start);
            }));
        }

        sender.start();

        assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(sent).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 25).boxed().toList());
        // 20 at once, then one every 3 s (20 per minute): the 25th goes 5 x 3 s = 15 s in.
        assertThat(at.get(19)).isZero();
        assertThat(at.get(24)).isBetween(Duration.ofMillis(14_990).toNanos(), Duration.ofMillis(15_010).toNanos());
        sender.close(Duration.ofSeconds(1));
    }

    @Test
    void aFailingCallDoesNotStopTheOnesAfterIt() {
        List<String> sent = new CopyOnWriteArrayList<>();
        sender.offer(FloodControl.Outgoing.message(1, 1, () -> {
            throw new IllegalStateException("boom at https://x/bot" + FakeBotApi.TOKEN + "/sendMessage");
        }));
        sender.offer(FloodControl.Outgoing.message(1, 1, () -> sent.add("next")));

        try (ExpectedLog log = ExpectedLog.of(Sender.class)) {
            sender.start();

            assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(sent).containsExactly("next");
            sender.close(Duration.ofSeconds(1));
            assertThat(log.lines()).containsExactly("ERROR A Telegram call failed unexpectedly: IllegalStateException: "
                    + "boom at https://x/bot<token>/sendMessage");
        }
    }

    /**
     * Issue 12, problem 5: a photo sent while the service stopped was not marked delivered (the sender gave up after
     * the drain time and the storage closed under it), so a graceful restart sent it again.
     */
    @Test
    void closeLetsTheCallUnderWayFinishItsDeliveryMark() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean marked = new AtomicBoolean();
        sender.offer(FloodControl.Outgoing.message(1, 1, () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            marked.set(true);
        }));
        sender.start();
        started.await();
        Thread closing = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // Lets the upload end only once close waits for it without a time bound.
            while (closing.getState() != Thread.State.WAITING && release.getCount() > 0) {
                Thread.onSpinWait();
            }
            release.countDown();
        });
        releaser.start();
        try {
            sender.close(Duration.ofMillis(10));
            assertThat(marked).isTrue();
        } finally {
            release.countDown();
            releaser.join();
        }
    }
}
