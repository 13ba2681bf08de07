package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobJournal;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.Ease;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /animate} in the command core: keyframes and flags become an animation job stored as kind animation, the
 * frame limit and the rate limit (a frame costs one image) refuse with a sentence before queueing, and the Re-roll,
 * Rerun and Reverse buttons rebuild their job from storage, also after a restart.
 */
class AnimateCommandTest {
    private static final Caller ALICE = new Caller(new Requester("test", "1", "Alice"),
            new ChatTarget("test", null, "group", null), false);
    private static final CommandLimits LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024, 4096L * 4096L, 12);

    @TempDir
    Path folder;
    private final FakeEngine engine = new FakeEngine();
    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private Storage storage;
    private Dispatcher dispatcher;
    private CommandCore core;

    @BeforeEach
    void start() {
        storage = Storage.open(folder);
        boot();
    }

    /** A dispatcher and core over the same storage, as after a restart. */
    private void boot() {
        dispatcher = new Dispatcher(engine, new StorageJournal(storage, FakeEngine.MODEL), new DispatchLimits(
                new RateLimit(20, 1, Duration.ofHours(1)), Map.of(), Map.of(), Set.of(), 5, 100,
                Duration.ofMinutes(10)), Messages.JOB_NOTICES, new FakeClock(), new SimpleMeterRegistry());
        dispatcher.registerSink("test", (job, event) -> events.add(event));
        core = new CommandCore(dispatcher, storage, LIMITS);
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    private long made(Reply reply) {
        assertThat(reply).as(reply.text()).isInstanceOf(Reply.Queued.class);
        while (dispatcher.runNext()) {
            // run everything queued
        }
        return ((Reply.Queued) reply).generationId();
    }

    private AnimationRequest stored(long id) {
        Generation g = storage.generations().find(id).orElseThrow();
        assertThat(g.kind()).isEqualTo(GenerationKind.ANIMATION);
        assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
        return StoredJobs.animation(g.parameters());
    }

    @Test
    void keyframesAndFlagsMakeAStoredAnimationWithAnMp4() {
        long id = made(core.handleText(ALICE, "/animate a red fox -> a blue whale -> a green owl --frames 4 --fps 6 "
                + "--seed 1 --to-seed 2,3 --ease smooth --steps 2"));

        AnimationRequest request = stored(id);
        assertThat(request.keyframes()).containsExactly(new Keyframe("a red fox", 1L), new Keyframe("a blue whale",
                2L), new Keyframe("a green owl", 3L));
        assertThat(request.framesPerSegment()).isEqualTo(4);
        assertThat(request.fps()).isEqualTo(6);
        assertThat(request.ease()).isEqualTo(Ease.SMOOTH);
        assertThat(request.settings().steps()).isEqualTo(2);
        Generation g = storage.generations().find(id).orElseThrow();
        assertThat(g.images()).hasSize(7 + 1);
        assertThat(g.images().get(7).path()).endsWith(".mp4");

        JobEvent.Done done = events.stream().filter(JobEvent.Done.class::isInstance).map(JobEvent.Done.class::cast)
                .findFirst().orElseThrow();
        assertThat(done.animation().video().frames()).isEqualTo(7);
        assertThat(done.animation().video().format()).isEqualTo(VideoFormat.MP4);
        assertThat(storage.generations().imageBytes(g.images().get(7))).isEqualTo(done.animation().video().bytes());
        assertThat(core.handleText(ALICE, "/history").text()).contains("#" + id + " \u00b7 animation of 7 frames "
                + "\u00b7 a red fox -> a blue whale -> a green owl");
        assertThat(events).filteredOn(JobEvent.Progress.class::isInstance).map(e -> Messages.status(e, 0))
                .contains("Animating: 28% (frames 1-4 of 7, step 1 of 2)", "Animating: 100% (frames 5-7 of 7, step 2 "
                        + "of 2)");
    }

    @Test
    void aFinishedAnimationNotYetDeliveredComesBackWithItsVideoAfterARestart() {
        long id = made(core.handleText(ALICE, "/animate fox -> whale --frames 3 --seed 5 --to-seed 9 --steps 1"));
        JobEvent.Done sent = events.stream().filter(JobEvent.Done.class::isInstance).map(JobEvent.Done.class::cast)
                .findFirst().orElseThrow();

        List<JobJournal.Finished> again = new StorageJournal(storage, FakeEngine.MODEL).undelivered();

        assertThat(again).singleElement().satisfies(finished -> {
            assertThat(finished.job().id()).isEqualTo(id);
            assertThat(finished.job().spec().kind()).isEqualTo(JobSpec.Kind.ANIMATION);
            JobEvent.Done done = (JobEvent.Done) finished.finalEvent();
            assertThat(done.animation().result().request()).isEqualTo(stored(id));
            assertThat(done.animation().result().frames()).extracting(f -> f.png())
                    .containsExactlyElementsOf(sent.animation().result().frames().stream().map(f -> f.png()).toList());
            assertThat(done.animation().video().bytes()).isEqualTo(sent.animation().video().bytes());
        });
    }

    @Test
    void anAnimationWithAFlaggedFrameIsStillFlaggedWhenDeliveredAfterARestart() {
        long id = made(core.handleText(ALICE, "/animate fox -> nsfw -> whale --frames 2 --seed 5 --steps 1"));
        JobEvent.Done sent = events.stream().filter(JobEvent.Done.class::isInstance).map(JobEvent.Done.class::cast)
                .findFirst().orElseThrow();
        List<Boolean> flags = sent.animation().result().frames().stream().map(f -> f.nsfw()).toList();
        assertThat(flags).contains(true, false);
        assertThat(sent.animation().flagged()).isTrue();

        List<JobJournal.Finished> again = new StorageJournal(storage, FakeEngine.MODEL).undelivered();

        assertThat(again).singleElement().satisfies(finished -> {
            assertThat(finished.job().id()).isEqualTo(id);
            JobEvent.Animation animation = ((JobEvent.Done) finished.finalEvent()).animation();
            assertThat(animation.result().frames()).extracting(f -> f.nsfw()).containsExactlyElementsOf(flags);
            assertThat(animation.flagged()).isTrue();
        });
    }

    @Test
    void overTheFrameLimitIsRefusedBeforeQueueing() {
        assertThat(core.handleText(ALICE, "/animate fox -> whale --frames 13")).isEqualTo(new Reply.Refused(
                "--frames 13 is over this server's limit of 12 frames; use 2 to 12."));
        assertThat(core.handleText(ALICE, "/animate fox -> whale -> owl --frames 8")).isEqualTo(new Reply.Refused(
                "This animation would have 15 frames (2 keyframe steps of 8); this server makes at most 12. Use "
                        + "fewer frames or keyframes."));
        assertThat(core.handleText(ALICE, "/animate a lonely fox").text()).startsWith("An animation travels "
                + "somewhere");
        assertThat(core.handleText(ALICE, "/animate fox -> --frames 4").text()).startsWith("Every keyframe needs a "
                + "prompt");
        assertThat(core.handleText(ALICE, "/imagine fox --frames 4").text()).startsWith("--frames, --fps, --to-seed, "
                + "--ease and --loop are for /animate");
        assertThat(storage.generations().history(1, null, 10)).isEmpty();
    }

    @Test
    void eachFrameCostsOneImageOfTheRateLimit() {
        made(core.handleText(ALICE, "/animate fox -> whale --frames 12 --steps 1"));

        assertThat(core.handleText(ALICE, "/animate fox -> whale --frames 12")).isEqualTo(new Reply.Refused(
                "You have used your images for now (each frame of an animation counts as one; 1 per 1 hour); try "
                        + "again in 4 hours."));
        assertThat(core.handleText(ALICE, "/imagine one more fox --count 4")).isInstanceOf(Reply.Queued.class);
    }

    @Test
    void rerollRerunAndReverseRebuildTheAnimationFromStorageAfterARestart() {
        long id = made(core.handleText(ALICE, "/animate fox -> whale --frames 3 --seed 5 --to-seed 9 --steps 1"));
        boot();

        AnimationRequest rerun = stored(made(core.press(ALICE, ButtonId.of(ButtonAction.RERUN, id).encode())));
        AnimationRequest reversed = stored(made(core.press(ALICE, ButtonId.of(ButtonAction.REVERSE, id).encode())));
        AnimationRequest rerolled = stored(made(core.press(ALICE, ButtonId.of(ButtonAction.REROLL, id).encode())));

        assertThat(rerun).isEqualTo(stored(id));
        assertThat(reversed.keyframes()).containsExactly(new Keyframe("whale", 9L), new Keyframe("fox", 5L));
        assertThat(rerolled.keyframes()).extracting(Keyframe::prompt).containsExactly("fox", "whale");
        assertThat(rerolled.keyframes().get(0).seed()).isEqualTo(FakeEngine.FIRST_RANDOM_SEED);
        assertThat(rerolled.keyframes().get(1).seed()).isNotIn(5L, 9L, FakeEngine.FIRST_RANDOM_SEED);
        assertThat(ButtonId.forAnimation(id)).extracting(ButtonId::label).containsExactly("Re-roll", "Rerun",
                "Reverse", "Delete");
    }
}
