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
import dev.imagine.storage.GenerationRepository;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs command-line generations and records them (platform {@code cli}, one local user): queued before the engine
 * starts, running, then done with the engine's resolved parameters and images, failed, or cancelled. Maps between the
 * engine's request and result and the storage records.
 */
final class Recorder {
    static final String PLATFORM = GenerationRepository.COMMAND_LINE;
    /** What an interrupted command-line generation says in its error column. */
    static final String INTERRUPTED = "interrupted: the command was stopped (Ctrl-C, SIGTERM or a kill) before it finished";
    /** How long a shutdown hook waits for the generation to stop at its next step before marking it itself. */
    private static final long HOOK_WAIT_SECONDS = 20;
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
        storage.generations().interruptOrphans(Recorder::processGone, INTERRUPTED);
        long id = storage.generations().record(new NewGeneration(localUser(storage), kind, parentId,
                model(engine.model()), parameters(request), null), initImage);
        storage.generations().setProcess(id, currentProcess());
        CancellationToken token = new CancellationToken();
        CountDownLatch recorded = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: stop at the next step and record the run as interrupted before the JVM ends.
        Thread hook = new Thread(() -> {
            token.cancel(INTERRUPTED);
            try {
                if (!recorded.await(HOOK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    storage.generations().markFailed(id, INTERRUPTED);
                    storage.generations().markDelivered(id);
                }
            } catch (InterruptedException | RuntimeException e) {
                // the JVM is ending; the next command marks the orphan
            }
        }, "imagine-cli-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        GenerationResult result;
        try {
            err.println("generation " + id);
            storage.generations().markRunning(id);
            try {
                result = engine.generate(request, progress, token);
            } catch (EngineException e) {
                if (e.reason() == EngineException.Reason.CANCELLED && INTERRUPTED.equals(e.getMessage())) {
                    recordFailure(e, () -> storage.generations().markFailed(id, INTERRUPTED));
                } else if (e.reason() == EngineException.Reason.CANCELLED) {
                    recordFailure(e, () -> storage.generations().markCancelled(id));
                } else {
                    recordFailure(e, () -> storage.generations().markFailed(id, e.getMessage()));
                }
                recordFailure(e, () -> storage.generations().markDelivered(id));
                throw e;
            } catch (RuntimeException | Error e) {
                recordFailure(e, () -> storage.generations().markFailed(id, "the generation failed unexpectedly"));
                recordFailure(e, () -> storage.generations().markDelivered(id));
                throw e;
            }
            storage.generations().markDone(id, parameters(result.request()), StoredJobs.images(result),
                    result.timings().total().toMillis());
            // The command's own output is the delivery: a dispatcher never sends it anywhere.
            storage.generations().markDelivered(id);
        } finally {
            recorded.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it finds the generation recorded
            }
        }
        return new Recorded(id, result);
    }

    /** This process as {@code host:pid:start}, to tell a live command-line run from one left by a killed process. */
    static String currentProcess() {
        ProcessHandle self = ProcessHandle.current();
        return host() + ":" + self.pid() + ":" + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Whether the process a generation names has ended: unnamed (made before processes were recorded) or on this
     * host with no live process of that pid and start time. A process on another host is never called gone.
     */
    static boolean processGone(String process) {
        if (process == null) {
            return true;
        }
        String[] parts = process.split(":");
        if (parts.length != 3 || !parts[0].equals(host())) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            long start = Long.parseLong(parts[2]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            return handle.isEmpty() || !handle.get().isAlive() || handle.get().info().startInstant()
                    .map(instant -> instant.toEpochMilli() != start).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(':', '_');
        } catch (IOException e) {
            return "localhost";
        }
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
