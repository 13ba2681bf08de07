package dev.imagine.engine;

import java.time.Duration;

/**
 * Where a job's time went.
 *
 * @param total wall time of the whole job inside the engine
 * @param inOnnxRuntime time spent inside ONNX Runtime calls (text encoder, UNet, VAE)
 * @param unet time spent inside UNet calls
 * @param unetCalls number of UNet calls
 * @param steps denoising steps
 * @param safetyChecker time spent checking the pictures (feature extraction and the checker's graph); zero without
 *     a checker
 */
public record Timings(Duration total, Duration inOnnxRuntime, Duration unet, int unetCalls, int steps,
        Duration safetyChecker) {

    /** Timings of a job without a safety check. */
    public Timings(Duration total, Duration inOnnxRuntime, Duration unet, int unetCalls, int steps) {
        this(total, inOnnxRuntime, unet, unetCalls, steps, Duration.ZERO);
    }

    /** The engine's own share of the wall time: everything outside ONNX Runtime, 0 to 1. */
    public double overheadFraction() {
        long totalNanos = total.toNanos();
        return totalNanos == 0 ? 0 : Math.max(0, totalNanos - inOnnxRuntime.toNanos()) / (double) totalNanos;
    }

    /** Average UNet time per step. */
    public Duration unetPerStep() {
        return steps == 0 ? Duration.ZERO : unet.dividedBy(steps);
    }
}
