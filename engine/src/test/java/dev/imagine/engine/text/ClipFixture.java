package dev.imagine.engine.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real CLIP vocabulary of SD 1.x under {@code ${imagine.shared.dir}/fixtures/clip}. */
final class ClipFixture {
    private ClipFixture() {
    }

    /** The fixture folder; skips the calling test when it is absent. */
    static Path folder() {
        String shared = System.getProperty("imagine.shared.dir");
        assumeTrue(shared != null, "system property imagine.shared.dir is not set; skipping real CLIP vocabulary test");
        Path folder = Path.of(shared, "fixtures", "clip");
        assumeTrue(Files.isRegularFile(folder.resolve("vocab.json")) && Files.isRegularFile(folder.resolve("merges.txt")),
                "real CLIP vocabulary not found at " + folder + "; skipping");
        return folder;
    }
}
