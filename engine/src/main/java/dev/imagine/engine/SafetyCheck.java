package dev.imagine.engine;

import dev.imagine.engine.image.ClipImageProcessor;
import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.SafetyChecker;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The step after decoding: each finished picture goes through the CLIP feature extractor and the safety checker,
 * which return a verdict per picture. The pictures themselves are not changed. Owns the checker.
 */
final class SafetyCheck implements AutoCloseable {
    private final SafetyChecker checker;
    private final ClipImageProcessor processor;

    SafetyCheck(SafetyChecker checker, ClipImageProcessor processor) {
        this.checker = checker;
        this.processor = processor;
    }

    /** {@code fp16} or {@code fp32}. */
    String precision() {
        return checker.halfPrecision() ? "fp16" : "fp32";
    }

    /** The verdict for each picture, in order. */
    boolean[] check(List<BufferedImage> images) throws InferenceException {
        boolean[] flags = new boolean[images.size()];
        for (int i = 0; i < flags.length; i++) {
            BufferedImage image = images.get(i);
            float[] clip = processor.process(image);
            flags[i] = checker.flagged(clip, processor.outputHeight(), processor.outputWidth(), image);
        }
        return flags;
    }

    @Override
    public void close() {
        checker.close();
    }
}
