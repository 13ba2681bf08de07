package dev.imagine.engine;

import dev.imagine.engine.video.VideoEncoding;
import java.util.ArrayList;
import java.util.List;

/**
 * An animation: frames that travel between keyframes (prompts and seeds). Between each pair of keyframes lie
 * {@code framesPerSegment} frames, the last frame of one segment being the first of the next; with {@code loop} a
 * last segment leads back to the first keyframe, and its final frame (the first frame again) is left out so the
 * video loops without a stall. The negative prompt, sampler, steps, guidance and size are {@code settings}'s; its
 * prompt and seed are not used.
 *
 * @param keyframes at least one; one keyframe alone makes sense only with {@code loop} false and gives one frame
 * @param framesPerSegment frames from one keyframe to the next, both included: 2 to {@value #MAX_FRAMES_PER_SEGMENT}
 * @param ease how frames are spaced along a segment
 * @param loop whether to travel back to the first keyframe
 * @param fps frames per second of the video, 1 to 60
 * @param settings text-to-image settings without variation seed or hires fix
 */
public record AnimationRequest(List<Keyframe> keyframes, int framesPerSegment, Ease ease, boolean loop, int fps,
        GenerationRequest settings) {
    /** Most frames per segment. */
    public static final int MAX_FRAMES_PER_SEGMENT = 480;
    /** Frames per segment when none is given. */
    public static final int DEFAULT_FRAMES = 16;
    /** Frames per second when none is given. */
    public static final int DEFAULT_FPS = 8;

    /** Validates every field with a sentence a user can act on. */
    public AnimationRequest {
        if (keyframes == null || keyframes.isEmpty()) {
            throw new IllegalArgumentException("an animation needs at least one keyframe");
        }
        keyframes = List.copyOf(keyframes);
        if (keyframes.size() < 2 && loop) {
            throw new IllegalArgumentException("a looping animation needs at least two keyframes (a second prompt or "
                    + "seed)");
        }
        if (framesPerSegment < 2 || framesPerSegment > MAX_FRAMES_PER_SEGMENT) {
            throw new IllegalArgumentException("frames must be between 2 and " + MAX_FRAMES_PER_SEGMENT + ", got "
                    + framesPerSegment);
        }
        if (ease == null) {
            ease = Ease.LINEAR;
        }
        if (fps < VideoEncoding.MIN_FPS || fps > VideoEncoding.MAX_FPS) {
            throw new IllegalArgumentException("fps must be between " + VideoEncoding.MIN_FPS + " and "
                    + VideoEncoding.MAX_FPS + ", got " + fps);
        }
        if (settings == null) {
            settings = GenerationRequest.builder("").build();
        }
        if (settings.isImageToImage() || settings.upscale() != null || settings.hasVariation()
                || settings.count() != 1) {
            throw new IllegalArgumentException("an animation is text-to-image: no init image, upscale, variation seed "
                    + "or count");
        }
    }

    /** Number of segments: one per pair of keyframes, plus the way back with {@code loop}. */
    public int segments() {
        return loop ? keyframes.size() : keyframes.size() - 1;
    }

    /** Number of frames in the video. */
    public int frameCount() {
        int segments = segments();
        if (segments == 0) {
            return 1;
        }
        return segments * (framesPerSegment - 1) + (loop ? 0 : 1);
    }

    /** Every frame, in order: which keyframes it lies between and at what fraction. */
    public List<AnimationFrame> frames() {
        List<AnimationFrame> frames = new ArrayList<>(frameCount());
        if (segments() == 0) {
            frames.add(new AnimationFrame(0, 0, 0, 0));
            return frames;
        }
        for (int s = 0; s < segments(); s++) {
            int to = (s + 1) % keyframes.size();
            for (int i = s == 0 ? 0 : 1; i < framesPerSegment; i++) {
                boolean backAtTheStart = loop && s == segments() - 1 && i == framesPerSegment - 1;
                if (!backAtTheStart) {
                    double t = ease.apply(i / (double) (framesPerSegment - 1));
                    frames.add(new AnimationFrame(frames.size(), s, to, t));
                }
            }
        }
        return frames;
    }

    /** The keyframes with every seed filled in: a missing one takes the previous keyframe's. */
    List<Keyframe> seededKeyframes(long firstSeed) {
        List<Keyframe> seeded = new ArrayList<>(keyframes.size());
        long previous = firstSeed;
        for (Keyframe keyframe : keyframes) {
            long seed = keyframe.seed() != null ? keyframe.seed() : previous;
            seeded.add(new Keyframe(keyframe.prompt(), seed));
            previous = seed;
        }
        return seeded;
    }

    /** This request with {@code keyframes} instead. */
    public AnimationRequest withKeyframes(List<Keyframe> replaced) {
        return new AnimationRequest(replaced, framesPerSegment, ease, loop, fps, settings);
    }
}
