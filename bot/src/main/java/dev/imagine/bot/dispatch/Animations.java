package dev.imagine.bot.dispatch;

import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoEncoding;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.engine.video.VideoTooLargeException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs an animation job on the engine and encodes its video, as the worker runs a picture job: the frames come from
 * {@link ImageEngine#animate}, the file is an MP4 at full size and first quality (what storage keeps; a platform that
 * takes less re-encodes from the frames). Stateless.
 */
final class Animations {
    private Animations() {
    }

    /**
     * Makes the frames and the file.
     *
     * @param progress sees each step with the frames of the running batch, on this thread
     * @throws EngineException as {@link ImageEngine#animate} does
     */
    static JobEvent.Done run(ImageEngine engine, AnimationRequest request, Consumer<JobEvent.Progress> progress,
            CancellationToken cancellation) {
        AnimationResult result = engine.animate(request, p -> progress.accept(new JobEvent.Progress(p.step(),
                p.totalSteps(), p.elapsed(), new JobEvent.Frames(p.firstFrame(), p.lastFrame(), p.totalFrames()))),
                cancellation);
        List<BufferedImage> pictures = new ArrayList<>(result.frames().size());
        for (GeneratedImage frame : result.frames()) {
            pictures.add(frame.image());
        }
        EncodedVideo video;
        try {
            video = VideoEncoding.encode(pictures, result.request().fps(), VideoFormat.MP4, Long.MAX_VALUE);
        } catch (VideoTooLargeException e) {
            throw new IllegalStateException("no size limit, yet too large", e);
        }
        return JobEvent.Done.animation(result, video);
    }
}
