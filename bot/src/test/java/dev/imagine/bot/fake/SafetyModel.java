package dev.imagine.bot.fake;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ImageEngine;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The tiny model with its statistic-driven safety checker, and seeds that it flags and does not flag: the engine
 * itself is asked, with the same parameters a chat prompt will resolve to, so a test can make a flagged and a clean
 * picture on purpose.
 */
public final class SafetyModel {
    private SafetyModel() {
    }

    /** A seed whose picture the checker flags and one whose picture it does not. */
    public record Seeds(long flagged, long clean) {
    }

    /** Writes the tiny model with a checker that flags about half the pictures into {@code dir}. */
    public static Path write(Path dir) throws IOException {
        DemoModel.writeTinyWithSafetyChecker(dir, 0.0);
        return dir;
    }

    /**
     * The first flagged and the first clean seed from 1 for {@code prompt} at {@code side x side} and {@code steps}
     * with the model's defaults otherwise.
     *
     * @throws IllegalStateException when 64 seeds give only one verdict
     */
    public static Seeds seeds(Path model, String prompt, int side, int steps) {
        Long flagged = null;
        Long clean = null;
        try (ImageEngine engine = ImageEngine.open(model, new EngineOptions(ExecutionDevice.cpu(), 1, 1, null))) {
            for (long seed = 1; seed <= 64 && (flagged == null || clean == null); seed++) {
                boolean nsfw = engine.generate(GenerationRequest.builder(prompt).size(side, side).steps(steps)
                        .seed(seed).build()).images().get(0).nsfw();
                if (nsfw && flagged == null) {
                    flagged = seed;
                } else if (!nsfw && clean == null) {
                    clean = seed;
                }
            }
        }
        if (flagged == null || clean == null) {
            throw new IllegalStateException("64 seeds gave only " + (flagged == null ? "clean" : "flagged")
                    + " pictures for \"" + prompt + "\"");
        }
        return new Seeds(flagged, clean);
    }
}
