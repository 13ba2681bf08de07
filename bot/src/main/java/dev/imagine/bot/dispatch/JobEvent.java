package dev.imagine.bot.dispatch;

import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.Timings;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoEncoding;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.engine.video.VideoTooLargeException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What happens to a job, in order: queued, started, progress..., then exactly one of done, failed, cancelled. */
public sealed interface JobEvent {

    /**
     * Accepted and waiting; {@code position} jobs run before it (0: it is next). {@code waitingForWorker}: in a
     * cluster, no worker is running now, so it waits until one starts.
     */
    record Queued(int position, boolean waitingForWorker) implements JobEvent {
        /** Queued where a worker runs. */
        public Queued(int position) {
            this(position, false);
        }
    }

    /** The engine took it. */
    record Started() implements JobEvent {
    }

    /**
     * A denoising step finished.
     *
     * @param frames for an animation, which frames the running batch makes; else {@code null}
     */
    record Progress(int step, int totalSteps, Duration elapsed, Frames frames) implements JobEvent {
        /** A step of a job that is not an animation. */
        public Progress(int step, int totalSteps, Duration elapsed) {
            this(step, totalSteps, elapsed, null);
        }

        /** Percentage done (of all frames, for an animation). */
        public int percent() {
            if (frames != null) {
                long done = (long) (frames.first() - 1) * totalSteps
                        + (long) (frames.last() - frames.first() + 1) * step;
                long total = (long) frames.total() * totalSteps;
                return total == 0 ? 100 : (int) (100 * done / total);
            }
            return totalSteps == 0 ? 100 : 100 * step / totalSteps;
        }
    }

    /**
     * The frames an animation's running batch makes.
     *
     * @param first the batch's first frame, from 1
     * @param last its last frame, from 1
     * @param total frames in the animation
     */
    record Frames(int first, int last, int total) {
    }

    /**
     * Finished; the images are stored.
     *
     * @param result the pictures; for an animation, its frames as pictures with its settings and first keyframe
     * @param animation for an animation, its frames and video file; else {@code null}
     */
    record Done(GenerationResult result, Animation animation) implements JobEvent {
        /** A finished job that is not an animation. */
        public Done(GenerationResult result) {
            this(result, null);
        }

        /** The final event of a finished animation: its frames as pictures, and the animation itself. */
        public static Done animation(AnimationResult result, EncodedVideo video) {
            Keyframe first = result.request().keyframes().get(0);
            GenerationResult pictures = new GenerationResult(result.request().settings().toBuilder()
                    .prompt(first.prompt()).seed(first.seed()).build(), result.frames(), "", "",
                    new Timings(result.elapsed(), Duration.ZERO, Duration.ZERO, 0, 0), result.device());
            return new Done(pictures, new Animation(result, video));
        }
    }

    /**
     * A finished animation.
     *
     * @param result the frames, with the request every seed filled in
     * @param video the file as stored, at full size and the first quality; an adapter whose platform takes less
     *     encodes a smaller one from the frames ({@code VideoEncoding.encode} with its limit)
     */
    record Animation(AnimationResult result, EncodedVideo video) {
        /**
         * The video to send where files may be at most {@code maxBytes}: the stored one when it fits, else a smaller
         * MP4 made from the frames (coarser quantisers, then half size; see {@link VideoEncoding#encode}). Encoding
         * takes a moment: call it off the dispatcher's thread.
         *
         * @throws VideoTooLargeException with a sentence when even the smallest encoding is over {@code maxBytes}
         */
        public EncodedVideo fitting(long maxBytes) throws VideoTooLargeException {
            if (video.bytes().length <= maxBytes) {
                return video;
            }
            List<BufferedImage> frames = new ArrayList<>(result.frames().size());
            for (GeneratedImage frame : result.frames()) {
                frames.add(frame.image());
            }
            return VideoEncoding.encode(frames, result.request().fps(), VideoFormat.MP4, maxBytes);
        }

        /**
         * Whether the safety checker flagged any frame, so the video goes out under the safety policy as a flagged
         * picture would. Frames rebuilt from storage after a restart keep their flags, so both deliveries agree.
         */
        public boolean flagged() {
            return result.anyFrameFlagged();
        }

        /** How long the video plays, in whole seconds, at least 1. */
        public int seconds() {
            return Math.max(1, (int) Math.ceil(result.frames().size() / (double) result.request().fps()));
        }
    }

    /** Failed; {@code message} is a sentence for the user. */
    record Failed(String message) implements JobEvent {
    }

    /** Cancelled by the user, a moderator or the time limit; {@code reason} says which. */
    record Cancelled(String reason) implements JobEvent {
    }

    /** Whether this event ends the job. */
    default boolean isFinal() {
        return this instanceof Done || this instanceof Failed || this instanceof Cancelled;
    }
}
