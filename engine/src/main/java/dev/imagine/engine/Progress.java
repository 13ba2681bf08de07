package dev.imagine.engine;

import java.time.Duration;

/**
 * One finished denoising step.
 *
 * @param step steps done, 1 to {@code totalSteps}
 * @param totalSteps denoising steps in this job (UNet rounds; PLMS makes one more than requested)
 * @param elapsed time since the job started
 */
public record Progress(int step, int totalSteps, Duration elapsed) {

    /** Checks the counts. */
    public Progress {
        if (step < 0 || step > totalSteps) {
            throw new IllegalArgumentException("step " + step + " outside 0.." + totalSteps);
        }
    }

    /** Percentage done, 0 to 100. */
    public int percent() {
        return totalSteps == 0 ? 100 : (int) (100L * step / totalSteps);
    }
}
