package dev.imagine.engine;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes small Stable-Diffusion-layout ONNX folders with made-up weights, so the whole pipeline runs with no
 * download. Their graphs have the real input and output names, dtypes and shapes; their pictures are abstract
 * colour fields, not what the prompt says.
 */
public final class DemoModel {
    private DemoModel() {
    }

    /**
     * Writes the demo model (about 6 MB: SD 1.x shapes, a synthetic vocabulary, a VAE encoder for img2img) into
     * {@code dir}, creating it and replacing files of the same names.
     */
    public static void write(Path dir) throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.demo());
    }

    /** Writes a much smaller and faster model of the same layout, meant for tests of other modules. */
    public static void writeTiny(Path dir) throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
    }
}
