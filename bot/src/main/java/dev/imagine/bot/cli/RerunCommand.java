package dev.imagine.bot.cli;

import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationValues;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine rerun ID}: makes a recorded generation again from its stored parameters and init image; the same
 * model gives the same PNG bytes. The rerun is recorded too, pointing at the original.
 */
@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = "Make a recorded generation again from its stored parameters (the same model gives the same "
                + "image).")
final class RerunCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The generation's number (see imagine history).")
    long id;

    @Option(names = "--seed", paramLabel = "N", description = "Another seed instead of the stored one.")
    Long seed;

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (default: the one it was made with).")
    Path model;

    @Option(names = {"--out", "-o"}, paramLabel = "FILE|DIR", defaultValue = "out",
            description = "A .png file, or a folder (default ./out).")
    Path out;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @CommandLine.Mixin
    EngineOptionsMixin engineOptions;

    @CommandLine.Mixin
    StorageMixin storage;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (videoFile(out)) {
            PathChecks.writableFile("--out", out);
        } else {
            GenerateCommand.checkOut(out, 1);
        }
        try (Storage storage = this.storage.openExisting()) {
            RerunSpec rerun = storage.generations().rerunSpec(id)
                    .orElseThrow(() -> new UserException("there is no generation " + id + " in "
                            + storage.dataDirectory()));
            Path modelDir = model;
            if (modelDir == null) {
                if (rerun.model().path() == null) {
                    throw new UserException("generation " + id + " does not say where its model was; pass --model DIR");
                }
                modelDir = Path.of(rerun.model().path());
            }
            boolean animation = rerun.kind() == GenerationKind.ANIMATION;
            AnimationRequest animationRequest = animation ? animationRequest(rerun) : null;
            GenerationRequest request = animation ? null : Recorder.request(rerun, seed);
            try (ImageEngine engine = ImageEngine.open(modelDir, engineOptions.toOptions())) {
                String fingerprint = engine.model().fingerprint();
                if (!Objects.equals(fingerprint, rerun.model().fingerprint())) {
                    stderr.println("warning: generation " + id + " was made with model " + rerun.model().name()
                            + " (fingerprint " + rerun.model().fingerprint() + "); " + engine.model().name()
                            + " has fingerprint " + fingerprint + ", so the image may differ");
                }
                if (animation) {
                    Path target = videoFile(out) ? out : out.resolve("animation-" + id + ".mp4");
                    AnimateCommand.run(storage, engine, animationRequest,
                            VideoFormat.forFileName(target.getFileName().toString()), id, target, null, !noProgress,
                            stderr);
                    stdout.println(target);
                    return 0;
                }
                ProgressListener progress = !noProgress && System.console() != null
                        ? new ProgressBar(stderr) : ProgressListener.NONE;
                GenerationResult result = Recorder.generate(storage, engine, request, rerun.initImage(), id, progress,
                        stderr).result();
                if (progress instanceof ProgressBar bar) {
                    bar.finish();
                }
                GenerateCommand.writeAndWarn(result, out, stdout, stderr);
            }
        }
        return 0;
    }

    /** Whether {@code out} names a video file (an animation's rerun) rather than a picture or a folder. */
    private static boolean videoFile(Path out) {
        return out != null && out.getFileName() != null
                && out.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(mp4|gif)");
    }

    /** The stored animation, with {@code --seed} as its first keyframe's seed when given. */
    private AnimationRequest animationRequest(RerunSpec rerun) {
        AnimationRequest stored;
        try {
            stored = AnimationValues.fromPlain(rerun.parameters().values());
        } catch (IllegalArgumentException e) {
            throw new UserException("generation " + id + " cannot be rerun: " + e.getMessage(), e);
        }
        if (seed == null) {
            return stored;
        }
        List<Keyframe> keyframes = new ArrayList<>(stored.keyframes());
        keyframes.set(0, new Keyframe(keyframes.get(0).prompt(), seed));
        return new AnimationRequest(keyframes, stored.framesPerSegment(), stored.ease(), stored.loop(), stored.fps(),
                stored.settings());
    }
}
