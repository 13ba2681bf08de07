package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 in the chat: SDXL's {@code --original-size} and {@code --crop} prompt flags reach the engine, are kept in
 * the stored record, come back with {@code /rerun} and are shown by {@code /seed}; an SD 1.x model refuses them with
 * a sentence.
 */
class SdxlChatFlagsTest {
    private static final Caller ALICE = new Caller(new Requester("test", "1", "Alice"),
            new ChatTarget("test", null, "group", null), false);
    /** A made-up SDXL base model as the real engine describes one (euler, 30 steps, CFG 5, 1024 x 1024). */
    private static final ModelInfo SDXL = new ModelInfo("fake-xl", Path.of("fake-xl"), "ORTStableDiffusionXLPipeline",
            ModelFamily.SDXL, "epsilon", 2048, "int64", "", false, 0, true, SamplerKind.EULER, 30, 5.0, 1024, 1024,
            "0000000000000000", "test");

    @TempDir
    Path folder;
    private Storage storage;
    private Dispatcher dispatcher;
    private CommandCore core;
    private FakeEngine engine;

    private void start(ModelInfo model) {
        engine = new FakeEngine(model, EngineOptions.defaults());
        storage = Storage.open(folder);
        dispatcher = new Dispatcher(engine, new StorageJournal(storage, model), new DispatchLimits(
                new RateLimit(10, 1, Duration.ofHours(1)), Map.of(), Map.of(), Set.of(), 5, 100,
                Duration.ofMinutes(10)), Messages.JOB_NOTICES, new FakeClock(), new SimpleMeterRegistry());
        core = new CommandCore(dispatcher, storage, new CommandLimits(model.defaultWidth(), model.defaultHeight(),
                2048, 4, 64 * 1024, 4096L * 4096L));
    }

    @AfterEach
    void stop() {
        if (storage != null) {
            storage.close();
        }
    }

    private long made(String text) {
        Reply reply = core.handleText(ALICE, text);
        assertThat(reply).as(reply.text()).isInstanceOf(Reply.Queued.class);
        while (dispatcher.runNext()) {
            // run everything queued
        }
        return ((Reply.Queued) reply).generationId();
    }

    @Test
    void originalSizeAndCropFlagsReachTheEngineAreStoredRerunAndShown() {
        start(SDXL);
        long id = made("/imagine a red fox --original-size 2048x1536 --crop 64,32 --steps 2 --seed 5");

        GenerationRequest first = engine.requests.get(0);
        assertThat(first.originalWidth()).isEqualTo(2048);
        assertThat(first.originalHeight()).isEqualTo(1536);
        assertThat(first.cropX()).isEqualTo(64);
        assertThat(first.cropY()).isEqualTo(32);
        Generation stored = storage.generations().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(GenerationStatus.DONE);
        assertThat(stored.parameters().get("originalWidth")).isEqualTo(2048L);
        assertThat(stored.parameters().get("originalHeight")).isEqualTo(1536L);
        assertThat(stored.parameters().get("cropX")).isEqualTo(64L);
        assertThat(stored.parameters().get("cropY")).isEqualTo(32L);

        made("/rerun " + id);
        GenerationRequest again = engine.requests.get(1);
        assertThat(again.originalWidth()).isEqualTo(2048);
        assertThat(again.originalHeight()).isEqualTo(1536);
        assertThat(again.cropX()).isEqualTo(64);
        assertThat(again.cropY()).isEqualTo(32);
        assertThat(again.seed()).isEqualTo(5L);

        assertThat(core.handleText(ALICE, "/seed " + id).text()).contains("Original size: 2048x1536")
                .contains("Crop left: 64, Crop top: 32");
        long plain = made("/imagine a red fox --steps 2");
        assertThat(core.handleText(ALICE, "/seed " + plain).text()).doesNotContain("Original size")
                .doesNotContain("Crop");
    }

    @Test
    void anSd1ModelRefusesTheSdxlFlagsWithASentence() {
        start(FakeEngine.MODEL);
        long id = made("/imagine a red fox --crop 0,256 --steps 2");

        Generation stored = storage.generations().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(GenerationStatus.FAILED);
        assertThat(stored.error()).contains("original size and crop are SDXL settings");
    }
}
