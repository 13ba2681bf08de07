package dev.imagine.bot.cli;

import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.ProgressListener;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.Storage;
import java.io.PrintWriter;

/**
 * Runs command-line generations and records them (platform {@code cli}, one local user): queued before the engine
 * starts, running, then done with the engine's resolved parameters and images, failed, or cancelled. Maps between the
 * engine's request and result and the storage records.
 */
final class Recorder {
    static final String PLATFORM = "cli";
    static final String LOCAL_USER = "local";

    private Recorder() {
    }

    /** A generation that was recorded and finished. */
    record Recorded(long id, GenerationResult result) {
    }

    static long localUser(Storage storage) {
        return storage.users().ensure(PLATFORM, LOCAL_USER, null).id();
    }

    /**
     * Records {@code request}, runs it and records the outcome; prints the generation's id on {@code err}.
     *
     * @param initImage the init image's original file bytes (img2img), or {@code null}
     */
    static Recorded generate(Storage storage, ImageEngine engine, GenerationRequest request, byte[] initImage,
            Long parentId, ProgressListener progress, PrintWriter err) {
        GenerationKind kind = request.isImageToImage() ? GenerationKind.IMG2IMG : GenerationKind.TXT2IMG;
        long id = storage.generations().record(new NewGeneration(localUser(storage), kind, parentId,
                model(engine.model()), parameters(request), null), initImage);
        err.println("generation " + id);
        storage.generations().markRunning(id);
        GenerationResult result;
        try {
            result = engine.generate(request, progress, new CancellationToken());
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.CANCELLED) {
                recordFailure(e, () -> storage.generations().markCancelled(id));
            } else {
                recordFailure(e, () -> storage.generations().markFailed(id, e.getMessage()));
            }
            throw e;
        } catch (RuntimeException | Error e) {
            recordFailure(e, () -> storage.generations().markFailed(id, "the generation failed unexpectedly"));
            throw e;
        }
        storage.generations().markDone(id, parameters(result.request()), StoredJobs.images(result),
                result.timings().total().toMillis());
        return new Recorded(id, result);
    }

    /** Records a failure without letting a second error hide the first. */
    private static void recordFailure(Throwable failure, Runnable mark) {
        try {
            mark.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    static ModelRef model(ModelInfo info) {
        return StoredJobs.model(info);
    }

    static GenerationParameters parameters(GenerationRequest request) {
        return StoredJobs.parameters(request);
    }

    static GenerationRequest request(RerunSpec spec, Long seed) {
        return StoredJobs.request(spec, seed);
    }
}
