package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.ExpectedLog;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.GenerationRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher's limits, fairness, cancellation, time limit and failure isolation, on a fake clock and engine. */
class DispatcherTest {
    private static final Requester ALICE = new Requester("test", "alice", "Alice");
    private static final Requester BOB = new Requester("test", "bob", "Bob");

    private final FakeClock clock = new FakeClock();
    private final FakeEngine engine = new FakeEngine();
    private final MemoryJournal journal = new MemoryJournal();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Dispatcher dispatcher;

    @BeforeEach
    void defaults() {
        create(DispatchLimits.defaults());
    }

    private void create(DispatchLimits limits) {
        dispatcher = new Dispatcher(engine, journal, limits, Messages.JOB_NOTICES, clock, metrics);
        dispatcher.registerSink("test", (job, event) -> events.add(job.id() + ":" + describe(event)));
    }

    private static String describe(JobEvent event) {
        if (event instanceof JobEvent.Queued q) {
            return "queued " + q.position();
        }
        if (event instanceof JobEvent.Progress p) {
            return "step " + p.step() + "/" + p.totalSteps();
        }
        if (event instanceof JobEvent.Failed f) {
            return "failed " + f.message();
        }
        if (event instanceof JobEvent.Cancelled c) {
            return "cancelled " + c.reason();
        }
        return event.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static DispatchLimits limits(RateLimit rate, int perUser, int capacity) {
        return new DispatchLimits(rate, Map.of(), Map.of(), Set.of(), perUser, capacity, Duration.ofMinutes(10));
    }

    private SubmitResult submit(Requester who, String prompt, int count) {
        GenerationRequest request = GenerationRequest.builder(prompt).count(count).steps(3).seed(10L).build();
        return dispatcher.submit(who, new ChatTarget("test", null, "chat-" + who.userId(), null),
                JobSpec.of(request, null));
    }

    private long accepted(SubmitResult result) {
        assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
        return ((SubmitResult.Accepted) result).id();
    }

    private SubmitResult.Rejected rejected(SubmitResult result) {
        assertThat(result).isInstanceOf(SubmitResult.Rejected.class);
        return (SubmitResult.Rejected) result;
    }

    @Test
    void tokenBucketCountsImagesAndRefillsWithTime() {
        create(limits(RateLimit.DEFAULT, 10, 100));
        accepted(submit(ALICE, "one", 1));
        accepted(submit(ALICE, "three", 3));
        SubmitResult.Rejected limited = rejected(submit(ALICE, "one more", 1));
        assertThat(limited.reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED);
        // 10 images per 10 minutes refill one image a minute.
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(Messages.rejected(limited)).isEqualTo("You have used your images for now (10 per 10 minutes); try again in "
                + "1 minute.");

        clock.advance(Duration.ofSeconds(59));
        assertThat(rejected(submit(ALICE, "still too early", 1)).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        accepted(submit(ALICE, "now", 1));
        accepted(submit(BOB, "others are not affected", 4));
        assertThat(journal.entries).hasSize(4);
    }

    @Test
    void moreImagesThanTheBurstAreRefusedOutright() {
        SubmitResult.Rejected tooMany = rejected(submit(ALICE, "eight", 8));
        assertThat(tooMany.reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED);
        assertThat(Messages.rejected(tooMany)).isEqualTo("You asked for 8 images, but at most 4 fit in your limit at once; ask "
                + "for fewer.");
        assertThat(tooMany.retryAfter()).isZero();
        accepted(submit(ALICE, "four is fine", 4));
    }

    @Test
    void perUserCapCountsQueuedAndRunningJobs() {
        long first = accepted(submit(ALICE, "a", 1));
        accepted(submit(ALICE, "b", 1));
        SubmitResult.Rejected capped = rejected(submit(ALICE, "c", 1));
        assertThat(capped.reason()).isEqualTo(SubmitResult.Reason.TOO_MANY_ACTIVE);
        assertThat(Messages.rejected(capped)).isEqualTo("You already have 2 jobs queued or running (the limit is 2); wait for "
                + "one to finish or cancel one.");
        engine.onStep((request, step, cancellation) -> {
            if (step == 2) {
                assertThat(rejected(submit(ALICE, "while running", 1)).reason())
                        .isEqualTo(SubmitResult.Reason.TOO_MANY_ACTIVE);
            }
        });
        assertThat(dispatcher.runNext()).isTrue();
        assertThat(journal.status(first)).isEqualTo("done");
        engine.onStep((request, step, cancellation) -> { });
        accepted(submit(ALICE, "c again", 1));
    }

    @Test
    void globalCapacityRejectsWhenTheQueueIsFull() {
        create(limits(RateLimit.DEFAULT, 2, 3));
        accepted(submit(ALICE, "a", 1));
        accepted(submit(ALICE, "b", 1));
        accepted(submit(BOB, "c", 1));
        SubmitResult.Rejected full = rejected(submit(BOB, "d", 1));
        assertThat(full.reason()).isEqualTo(SubmitResult.Reason.QUEUE_FULL);
        assertThat(Messages.rejected(full)).isEqualTo("The queue is full (3 jobs); try again in a few minutes.");
        assertThat(journal.entries).hasSize(3);
        dispatcher.runNext();
        accepted(submit(BOB, "d", 1));
    }

    @Test
    void aBusyUserDelaysAnotherUsersFirstJobByAtMostOneJob() {
        create(limits(new RateLimit(100, 100, Duration.ofMinutes(1)), 50, 100));
        List<Long> alice = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            alice.add(accepted(submit(ALICE, "alice " + i, 1)));
        }
        SubmitResult.Accepted bob = (SubmitResult.Accepted) submit(BOB, "bob", 1);
        assertThat(bob.position()).isEqualTo(1);
        dispatcher.runNext();
        dispatcher.runNext();
        assertThat(engine.prompts()).containsExactly("alice 0", "bob");

        // Arriving while Alice's job runs, Bob's next job still comes right after it.
        engine.onStep((request, step, cancellation) -> {
            if (request.prompt().equals("alice 1") && step == 1) {
                assertThat(((SubmitResult.Accepted) submit(BOB, "bob again", 1)).position()).isEqualTo(1);
            }
        });
        dispatcher.runNext();
        dispatcher.runNext();
        assertThat(engine.prompts()).containsExactly("alice 0", "bob", "alice 1", "bob again");
        while (dispatcher.runNext()) {
            // drain
        }
        assertThat(engine.prompts()).hasSize(22).endsWith("alice 19");
    }

    @Test
    void cancellingAQueuedJobRemovesItAtOnce() {
        long first = accepted(submit(ALICE, "a", 1));
        long second = accepted(submit(BOB, "b", 1));
        assertThat(dispatcher.cancel(second, "cancelled by you")).isTrue();
        assertThat(journal.status(second)).isEqualTo("cancelled");
        assertThat(events).contains(second + ":cancelled cancelled by you");
        assertThat(dispatcher.queueLength()).isEqualTo(1);
        assertThat(dispatcher.cancel(second, "again")).isFalse();
        while (dispatcher.runNext()) {
            // drain
        }
        assertThat(engine.prompts()).containsExactly("a");
        assertThat(journal.status(first)).isEqualTo("done");
        accepted(submit(BOB, "bob's slot is free again", 1));
    }

    @Test
    void cancellingARunningJobStopsItAtTheNextStep() {
        long id = accepted(submit(ALICE, "long", 1));
        engine.onStep((request, step, cancellation) -> {
            if (step == 2) {
                assertThat(dispatcher.cancel(id, "cancelled by a moderator")).isTrue();
            }
        });
        dispatcher.runNext();
        assertThat(events).containsExactly(id + ":queued 0", id + ":started", id + ":step 1/3", id + ":step 2/3",
                id + ":cancelled cancelled by a moderator");
        assertThat(journal.status(id)).isEqualTo("cancelled");
    }

    @Test
    void theTimeLimitCancelsAJobThatRunsTooLong() {
        long id = accepted(submit(ALICE, "slow", 1));
        engine.onStep((request, step, cancellation) -> clock.advance(Duration.ofMinutes(6)));
        dispatcher.runNext();
        assertThat(journal.status(id)).isEqualTo("cancelled");
        assertThat(events).containsExactly(id + ":queued 0", id + ":started", id + ":step 1/3", id + ":step 2/3",
                id + ":cancelled It took longer than the 10 minutes limit per job, so it was stopped.");
    }

    @Test
    void aFailingJobFailsAloneAndTheNextOneRuns() {
        long oom = accepted(submit(ALICE, "fail:oom", 1));
        long crash = accepted(submit(BOB, "fail:crash", 1));
        long fine = accepted(submit(ALICE, "fine", 1));
        try (ExpectedLog log = ExpectedLog.of(Dispatcher.class)) {
            while (dispatcher.runNext()) {
                // drain
            }
            assertThat(log.lines()).contains("ERROR Job " + crash + " failed unexpectedly | IllegalStateException: a bug");
        }
        assertThat(journal.entry(oom).message())
                .isEqualTo("GPU out of memory at 512x512 with 1 image; try a smaller size or fewer images");
        assertThat(events).contains(oom + ":failed GPU out of memory at 512x512 with 1 image; try a smaller size or "
                + "fewer images");
        assertThat(journal.entry(crash).message()).startsWith("Something went wrong on our side");
        assertThat(journal.status(fine)).isEqualTo("done");
        assertThat(metrics.get("imagine.jobs").tag("outcome", "failed").counter().count()).isEqualTo(2);
        assertThat(metrics.get("imagine.jobs").tag("outcome", "done").counter().count()).isEqualTo(1);
    }

    @Test
    void aJobIsRecordedBeforeItIsAcceptedAndNotQueuedWhenRecordingFails() {
        dispatcher.registerSink("test", (job, event) -> {
            if (event instanceof JobEvent.Queued) {
                assertThat(journal.status(job.id())).isEqualTo("queued");
            }
            events.add(job.id() + ":" + describe(event));
        });
        long id = accepted(submit(ALICE, "a", 1));
        assertThat(events).containsExactly(id + ":queued 0");

        journal.failWrites.set(true);
        SubmitResult.Rejected failed;
        try (ExpectedLog log = ExpectedLog.of(Dispatcher.class)) {
            failed = rejected(submit(BOB, "b", 4));
            assertThat(log.lines()).containsExactly("ERROR Recording a job failed | IllegalStateException: disk full");
        }
        assertThat(failed.reason()).isEqualTo(SubmitResult.Reason.NOT_RECORDED);
        assertThat(Messages.rejected(failed)).startsWith("The job could not be saved");
        assertThat(dispatcher.queueLength()).isEqualTo(1);
        journal.failWrites.set(false);
        accepted(submit(BOB, "b", 4));
    }

    @Test
    void adminsBypassLimitsAndRolesGetTheirOwnBucket() {
        Requester admin = new Requester("test", "root", "Root");
        Requester patron = new Requester("test", "pat", "Pat", Set.of("patron"));
        create(new DispatchLimits(RateLimit.DEFAULT, Map.of(), Map.of("patron", new RateLimit(8, 60,
                Duration.ofMinutes(10))), Set.of(admin.key()), 2, 100, Duration.ofMinutes(10)));
        for (int i = 0; i < 5; i++) {
            accepted(submit(admin, "admin " + i, 8));
        }
        accepted(submit(patron, "eight at once", 8));
        assertThat(rejected(submit(ALICE, "eight at once", 8)).reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED);
    }

    @Test
    void recoveryResumesQueuedJobsInOrderAndRetriesARunningJobOnce() {
        long interrupted = accepted(submit(ALICE, "was running", 1));
        long waiting = accepted(submit(BOB, "was queued", 1));
        long twice = accepted(submit(ALICE, "interrupted twice", 1));
        journal.markRunning(interrupted, 1);
        journal.markRunning(twice, 1);
        journal.unfinished(); // a first restart puts the running jobs back in the queue, their starts counted
        journal.markRunning(twice, 2);
        events.clear();

        create(DispatchLimits.defaults());
        dispatcher.recover();
        assertThat(journal.status(twice)).isEqualTo("failed");
        assertThat(events).contains(twice + ":failed This job was interrupted twice by a restart, so it was not tried "
                + "again; please submit it again.");
        while (dispatcher.runNext()) {
            // drain
        }
        assertThat(engine.prompts()).containsExactly("was running", "was queued");
        assertThat(journal.status(interrupted)).isEqualTo("done");
        assertThat(journal.status(waiting)).isEqualTo("done");
    }

    /** Issue 12: at least once across crashes, and each possible duplicate is counted in the metrics. */
    @Test
    void aResultNotMarkedDeliveredBeforeACrashIsSentAgainAndCounted() {
        long sentNotMarked = accepted(submit(ALICE, "sent, then the crash", 1));
        long marked = accepted(submit(BOB, "sent and marked", 1));
        while (dispatcher.runNext()) {
            // drain
        }
        dispatcher.confirmDelivered(marked);
        events.clear();

        create(DispatchLimits.defaults());
        dispatcher.recover();

        assertThat(events).filteredOn(event -> event.startsWith(sentNotMarked + ":done")).hasSize(1);
        assertThat(events).noneMatch(event -> event.startsWith(marked + ":"));
        assertThat(metrics.get("imagine.deliveries.repeated").counter().count()).isEqualTo(1);
    }

    @Test
    void shutdownStopsIntakeAndPutsTheRunningJobBackInTheQueue() throws Exception {
        long running = accepted(submit(ALICE, "interrupted", 1));
        long waiting = accepted(submit(BOB, "waiting", 1));
        java.util.concurrent.atomic.AtomicBoolean stoppedInTime = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch stopperStarted = new java.util.concurrent.CountDownLatch(1);
        Thread stopper = new Thread(() -> stoppedInTime.set(dispatcher.shutdown(Duration.ZERO)));
        engine.onStep((request, step, token) -> {
            if (step == 2 && stopperStarted.getCount() > 0) {
                stopper.start();
                stopperStarted.countDown();
                while (!token.isCancelled()) {
                    Thread.onSpinWait();
                }
            }
        });
        dispatcher.start();
        stopperStarted.await();
        stopper.join();
        assertThat(stoppedInTime.get()).isTrue();
        assertThat(journal.status(running)).isEqualTo("queued");
        assertThat(journal.entry(running).starts()).isEqualTo(1);
        assertThat(journal.status(waiting)).isEqualTo("queued");
        assertThat(engine.prompts()).containsExactly("interrupted");
        assertThat(events).noneMatch(e -> e.startsWith(running + ":cancelled") || e.startsWith(running + ":failed"));
        SubmitResult.Rejected late = rejected(submit(BOB, "too late", 1));
        assertThat(late.reason()).isEqualTo(SubmitResult.Reason.SHUTTING_DOWN);
    }
}
