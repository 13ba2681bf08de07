package dev.imagine.engine.prompt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.engine.text.ClipTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tokenizers on the real SD vocabulary under {@code ${imagine.shared.dir}/fixtures/clip}; skips without it. */
final class RealClip {
    static final int BOS = 49406;
    static final int EOS = 49407;
    static final int A = 320;
    static final int COMMA = 267;
    /** {@code !} (without {@code </w>}), SD 2.x's pad token. */
    static final int BANG = 0;
    private static final java.util.Map<String, ClipTokenizer> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private RealClip() {
    }

    static ClipTokenizer tokenizer(String padToken) {
        String shared = System.getProperty("imagine.shared.dir");
        assumeTrue(shared != null, "system property imagine.shared.dir is not set; skipping real CLIP vocabulary test");
        Path folder = Path.of(shared, "fixtures", "clip");
        assumeTrue(Files.isRegularFile(folder.resolve("vocab.json")), "no real CLIP vocabulary at " + folder);
        return LOADED.computeIfAbsent(padToken, pad -> {
            try {
                return ClipTokenizer.fromFiles(folder.resolve("vocab.json"), folder.resolve("merges.txt"), pad, 77);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
