package dev.imagine.engine;

import java.time.Duration;
import java.util.List;

/**
 * A finished animation.
 *
 * @param request the request with every seed and setting filled in: running it again gives the same frames
 * @param frames the pictures in order; frame {@code i}'s seed is its segment's first keyframe's seed and its PNG
 *     carries its own AUTOMATIC1111 {@code parameters} text
 * @param elapsed wall time inside the engine
 * @param batches how many batches the frames ran in
 * @param device where it ran
 */
public record AnimationResult(AnimationRequest request, List<GeneratedImage> frames, Duration elapsed, int batches,
        String device) {

    /** Copies the frame list. */
    public AnimationResult {
        frames = List.copyOf(frames);
    }

    /** Whether the safety checker flagged any frame; the video shows every frame, so it carries the flag then. */
    public boolean anyFrameFlagged() {
        return frames.stream().anyMatch(GeneratedImage::nsfw);
    }
}
