package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db prune}: old finished rows go, and exactly the images nothing references any more; on H2 here, on
 * PostgreSQL by {@link PruneOnPostgresTest}.
 */
class PruneTest {
    @TempDir
    Path dir;
    private StorageBackend.Place place;

    /** The database this run uses. */
    StorageBackend backend() {
        return StorageBackend.H2;
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (place != null) {
            place.close();
        }
    }

    private final TestData.MutableClock clock = new TestData.MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private Set<String> files() throws Exception {
        return place.images();
    }

    private static long done(GenerationRepository generations, NewGeneration request, byte[] init, byte[] png) {
        long id = generations.record(request, init);
        generations.markRunning(id);
        generations.markDone(id, TestData.resolved((String) request.parameters().get("prompt"), 1, 1),
                List.of(new NewImage(0, 1, png, false)), 1);
        return id;
    }

    @Test
    void pruneRemovesOldRowsAndExactlyTheUnreferencedFiles() throws Exception {
        place = backend().place(dir);
        try (Storage storage = place.open(clock)) {
            GenerationRepository generations = storage.generations();
            long user = storage.users().ensure("cli", "local", null).id();
            byte[] oldOnly = TestData.png(1);
            byte[] shared = TestData.png(2);
            byte[] init = TestData.jpeg("init");

            long oldImg2img = done(generations, new NewGeneration(user, GenerationKind.IMG2IMG, null, TestData.MODEL,
                    GenerationParameters.of("prompt", "old img2img"), null), init, oldOnly);
            long oldShared = done(generations, TestData.txt2img(user, "old shared"), null, shared);
            long oldFailed = generations.record(TestData.txt2img(user, "old failed"), null);
            generations.markFailed(oldFailed, "no");
            long oldQueued = generations.record(TestData.txt2img(user, "old but still queued"), null);
            Set<String> oldFiles = files();

            clock.advance(Duration.ofDays(40));
            long recentShared = done(generations, TestData.txt2img(user, "recent shared"), null, shared);
            long child = generations.record(new NewGeneration(user, GenerationKind.VARIATION, oldShared, TestData.MODEL,
                    GenerationParameters.of("prompt", "child"), null), null);
            Generation recent = generations.find(recentShared).orElseThrow();
            String sharedPath = recent.images().get(0).path();

            // leftovers of a crash: a stored image whose row was never committed, and on H2 a half-written
            // temporary file
            byte[] orphan = TestData.png(3);
            String orphanSha = ImageFiles.sha256(orphan);
            place.write(ImageFiles.relativePath(orphanSha, "png"), orphan);
            boolean onFiles = backend() == StorageBackend.H2;
            if (onFiles) {
                Path temp = dir.resolve(ImageFiles.relativePath(orphanSha, "png"))
                        .resolveSibling(orphanSha.substring(0, 16) + "-123.tmp");
                Files.write(temp, new byte[10]);
            }

            Set<String> before = files();
            assertThat(before).hasSize(onFiles ? 5 : 4).containsAll(oldFiles).contains(sharedPath);
            long expectedBytes = oldOnly.length + init.length + orphan.length + (onFiles ? 10 : 0);

            PruneResult result = storage.prune(Duration.ofDays(30));

            assertThat(result).isEqualTo(new PruneResult(3, 2, onFiles ? 4 : 3, expectedBytes));
            assertThat(files()).containsExactly(sharedPath);
            assertThat(generations.find(oldImg2img)).isEmpty();
            assertThat(generations.find(oldShared)).isEmpty();
            assertThat(generations.find(oldFailed)).isEmpty();
            assertThat(generations.find(oldQueued).orElseThrow().status()).isEqualTo(GenerationStatus.QUEUED);
            assertThat(generations.find(child).orElseThrow().parentId()).isNull();
            assertThat(generations.imageBytes(generations.find(recentShared).orElseThrow().images().get(0)))
                    .isEqualTo(shared);
            if (onFiles) {
                assertThat(dir.resolve("images/" + orphanSha.substring(0, 2))).doesNotExist();
            }

            assertThat(storage.prune(Duration.ofDays(30))).isEqualTo(new PruneResult(0, 0, 0, 0));
            assertThatThrownBy(() -> storage.prune(Duration.ofDays(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
