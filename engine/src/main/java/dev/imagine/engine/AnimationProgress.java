package dev.imagine.engine;

import java.time.Duration;

/**
 * One finished denoising step of an animation, whose frames run in batches.
 *
 * @param firstFrame the first frame of the running batch, from 1
 * @param lastFrame its last frame, from 1 ({@code firstFrame} when frames run one at a time)
 * @param totalFrames frames in the animation
 * @param step steps done in this batch, 1 to {@code totalSteps}
 * @param totalSteps denoising steps per batch
 * @param elapsed time since the animation started
 */
public record AnimationProgress(int firstFrame, int lastFrame, int totalFrames, int step, int totalSteps,
        Duration elapsed) {

    /** Percentage of the whole animation done, 0 to 100. */
    public int percent() {
        long done = (long) (firstFrame - 1) * totalSteps + (long) (lastFrame - firstFrame + 1) * step;
        long total = (long) totalFrames * totalSteps;
        return total == 0 ? 100 : (int) (100 * done / total);
    }
}
