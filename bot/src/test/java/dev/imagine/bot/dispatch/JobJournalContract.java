package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobJournal} does, run against the in-memory journal of the dispatcher's tests and the H2 one the
 * service uses, so the test double cannot accept what the real journal refuses.
 */
abstract class JobJournalContract {
    /** A made-up model, as the service's journal records it with each job. */
    static final ModelInfo MODEL = new ModelInfo("contract", Path.of("contract"), "FakePipeline", ModelFamily.SD1,
            "epsilon", 768, "int32", "", false, 0, true, SamplerKind.EULER, 4, 7.5, 64, 64, "0000000000000000",
            "test");
    private static final Requester ANN = new Requester("test", "ann", "Ann");
    private static final ChatTarget CHAT = new ChatTarget("test", null, "chat-1", "request-1");

    private JobJournal journal;

    /** A new, empty journal; the subclass closes what it opened after each test. */
    abstract JobJournal create() throws Exception;

    @BeforeEach
    void open() throws Exception {
        journal = create();
    }

    private long queue(String prompt) {
        return journal.recordQueued(ANN, CHAT, JobSpec.of(GenerationRequest.builder(prompt).size(64, 64).steps(2)
                .seed(7L).build(), null));
    }

    private static GenerationResult resultOf(GenerationRequest request) {
        GenerationRequest resolved = request.toBuilder().sampler(SamplerKind.EULER).guidance(7.5).build();
        BufferedImage picture = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(1, 1, 0x336699);
        return new GenerationResult(resolved, List.of(new GeneratedImage(0, 7, picture, "p")), "", "",
                new Timings(Duration.ofMillis(10), Duration.ZERO, Duration.ZERO, 2, 2), "test");
    }

    private Job only(List<Job> jobs, long id) {
        return jobs.stream().filter(job -> job.id() == id).findFirst().orElseThrow();
    }

    @Test
    void queuedJobsComeBackOldestFirstWithTheirTargetAndSpec() {
        long first = queue("a fox");
        long second = queue("a cat");

        assertThat(second).isGreaterThan(first);
        List<Job> unfinished = journal.unfinished();
        assertThat(unfinished).extracting(Job::id).containsExactly(first, second);
        Job job = unfinished.get(0);
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.requester().key()).isEqualTo(ANN.key());
        assertThat(job.target().chatId()).isEqualTo("chat-1");
        assertThat(job.spec().request().prompt()).isEqualTo("a fox");
        assertThat(job.spec().request().seed()).isEqualTo(7L);
    }

    @Test
    void onlyAQueuedJobCanStart() {
        long id = queue("a fox");
        journal.markRunning(id, 1);

        assertThatThrownBy(() -> journal.markRunning(id, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is running; only a queued generation can start");
        assertThatThrownBy(() -> journal.markRunning(id + 100, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("there is no generation " + (id + 100));
    }

    @Test
    void onlyARunningJobCanFinishOrGoBackToTheQueue() {
        long id = queue("a fox");
        GenerationResult result = resultOf(journal.unfinished().get(0).spec().request());

        assertThatThrownBy(() -> journal.markDone(id, result)).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is queued; only a running generation can finish");
        assertThatThrownBy(() -> journal.requeue(id)).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is queued; only a running generation can requeue");

        journal.markRunning(id, 1);
        journal.markDone(id, result);

        assertThatThrownBy(() -> journal.markFailed(id, "too late")).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is done; only a queued or running generation can fail");
        assertThatThrownBy(() -> journal.markCancelled(id, "too late")).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is done; only a queued or running generation can cancel");
        assertThat(journal.unfinished()).isEmpty();
    }

    @Test
    void aCancelledJobStaysCancelled() {
        long id = queue("a fox");
        journal.markCancelled(id, "changed my mind");

        assertThatThrownBy(() -> journal.markRunning(id, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is cancelled; only a queued generation can start");
        assertThatThrownBy(() -> journal.markCancelled(id, "again")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRequeuedOrInterruptedJobKeepsCountingItsAttempts() {
        long requeued = queue("a fox");
        long interrupted = queue("a cat");
        journal.markRunning(requeued, 1);
        journal.requeue(requeued);
        journal.markRunning(interrupted, 1);

        List<Job> unfinished = journal.unfinished();

        assertThat(only(unfinished, requeued).attempt()).isEqualTo(2);
        assertThat(only(unfinished, interrupted).attempt()).isEqualTo(2);
        // Listing the unfinished jobs after a restart puts an interrupted one back in the queue: it can start again.
        journal.markRunning(interrupted, 2);
        assertThat(only(journal.unfinished(), interrupted).attempt()).isEqualTo(3);
    }

    @Test
    void theStatusMessageTravelsWithTheJob() {
        long id = queue("a fox");
        journal.setStatusMessage(id, "status-9");

        assertThat(journal.unfinished().get(0).target().messageId()).isEqualTo("status-9");
        // Unknown ids are ignored, as an adapter may report a message for a job that was pruned meanwhile.
        journal.setStatusMessage(id + 100, "status-10");
        journal.markDelivered(id + 100);
    }

    @Test
    void finishedJobsAreDeliveredAgainUntilMarkedDelivered() {
        long done = queue("a fox");
        long failed = queue("a cat");
        long cancelled = queue("a dog");
        long waiting = queue("an owl");
        GenerationResult result = resultOf(journal.unfinished().get(0).spec().request());
        journal.markRunning(done, 1);
        journal.markDone(done, result);
        journal.markRunning(failed, 1);
        journal.markFailed(failed, "The GPU ran out of memory.");
        journal.markCancelled(cancelled, "changed my mind");

        List<JobJournal.Finished> undelivered = journal.undelivered();

        assertThat(undelivered).extracting(f -> f.job().id()).containsExactly(done, failed, cancelled)
                .doesNotContain(waiting);
        assertThat(undelivered.get(0).finalEvent()).isInstanceOfSatisfying(JobEvent.Done.class,
                event -> assertThat(event.result().images()).hasSize(1));
        assertThat(undelivered.get(1).finalEvent()).isEqualTo(new JobEvent.Failed("The GPU ran out of memory."));
        assertThat(undelivered.get(2).finalEvent()).isInstanceOf(JobEvent.Cancelled.class);

        journal.markDelivered(done);
        journal.markDelivered(done);
        journal.markDelivered(failed);
        journal.markDelivered(cancelled);
        assertThat(journal.undelivered()).isEmpty();
    }
}
