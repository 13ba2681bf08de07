package dev.imagine.engine;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Writes each tiny model variant once per test JVM and opens engines on it. */
final class TestModels {
    private static final Map<TinyModelSpec, Path> WRITTEN = new ConcurrentHashMap<>();
    private static final Path ROOT;

    static {
        try {
            ROOT = Files.createTempDirectory("imagine-test-models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestModels() {
    }

    static Path folder(TinyModelSpec spec) {
        return WRITTEN.computeIfAbsent(spec, s -> {
            Path dir = ROOT.resolve("model-" + WRITTEN.size() + "-" + Integer.toHexString(s.hashCode()));
            try {
                TinyModelWriter.write(dir, s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        });
    }

    static ImageEngine open(TinyModelSpec spec) {
        return ImageEngine.open(folder(spec), new EngineOptions(ExecutionDevice.cpu(), 1, 1, null));
    }
}
