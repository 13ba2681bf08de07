package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.Ease;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.engine.video.VideoTooLargeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An animation job's result: frames and an MP4 at full quality, progress by frame, and a smaller encoding (or a
 * sentence) where a platform takes smaller files; an animation costs its frames in the rate bucket; it is flagged
 * for the safety policy when any frame is.
 */
class AnimationsTest {
    private static final AnimationRequest REQUEST = new AnimationRequest(List.of(new Keyframe("fox", 1L),
            new Keyframe("whale", 2L)), 6, Ease.LINEAR, false, 4, GenerationRequest.builder("").steps(2).build());

    @Test
    void framesAndVideoComeBackWithProgressByFrame() throws VideoTooLargeException {
        List<JobEvent.Progress> progress = new ArrayList<>();

        JobEvent.Done done = Animations.run(new FakeEngine(), REQUEST, progress::add, new CancellationToken());

        assertThat(done.result().images()).hasSize(6);
        assertThat(done.animation().video().format()).isEqualTo(VideoFormat.MP4);
        assertThat(done.animation().video().frames()).isEqualTo(6);
        assertThat(done.animation().seconds()).isEqualTo(2);
        assertThat(progress).extracting(JobEvent.Progress::frames).containsExactly(new JobEvent.Frames(1, 4, 6),
                new JobEvent.Frames(1, 4, 6), new JobEvent.Frames(5, 6, 6), new JobEvent.Frames(5, 6, 6));
        assertThat(progress.get(3).percent()).isEqualTo(100);
        assertThat(done.animation().fitting(Long.MAX_VALUE)).isSameAs(done.animation().video());
    }

    @Test
    void overAPlatformsLimitASmallerEncodingIsTriedThenASentence() {
        JobEvent.Animation animation = Animations.run(new FakeEngine(), REQUEST, p -> { }, new CancellationToken())
                .animation();
        int full = animation.video().bytes().length;

        EncodedVideo smaller;
        try {
            smaller = animation.fitting(full - 1);
        } catch (VideoTooLargeException e) {
            throw new AssertionError(e);
        }

        assertThat(smaller.bytes().length).isLessThan(full);
        assertThat(smaller.reduced()).isTrue();
        assertThat(smaller.frames()).isEqualTo(6);
        assertThatThrownBy(() -> animation.fitting(200)).isInstanceOf(VideoTooLargeException.class)
                .hasMessageContaining("over the limit of 0.0 MB").hasMessageContaining("use fewer frames");
    }

    @Test
    void oneFlaggedFrameFlagsTheAnimationForTheAdaptersAndItsStoredVideo() {
        JobEvent.Animation clean = Animations.run(new FakeEngine(), REQUEST, p -> { }, new CancellationToken())
                .animation();
        List<GeneratedImage> frames = new ArrayList<>(clean.result().frames());
        GeneratedImage third = frames.get(2);
        frames.set(2, new GeneratedImage(third.index(), third.seed(), third.image(), third.parameters(), true));
        AnimationResult oneFlagged = new AnimationResult(clean.result().request(), frames, Duration.ZERO, 2, "cpu");

        assertThat(clean.flagged()).isFalse();
        assertThat(JobEvent.Done.animation(oneFlagged, clean.video()).animation().flagged()).isTrue();
        assertThat(StoredJobs.images(oneFlagged, clean.video())).last()
                .satisfies(video -> assertThat(video.nsfw()).isTrue());
        assertThat(StoredJobs.images(clean.result(), clean.video())).noneMatch(image -> image.nsfw());
    }

    @Test
    void anAnimationCostsOneImagePerFrame() {
        assertThat(JobSpec.animation(REQUEST, null).images()).isEqualTo(6);
        assertThat(JobSpec.animation(REQUEST.withKeyframes(List.of(new Keyframe("fox", 1L), new Keyframe("owl", null),
                new Keyframe("whale", 3L))), null).images()).isEqualTo(11);
    }
}
