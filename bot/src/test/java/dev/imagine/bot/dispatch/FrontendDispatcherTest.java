package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.GenerationRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A frontend's dispatcher over a shared queue (here a fake one): the token bucket is checked here, the cap and the
 * capacity by the shared queue; the user hears when no worker runs; what workers report reaches the sinks, each final
 * event once, also when it was delivered at start-up already.
 */
class FrontendDispatcherTest {
    private static final Requester ADA = new Requester("test", "ada", "Ada");
    private static final ChatTarget CHAT = new ChatTarget("test", null, "chat-ada", null);

    private final FakeShared shared = new FakeShared();
    private final MemoryJournal journal = new MemoryJournal();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Dispatcher dispatcher = Dispatcher.frontend(shared, journal, new DispatchLimits(
            new RateLimit(2, 1, Duration.ofHours(1)), Map.of(), Map.of(), Set.of(), 3, 50, Duration.ofMinutes(10)),
            Messages.JOB_NOTICES, new FakeClock(), new SimpleMeterRegistry());

    FrontendDispatcherTest() {
        dispatcher.registerSink("test", (job, event) -> events.add(job.id() + ":" + describe(event)));
    }

    @AfterEach
    void stop() {
        dispatcher.shutdown(Duration.ofSeconds(5));
    }

    private static String describe(JobEvent event) {
        if (event instanceof JobEvent.Queued queued) {
            return "queued " + queued.position() + (queued.waitingForWorker() ? " waiting" : "");
        }
        if (event instanceof JobEvent.Progress progress) {
            return "step " + progress.step();
        }
        if (event instanceof JobEvent.Failed failed) {
            return "failed " + failed.message();
        }
        return event.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static JobSpec spec() {
        return JobSpec.of(GenerationRequest.builder("a fox").seed(1L).build(), null);
    }

    @Test
    void jobsGoIntoTheSharedQueueAndTheUserHearsWhenNoWorkerRuns() {
        shared.next = new SharedQueue.Entry.Queued(7, 2, true);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isEqualTo(new SubmitResult.Accepted(7, 2, true));
        assertThat(events).containsExactly("7:queued 2 waiting");
        assertThat(shared.enqueued).containsExactly("ada cap 3 capacity 50");
        assertThat(Messages.status(new JobEvent.Queued(2, true), 5)).endsWith(Messages.NO_WORKER);
        assertThat(Messages.status(new JobEvent.Queued(2), 5)).doesNotContain(Messages.NO_WORKER);

        shared.next = new SharedQueue.Entry.Queued(8, 0, false);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isEqualTo(new SubmitResult.Accepted(8, 0));
        assertThat(dispatcher.queueLength()).isEqualTo(41);
        assertThat(dispatcher.runNext()).as("a frontend runs no job").isFalse();
    }

    @Test
    void theClusterWideCapAndCapacityRefuseAndGiveTheImagesBack() {
        for (int i = 0; i < 4; i++) {
            shared.next = new SharedQueue.Entry.UserFull(3);
            assertThat(dispatcher.submit(ADA, CHAT, spec())).isInstanceOfSatisfying(SubmitResult.Rejected.class,
                    r -> assertThat(r.reason()).isEqualTo(SubmitResult.Reason.TOO_MANY_ACTIVE));
        }
        shared.next = new SharedQueue.Entry.QueueFull(50);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isInstanceOfSatisfying(SubmitResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(SubmitResult.Reason.QUEUE_FULL));
        // The refusals gave their images back: the bucket of 2 still admits two jobs, then refuses.
        shared.next = new SharedQueue.Entry.Queued(1, 0, false);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(dispatcher.submit(ADA, CHAT, spec())).isInstanceOfSatisfying(SubmitResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED));
        assertThat(shared.enqueued).hasSize(7);
    }

    @Test
    void theWorkersNewsReachesTheSinksAndEachResultOnce() throws InterruptedException {
        long finishedEarlier = journal.recordQueued(ADA, CHAT, spec());
        journal.markFailed(finishedEarlier, "out of memory");
        Job job = new Job(finishedEarlier + 1, ADA, CHAT, spec(), 1);
        Job elsewhere = new Job(finishedEarlier + 2, ADA, new ChatTarget("discord", null, "c", null), spec(), 1);

        dispatcher.recover();
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(finishedEarlier + ":failed out of memory");
        dispatcher.start();
        shared.updates.add(List.of(new SharedQueue.Update(job, new JobEvent.Started()),
                new SharedQueue.Update(elsewhere, new JobEvent.Started()),
                new SharedQueue.Update(job, new JobEvent.Progress(3, 10, Duration.ofSeconds(1)))));
        shared.updates.add(List.of(new SharedQueue.Update(job, new JobEvent.Failed("no")),
                new SharedQueue.Update(job, new JobEvent.Failed("no")),
                new SharedQueue.Update(journal.undelivered().get(0).job(), new JobEvent.Failed("out of memory")),
                new SharedQueue.Update(job, new JobEvent.Started())));
        List<String> got = new ArrayList<>();
        while (got.size() < 3) {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("events so far: %s", got).isNotNull();
            got.add(event);
        }
        assertThat(got).containsExactly(job.id() + ":started", job.id() + ":step 3", job.id() + ":failed no");
        assertThat(dispatcher.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(events).as("the second result, the one delivered at start-up and the late start are dropped")
                .isEmpty();
        assertThat(shared.updates).as("the relay read every batch").isEmpty();
        assertThat(dispatcher.workerState().thread()).isEqualTo(WorkerState.Thread.STOPPED);
    }

    /** A shared queue that answers what the test sets and hands out the updates the test adds. */
    private static final class FakeShared implements SharedQueue {
        final List<String> enqueued = new ArrayList<>();
        final BlockingQueue<List<Update>> updates = new LinkedBlockingQueue<>();
        volatile Entry next;

        @Override
        public Entry enqueue(Requester requester, ChatTarget target, JobSpec spec, int perUserCap, int capacity) {
            enqueued.add(requester.userId() + " cap " + perUserCap + " capacity " + capacity);
            return next;
        }

        @Override
        public boolean cancel(long id) {
            return false;
        }

        @Override
        public List<Long> jobsOf(Requester requester) {
            return List.of();
        }

        @Override
        public Optional<Integer> position(long id) {
            return Optional.empty();
        }

        @Override
        public int queueLength() {
            return 41;
        }

        @Override
        public List<Update> await(Duration max) {
            try {
                List<Update> batch = updates.poll(max.toMillis(), TimeUnit.MILLISECONDS);
                return batch == null ? List.of() : batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }
}
