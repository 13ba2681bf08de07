package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording generations, their life cycle, history, reruns and stored images: one contract, run on a real H2 file
 * here and on a real PostgreSQL server by {@link GenerationRepositoryOnPostgresTest}.
 */
class GenerationRepositoryTest {
    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;
    private StorageBackend.Place place;

    private final TestData.MutableClock clock = new TestData.MutableClock(START);
    private Storage storage;
    private GenerationRepository generations;
    private long user;

    /** The database this run of the contract uses. */
    StorageBackend backend() {
        return StorageBackend.H2;
    }

    @BeforeEach
    void open() {
        place = backend().place(dir);
        storage = place.open(clock);
        generations = storage.generations();
        user = storage.users().ensure("discord", "1234", "Ada").id();
    }

    @AfterEach
    void close() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (place != null) {
            place.close();
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void aRecordedRequestIsQueuedWithWhatWasAsked() {
        ReplyTarget target = new ReplyTarget("guild-1", "channel-2", "message-3", null);
        GenerationParameters asked = GenerationParameters.of("prompt", "a red fox", "negativePrompt", "blurry",
                "steps", 30, "count", 2);
        long id = generations.record(new NewGeneration(user, GenerationKind.TXT2IMG, null, TestData.MODEL, asked,
                target), null);

        Generation g = generations.find(id).orElseThrow();
        assertThat(g.status()).isEqualTo(GenerationStatus.QUEUED);
        assertThat(g.platform()).isEqualTo("discord");
        assertThat(g.userId()).isEqualTo(user);
        assertThat(g.parameters()).isEqualTo(asked);
        assertThat(g.parameters().get("seed")).isNull();
        assertThat(g.model()).isEqualTo(TestData.MODEL);
        assertThat(g.replyTarget()).isEqualTo(target);
        assertThat(g.queuedAt()).isEqualTo(START);
        assertThat(g.startedAt()).isNull();
        assertThat(g.images()).isEmpty();
        assertThat(generations.find(id + 1)).isEmpty();
    }

    @Test
    void startsAreCountedAndARequeuedRunGoesBackToTheQueue() {
        long id = generations.record(TestData.txt2img(user, "a lighthouse"), null);
        assertThat(generations.find(id).orElseThrow().attempts()).isZero();
        generations.markRunning(id);
        generations.requeue(id);
        Generation requeued = generations.find(id).orElseThrow();
        assertThat(requeued.status()).isEqualTo(GenerationStatus.QUEUED);
        assertThat(requeued.startedAt()).isNull();
        assertThat(requeued.attempts()).isEqualTo(1);
        generations.markRunning(id);
        assertThat(generations.unfinished()).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo(GenerationStatus.RUNNING);
            assertThat(g.attempts()).isEqualTo(2);
        });
        generations.markFailed(id, "interrupted twice");
        assertThatThrownBy(() -> generations.requeue(id)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hiresAndVariationParametersRoundTrip() {
        GenerationParameters asked = GenerationParameters.of("prompt", "a castle", "seed", 5L, "subseed", 9L,
                "subseedStrength", 0.25, "upscale", 2.0, "hiresStrength", 0.35);
        long id = generations.record(new NewGeneration(user, GenerationKind.TXT2IMG, null, TestData.MODEL, asked,
                null), null);
        assertThat(generations.find(id).orElseThrow().parameters()).isEqualTo(asked);
    }

    @Test
    void aDoneGenerationKeepsTheResolvedParametersAndItsImages() throws Exception {
        long id = generations.record(TestData.txt2img(user, "a lighthouse"), null);
        clock.advance(Duration.ofSeconds(2));
        generations.markRunning(id);
        clock.advance(Duration.ofSeconds(5));
        byte[] first = TestData.png(1);
        byte[] second = TestData.png(2);
        GenerationParameters resolved = TestData.resolved("a lighthouse", 41, 2);
        generations.markDone(id, resolved, List.of(new NewImage(0, 41, first, false), new NewImage(1, 42, second, true)),
                4321);

        Generation g = generations.find(id).orElseThrow();
        assertThat(g.status()).isEqualTo(GenerationStatus.DONE);
        assertThat(g.parameters()).isEqualTo(resolved);
        assertThat(g.startedAt()).isEqualTo(START.plusSeconds(2));
        assertThat(g.finishedAt()).isEqualTo(START.plusSeconds(7));
        assertThat(g.engineMillis()).isEqualTo(4321);
        assertThat(g.images()).hasSize(2);
        StoredImage image = g.images().get(1);
        String sha = sha256(second);
        assertThat(image.index()).isEqualTo(1);
        assertThat(image.seed()).isEqualTo(42);
        assertThat(image.nsfw()).isTrue();
        assertThat(image.sha256()).isEqualTo(sha);
        assertThat(image.sizeBytes()).isEqualTo(second.length);
        assertThat(image.path()).isEqualTo("images/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha
                + ".png");
        assertThat(place.read(image.path())).isEqualTo(second);
        assertThat(generations.imageBytes(image)).isEqualTo(second);
        assertThat(generations.imageBytes(g.images().get(0))).isEqualTo(first);
    }

    @Test
    void statusChangesFollowTheLifeCycle() {
        long id = generations.record(TestData.txt2img(user, "x"), null);
        List<NewImage> one = List.of(new NewImage(0, 1, TestData.png(1), false));
        assertThatThrownBy(() -> generations.markDone(id, TestData.resolved("x", 1, 1), one, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("generation " + id + " is queued; only a running generation can finish");
        generations.markRunning(id);
        assertThatThrownBy(() -> generations.markRunning(id))
                .hasMessage("generation " + id + " is running; only a queued generation can start");
        generations.markDone(id, TestData.resolved("x", 1, 1), one, 1);
        assertThatThrownBy(() -> generations.markFailed(id, "boom"))
                .hasMessage("generation " + id + " is done; only a queued or running generation can fail");
        assertThatThrownBy(() -> generations.markCancelled(999))
                .isInstanceOf(IllegalStateException.class).hasMessage("there is no generation 999");

        long cancelled = generations.record(TestData.txt2img(user, "y"), null);
        generations.markCancelled(cancelled);
        assertThat(generations.find(cancelled).orElseThrow().status()).isEqualTo(GenerationStatus.CANCELLED);
        assertThat(generations.find(cancelled).orElseThrow().finishedAt()).isEqualTo(START);
    }

    @Test
    void aFailedGenerationKeepsTheUserFacingErrorCutToTheLimit() {
        long id = generations.record(TestData.txt2img(user, "x"), null);
        generations.markRunning(id);
        String longError = "out of memory; try a smaller size. ".repeat(100);
        generations.markFailed(id, longError);
        Generation g = generations.find(id).orElseThrow();
        assertThat(g.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(g.error()).hasSize(GenerationRepository.MAX_ERROR_CHARS).isEqualTo(longError.substring(0, 1000));
        assertThat(g.images()).isEmpty();
    }

    @Test
    void anAnimationStoresItsFramesAndItsVideoContentAddressedAndIsListed() throws Exception {
        GenerationParameters asked = GenerationParameters.of("prompt", "a harbour", "seed", 11, "to1", "a forest",
                "toSeed1", 22, "framesPerSegment", 3, "fps", 8, "ease", "smooth", "loop", false);
        long id = generations.record(new NewGeneration(user, GenerationKind.ANIMATION, null, TestData.MODEL, asked,
                null), null);
        generations.markRunning(id);
        byte[] mp4 = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0};
        generations.markDone(id, asked, List.of(new NewImage(0, 11, TestData.png(1), false),
                new NewImage(1, 11, TestData.png(2), false), new NewImage(2, 11, TestData.png(3), false),
                new NewImage(3, 11, mp4, false)), 1200);
        long gifId = generations.record(new NewGeneration(user, GenerationKind.ANIMATION, id, TestData.MODEL, asked,
                null), null);
        generations.markRunning(gifId);
        generations.markDone(gifId, asked, List.of(new NewImage(0, 11, TestData.png(1), false),
                new NewImage(1, 11, gif, false)), 10);

        Generation g = generations.find(id).orElseThrow();
        assertThat(g.kind()).isEqualTo(GenerationKind.ANIMATION);
        assertThat(g.parameters()).isEqualTo(asked);
        StoredImage video = g.images().get(3);
        assertThat(video.sha256()).isEqualTo(sha256(mp4));
        assertThat(video.path()).endsWith(sha256(mp4) + ".mp4");
        assertThat(generations.imageBytes(video)).isEqualTo(mp4);
        assertThat(generations.find(gifId).orElseThrow().images().get(1).path()).endsWith(".gif");
        assertThat(generations.find(gifId).orElseThrow().images().get(0).path()).isEqualTo(g.images().get(0).path());
        assertThat(generations.history(user, null, 10)).extracting(Generation::kind)
                .containsExactly(GenerationKind.ANIMATION, GenerationKind.ANIMATION);
    }

    @Test
    void historyPagesAUsersGenerationsNewestFirst() {
        long other = storage.users().ensure("telegram", "1234", "Bob").id();
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = generations.record(TestData.txt2img(user, "prompt " + i), null);
            generations.record(TestData.txt2img(other, "other " + i), null);
        }
        List<Generation> first = generations.history(user, null, 2);
        assertThat(first).extracting(Generation::id).containsExactly(ids[4], ids[3]);
        List<Generation> second = generations.history(user, first.get(1).id(), 2);
        assertThat(second).extracting(Generation::id).containsExactly(ids[2], ids[1]);
        assertThat(generations.history(user, second.get(1).id(), 2)).extracting(Generation::id).containsExactly(ids[0]);
        assertThat(generations.history(user, ids[0], 2)).isEmpty();
        assertThat(generations.history(other, null, 100)).hasSize(5).allMatch(g -> g.platform().equals("telegram"));
        assertThatThrownBy(() -> generations.history(user, null, 0))
                .hasMessage("the page size must be between 1 and 100, got 0");
    }

    @Test
    void unfinishedGenerationsComeInQueueOrder() {
        long a = generations.record(TestData.txt2img(user, "a"), null);
        clock.advance(Duration.ofSeconds(1));
        long b = generations.record(TestData.txt2img(user, "b"), null);
        long c = generations.record(TestData.txt2img(user, "c"), null);
        long d = generations.record(TestData.txt2img(user, "d"), null);
        generations.markRunning(b);
        generations.markCancelled(c);
        assertThat(generations.unfinished()).extracting(Generation::id).containsExactly(a, b, d);
        assertThat(generations.unfinished()).extracting(Generation::status)
                .containsExactly(GenerationStatus.QUEUED, GenerationStatus.RUNNING, GenerationStatus.QUEUED);
    }

    @Test
    void img2imgKeepsTheInitImageBytesForAnExactRerun() throws Exception {
        byte[] init = TestData.jpeg("a photo of a cat");
        GenerationParameters asked = GenerationParameters.of("prompt", "a tiger", "strength", 0.6);
        long id = generations.record(new NewGeneration(user, GenerationKind.IMG2IMG, null, TestData.MODEL, asked,
                null), init);
        generations.markRunning(id);
        GenerationParameters resolved = GenerationParameters.of("prompt", "a tiger", "strength", 0.6,
                "sampler", "pndm", "steps", 50, "guidance", 7.5, "width", 64, "height", 64, "seed", 7L);
        generations.markDone(id, resolved, List.of(new NewImage(0, 7, TestData.png(7), false)), 10);

        RerunSpec spec = generations.rerunSpec(id).orElseThrow();
        assertThat(spec.initImage()).isEqualTo(init);
        assertThat(spec.parameters()).isEqualTo(resolved);
        assertThat(spec.kind()).isEqualTo(GenerationKind.IMG2IMG);
        assertThat(spec.model()).isEqualTo(TestData.MODEL);
        String sha = sha256(init);
        assertThat(generations.find(id).orElseThrow().initImageSha256()).isEqualTo(sha);
        assertThat(place.read("images/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha + ".jpg"))
                .isEqualTo(init);
        assertThat(generations.rerunSpec(id + 100)).isEmpty();

        assertThatThrownBy(() -> generations.record(new NewGeneration(user, GenerationKind.IMG2IMG, null,
                TestData.MODEL, asked, null), null)).hasMessage("an img2img generation needs its init image");
        assertThatThrownBy(() -> generations.record(TestData.txt2img(user, "x"), init))
                .hasMessage("only img2img generations take an init image");
    }

    @Test
    void aMissingOrAlteredFileIsReportedNeverServed() throws Exception {
        long id = generations.record(new NewGeneration(user, GenerationKind.IMG2IMG, null, TestData.MODEL,
                GenerationParameters.of("prompt", "x"), null), TestData.jpeg("init"));
        generations.markRunning(id);
        generations.markDone(id, TestData.resolved("x", 1, 2), List.of(new NewImage(0, 1, TestData.png(1), false),
                new NewImage(1, 2, TestData.png(2), false)), 1);
        Generation g = generations.find(id).orElseThrow();

        place.delete(g.images().get(0).path());
        assertThatThrownBy(() -> generations.imageBytes(g.images().get(0)))
                .isInstanceOfSatisfying(DamagedImageException.class, e -> {
                    assertThat(e.problem()).isEqualTo(DamagedImageException.Problem.MISSING);
                    assertThat(e.path()).isEqualTo(g.images().get(0).path());
                })
                .hasMessageContaining("is missing");

        String second = g.images().get(1).path();
        byte[] altered = place.read(second);
        altered[altered.length - 1] ^= 1;
        place.write(second, altered);
        assertThatThrownBy(() -> generations.imageBytes(g.images().get(1)))
                .isInstanceOfSatisfying(DamagedImageException.class,
                        e -> assertThat(e.problem()).isEqualTo(DamagedImageException.Problem.ALTERED))
                .hasMessageContaining("has been altered").hasMessageContaining(sha256(altered));

        String initSha = g.initImageSha256();
        place.write("images/" + initSha.substring(0, 2) + "/" + initSha.substring(2, 4) + "/" + initSha + ".jpg",
                TestData.jpeg("another picture"));
        assertThatThrownBy(() -> generations.rerunSpec(id)).isInstanceOf(DamagedImageException.class);
    }

    @Test
    void equalPicturesOfOneGenerationAreStoredOnceAndListedTwice() throws Exception {
        byte[] png = TestData.png(6);
        long id = generations.record(TestData.txt2img(user, "twins"), null);
        generations.markRunning(id);
        generations.markDone(id, TestData.resolved("twins", 6, 2), List.of(new NewImage(1, 7, png, false),
                new NewImage(0, 6, png, true)), 1);
        Generation g = generations.find(id).orElseThrow();
        assertThat(g.images()).extracting(StoredImage::index, StoredImage::seed, StoredImage::nsfw)
                .containsExactly(tuple(0, 6L, true), tuple(1, 7L, false));
        assertThat(g.images().get(0).path()).isEqualTo(g.images().get(1).path());
        assertThat(place.images()).hasSize(1);
        assertThat(generations.imageBytes(g.images().get(1))).isEqualTo(png);
    }

    @Test
    void equalImagesAreStoredOnceAndARewriteRepairsADamagedCopy() throws Exception {
        byte[] png = TestData.png(5);
        for (int i = 0; i < 2; i++) {
            long id = generations.record(TestData.txt2img(user, "same"), null);
            generations.markRunning(id);
            if (i == 1) {
                place.write(generations.history(user, null, 2).get(1).images().get(0).path(), new byte[3]);
            }
            generations.markDone(id, TestData.resolved("same", 5, 1), List.of(new NewImage(0, 5, png, false)), 1);
        }
        List<Generation> both = generations.history(user, null, 2);
        assertThat(both.get(0).images().get(0).path()).isEqualTo(both.get(1).images().get(0).path());
        assertThat(place.images()).hasSize(1);
        assertThat(generations.imageBytes(both.get(1).images().get(0))).isEqualTo(png);
    }

    @Test
    void derivedGenerationsPointAtTheirParent() {
        long parent = generations.record(TestData.txt2img(user, "x"), null);
        long child = generations.record(new NewGeneration(user, GenerationKind.VARIATION, parent, TestData.MODEL,
                GenerationParameters.of("prompt", "x", "seed", 3L, "subseed", 9L, "subseedStrength", 0.2), null), null);
        Generation g = generations.find(child).orElseThrow();
        assertThat(g.parentId()).isEqualTo(parent);
        assertThat(g.kind()).isEqualTo(GenerationKind.VARIATION);
        assertThat(g.parameters().get("subseed")).isEqualTo(9L);
        assertThat(g.parameters().get("subseedStrength")).isEqualTo(0.2);
        assertThatThrownBy(() -> generations.record(new NewGeneration(user, GenerationKind.TXT2IMG, 12345L,
                TestData.MODEL, GenerationParameters.of("prompt", "x"), null), null))
                .hasMessage("there is no generation 12345 to derive from");
        assertThatThrownBy(() -> generations.record(TestData.txt2img(98765, "x"), null))
                .hasMessage("there is no user 98765");
    }

    @Test
    void theReplyMessageIsRememberedForLaterEdits() {
        long id = generations.record(new NewGeneration(user, GenerationKind.TXT2IMG, null, TestData.MODEL,
                GenerationParameters.of("prompt", "x"), new ReplyTarget("g", "c", "m", null)), null);
        assertThat(generations.setReplyMessage(id, "reply-9")).isTrue();
        assertThat(generations.find(id).orElseThrow().replyTarget())
                .isEqualTo(new ReplyTarget("g", "c", "m", "reply-9"));
        assertThat(generations.setReplyMessage(id + 1, "r")).isFalse();
    }

    @Test
    void anInterruptedCallerStillGetsItsWriteAndKeepsItsInterruptFlag() {
        Thread.currentThread().interrupt();
        long id;
        try {
            id = generations.record(TestData.txt2img(user, "while interrupted"), null);
            generations.markRunning(id);
        } finally {
            assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        }
        assertThat(generations.find(id).orElseThrow().status()).isEqualTo(GenerationStatus.RUNNING);
    }

    @Test
    void aClosedStorageRefusesWorkClearly() {
        storage.close();
        assertThatThrownBy(() -> generations.record(TestData.txt2img(user, "late"), null))
                .isInstanceOf(StorageException.class).hasMessageContaining("is closed");
        storage.close();
    }

    @Test
    void usersAreRecordedOncePerPlatformId() {
        User again = storage.users().ensure("discord", "1234", "Ada L.");
        assertThat(again.id()).isEqualTo(user);
        assertThat(again.displayName()).isEqualTo("Ada L.");
        assertThat(again.firstSeen()).isEqualTo(START);
        assertThat(storage.users().ensure("telegram", "1234", null).id()).isNotEqualTo(user);
        assertThat(storage.users().setBlocked(user, true)).isTrue();
        assertThat(storage.users().find("discord", "1234").orElseThrow().blocked()).isTrue();
        assertThat(storage.users().find(user).orElseThrow().displayName()).isEqualTo("Ada L.");
        assertThat(storage.users().find("discord", "nobody")).isEmpty();
        assertThatThrownBy(() -> storage.users().ensure("Discord!", "1", null))
                .hasMessageContaining("the platform must be a lower-case name");
    }

    @Test
    void settingsPerUserAndPerChannel() {
        SettingsRepository settings = storage.settings();
        assertThat(settings.user(user)).isEqualTo(GenerationParameters.NONE);
        GenerationParameters mine = GenerationParameters.of("sampler", "euler-a", "steps", 30L, "width", 512L,
                "height", 768L, "negativePrompt", "blurry");
        settings.putUser(user, mine);
        assertThat(settings.user(user)).isEqualTo(mine);
        GenerationParameters channel = GenerationParameters.of("steps", 20L);
        settings.putChannel("discord", "c-1", channel);
        assertThat(settings.channel("discord", "c-1")).isEqualTo(channel);
        assertThat(settings.channel("telegram", "c-1")).isEqualTo(GenerationParameters.NONE);
        settings.putUser(user, GenerationParameters.NONE);
        assertThat(settings.user(user)).isEqualTo(GenerationParameters.NONE);
        assertThatThrownBy(() -> settings.putUser(4242, mine)).hasMessage("there is no user 4242");
        assertThatThrownBy(() -> GenerationParameters.of("steps", List.of(1)))
                .hasMessage("parameter steps must be a text, a number or a boolean, got another kind of value");
    }

    @Test
    void countsForMetrics() {
        long done = generations.record(TestData.txt2img(user, "a"), null);
        generations.markRunning(done);
        byte[] png = TestData.png(3);
        generations.markDone(done, TestData.resolved("a", 3, 1), List.of(new NewImage(0, 3, png, false)), 1);
        long failed = generations.record(TestData.txt2img(user, "b"), null);
        generations.markFailed(failed, "no");
        generations.record(TestData.txt2img(user, "c"), null);

        Counts counts = storage.counts();
        assertThat(counts.users()).isEqualTo(1);
        assertThat(counts.generations()).isEqualTo(3);
        assertThat(counts.generationsByStatus()).containsEntry(GenerationStatus.DONE, 1L)
                .containsEntry(GenerationStatus.FAILED, 1L).containsEntry(GenerationStatus.QUEUED, 1L)
                .containsEntry(GenerationStatus.RUNNING, 0L).containsEntry(GenerationStatus.CANCELLED, 0L);
        assertThat(counts.images()).isEqualTo(1);
        assertThat(counts.imageBytes()).isEqualTo(png.length);
    }

    @Test
    void recordsRefuseValuesNoRowShouldHold() {
        assertThatThrownBy(() -> GenerationParameters.of("prompt", null)).hasMessage(
                "parameter prompt must be a text, a number or a boolean, got nothing");
        assertThatThrownBy(() -> GenerationParameters.of("guidance", Double.NaN))
                .hasMessage("parameter guidance must be a finite number, got NaN");
        assertThatThrownBy(() -> GenerationParameters.of("", 1))
                .hasMessageContaining("a parameter name must be a non-blank single line");
        assertThatThrownBy(() -> new NewGeneration(user, GenerationKind.UPSCALE, null, TestData.MODEL,
                GenerationParameters.of("prompt", "x"), null))
                .hasMessage("a upscale needs the generation it starts from");
        assertThatThrownBy(() -> new ReplyTarget(null, "line\nbreak", null, null))
                .hasMessageContaining("the channel id must be a non-blank single line");
        assertThatThrownBy(() -> new ModelRef(" ", null, null)).hasMessageContaining("the model name");
        assertThat(GenerationParameters.of("seed", 5, "guidance", 7.5f).values())
                .containsExactly(java.util.Map.entry("seed", 5L), java.util.Map.entry("guidance", 7.5));
    }
}
