package dev.imagine.bot.cli;

import dev.imagine.engine.AnimationListener;
import dev.imagine.engine.AnimationProgress;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationResult;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.AnimationValues;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.Ease;
import dev.imagine.engine.EngineException;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoEncoding;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.engine.video.VideoTooLargeException;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.Storage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imagine animate}: frames that travel from one prompt and seed to the next, written as a looping MP4 or GIF
 * and, with {@code --frames-dir}, as PNGs with their own parameters.
 */
@Command(name = "animate", mixinStandardHelpOptions = true,
        description = "Animate between prompts and seeds: frame t of each segment uses the first keyframe's seed with "
                + "the second's as variation seed at strength t, and the prompts' encodings mixed (1-t, t).")
final class AnimateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ImagineCommand parent;

    @CommandLine.Mixin
    ModelOption model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The first keyframe's prompt.")
    String prompt;

    @Option(names = "--to", paramLabel = "TEXT", description = "The next keyframe's prompt; repeat for more keyframes.")
    List<String> to = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "The first keyframe's seed; random (and printed) when absent.")
    Long seed;

    @Option(names = "--to-seed", paramLabel = "N", description = "The next keyframe's seed; repeat for more keyframes. "
            + "A keyframe without one keeps the previous seed.")
    List<Long> toSeed = new ArrayList<>();

    @Option(names = "--frames", paramLabel = "N", defaultValue = "16",
            description = "Frames from one keyframe to the next, both included (default 16).")
    int frames;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "8", description = "Frames per second, 1..60 (default 8).")
    int fps;

    @Option(names = "--ease", paramLabel = "linear|smooth", defaultValue = "linear",
            description = "Frame spacing: linear (default) or smooth (smoothstep).")
    String ease;

    @Option(names = "--loop", description = "Travel back to the first keyframe so the video loops seamlessly.")
    boolean loop;

    @CommandLine.Mixin
    SettingsOptions settings;

    @CommandLine.Mixin
    EngineOptionsMixin engineOptions;

    @Option(names = {"--out", "-o"}, paramLabel = "FILE", defaultValue = "out/animation.mp4",
            description = "A .mp4 or .gif file (default out/animation.mp4).")
    Path out;

    @Option(names = "--frames-dir", paramLabel = "DIR", description = "Also write each frame as DIR/0000.png ... with "
            + "its parameters.")
    Path framesDir;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @CommandLine.Mixin
    StorageMixin storage;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        VideoFormat format = VideoFormat.forFileName(out.getFileName() == null ? "" : out.getFileName().toString());
        AnimationRequest request = new AnimationRequest(keyframes(prompt, seed, to, toSeed), frames, Ease.parse(ease),
                loop, fps, settings.applyTo(GenerationRequest.builder("")).build());
        PathChecks.writableFile("--out", out);
        if (framesDir != null) {
            PathChecks.writableFolder("--frames-dir", framesDir);
        }
        try (Storage storage = this.storage.openOrCreate();
                ImageEngine engine = ImageEngine.open(model.folder(parent), engineOptions.toOptions())) {
            AnimationResult result = run(storage, engine, request, format, null, out, framesDir, !noProgress, stderr);
            if (seed == null) {
                stderr.println("seed " + result.request().keyframes().get(0).seed() + " (random)");
            }
            stdout.println(out);
        }
        return 0;
    }

    /**
     * Records {@code request} as an animation, runs it, encodes the video, stores the frames (images 0..N-1) and the
     * video (image N) with the resolved parameters, and writes the video to {@code out} and the frames to
     * {@code framesDir} when given; prints the generation's id on {@code err}.
     */
    static AnimationResult run(Storage storage, ImageEngine engine, AnimationRequest request, VideoFormat format,
            Long parentId, Path out, Path framesDir, boolean progressBar, PrintWriter err) throws IOException {
        long id = storage.generations().record(new NewGeneration(Recorder.localUser(storage),
                GenerationKind.ANIMATION, parentId, Recorder.model(engine.model()),
                new GenerationParameters(AnimationValues.toPlain(request)), null), null);
        // A command-line record, as Recorder's: its process named, and its own output is its delivery.
        storage.generations().setProcess(id, Recorder.currentProcess());
        err.println("generation " + id);
        storage.generations().markRunning(id);
        boolean bar = progressBar && System.console() != null;
        AnimationListener progress = bar ? p -> {
            err.print("\r" + render(p));
            err.flush();
        } : AnimationListener.NONE;
        AnimationResult result;
        EncodedVideo video;
        try {
            result = engine.animate(request, progress, new CancellationToken());
            if (bar) {
                err.println();
            }
            List<BufferedImage> pictures = new ArrayList<>();
            for (GeneratedImage frame : result.frames()) {
                pictures.add(frame.image());
            }
            video = VideoEncoding.encode(pictures, request.fps(), format, Long.MAX_VALUE);
        } catch (VideoTooLargeException e) {
            storage.generations().markFailed(id, e.getMessage());
            storage.generations().markDelivered(id);
            throw new UserException(e.getMessage(), e);
        } catch (EngineException e) {
            storage.generations().markFailed(id, e.getMessage());
            storage.generations().markDelivered(id);
            throw e;
        } catch (RuntimeException | Error e) {
            storage.generations().markFailed(id, "the animation failed unexpectedly");
            storage.generations().markDelivered(id);
            throw e;
        }
        long flagged = result.frames().stream().filter(GeneratedImage::nsfw).count();
        storage.generations().markDone(id, StoredJobs.parameters(result.request()), StoredJobs.images(result, video),
                result.elapsed().toMillis());
        storage.generations().markDelivered(id);
        write(out, video.bytes());
        // A local user sees their own output, so the files are written as they are, with a warning naming them.
        if (flagged > 0) {
            err.printf(Locale.ROOT, "warning: the safety checker flagged %d of %d frames of %s as possibly not safe "
                    + "for work%n", flagged, result.frames().size(), out);
        }
        if (framesDir != null) {
            Files.createDirectories(framesDir);
            for (GeneratedImage frame : result.frames()) {
                Path file = framesDir.resolve(String.format(Locale.ROOT, "%04d.png", frame.index()));
                Files.write(file, frame.png());
                if (frame.nsfw()) {
                    err.println("warning: the safety checker flagged " + file + " as possibly not safe for work");
                }
            }
        }
        err.printf(Locale.ROOT, "%d frames at %d fps in %.1fs (%d batches)%n", result.frames().size(), request.fps(),
                result.elapsed().toMillis() / 1000.0, result.batches());
        return result;
    }

    /**
     * The keyframes the options describe: the first is {@code --prompt} and {@code --seed}; keyframe {@code k} takes
     * the {@code k}th {@code --to} and {@code --to-seed}, keeping the previous prompt or seed where one runs out.
     */
    static List<Keyframe> keyframes(String prompt, Long seed, List<String> to, List<Long> toSeed) {
        int count = 1 + Math.max(to.size(), toSeed.size());
        if (count < 2) {
            throw new UserException("an animation travels somewhere: add --to PROMPT or --to-seed N");
        }
        List<Keyframe> keyframes = new ArrayList<>(count);
        keyframes.add(new Keyframe(prompt, seed));
        String previous = prompt;
        for (int k = 1; k < count; k++) {
            previous = k - 1 < to.size() ? to.get(k - 1) : previous;
            keyframes.add(new Keyframe(previous, k - 1 < toSeed.size() ? toSeed.get(k - 1) : null));
        }
        return keyframes;
    }

    static String render(AnimationProgress progress) {
        String frames = progress.firstFrame() == progress.lastFrame() ? "frame " + progress.firstFrame()
                : "frames " + progress.firstFrame() + "-" + progress.lastFrame();
        return String.format(Locale.ROOT, "%3d%% %s/%d step %d/%d  %.1fs", progress.percent(), frames,
                progress.totalFrames(), progress.step(), progress.totalSteps(), progress.elapsed().toMillis() / 1000.0);
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(target, bytes);
    }
}
