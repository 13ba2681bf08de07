package dev.imagine.bot.cli;

import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ImageInput;
import dev.imagine.engine.ProgressListener;
import dev.imagine.engine.PromptUsage;
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
 * {@code imagine generate}: one job from the command line, written as PNG files with their parameters and recorded in
 * the data directory so {@code imagine rerun} can make it again.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a prompt (and optionally an init image) with a Stable Diffusion ONNX model.")
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ImagineCommand parent;

    @CommandLine.Mixin
    ModelOption model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "What to draw.")
    String prompt;

    @Option(names = "--seed", paramLabel = "N", description = "0..4294967295; random (and printed) when absent.")
    Long seed;

    @CommandLine.Mixin
    SettingsOptions settings;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Images, 1..8; image i uses seed+i.")
    int count;

    @Option(names = "--init-image", paramLabel = "FILE", description = "PNG, JPEG or WebP to start from (img2img).")
    Path initImage;

    @Option(names = "--strength", paramLabel = "F", description = "img2img: 0 keeps the image, 1 replaces it (default 0.75).")
    Double strength;

    @Option(names = "--subseed", paramLabel = "N", description = "Variation seed mixed into the seed's noise (random when "
            + "only --subseed-strength is given).")
    Long subseed;

    @Option(names = "--subseed-strength", paramLabel = "F", description = "How much of the variation seed to use, 0..1.")
    Double subseedStrength;

    @Option(names = "--upscale", paramLabel = "F", description = "Hires fix: resize by 1.5..4 (Lanczos) and refine with "
            + "img2img at --hires-strength.")
    Double upscale;

    @Option(names = "--hires-strength", paramLabel = "F", description = "Strength of the hires pass, 0..1 (default 0.35).")
    Double hiresStrength;

    @Option(names = "--original-size", paramLabel = "WxH", converter = PairConverter.Size.class,
            description = "SDXL micro-conditioning: the source size the model is told of (default: the image size).")
    PairConverter.Pair originalSize;

    @Option(names = "--crop", paramLabel = "X,Y", converter = PairConverter.Crop.class,
            description = "SDXL micro-conditioning: the crop's top-left corner the model is told of (default 0,0).")
    PairConverter.Pair crop;

    @CommandLine.Mixin
    EngineOptionsMixin engineOptions;

    @CommandLine.Mixin
    StorageMixin storage;

    @Option(names = {"--out", "-o"}, paramLabel = "FILE|DIR", defaultValue = "out",
            description = "A .png file, or a folder (default ./out).")
    Path out;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        byte[] initBytes = readInitImage();
        GenerationRequest request = buildRequest(initBytes);
        checkUpscale(request);
        checkOut(out, count);
        try (Storage storage = this.storage.openOrCreate();
                ImageEngine engine = ImageEngine.open(model.folder(parent), engineOptions.toOptions())) {
            ProgressListener progress = !noProgress && System.console() != null
                    ? new ProgressBar(stderr) : ProgressListener.NONE;
            GenerationResult result = Recorder.generate(storage, engine, request, initBytes, null, progress, stderr)
                    .result();
            if (progress instanceof ProgressBar bar) {
                bar.finish();
            }
            if (request.seed() == null) {
                stderr.println("seed " + result.request().seed() + " (random)");
            }
            printUsage(stderr, "prompt", result.promptUsage());
            printUsage(stderr, "negative prompt", result.negativeUsage());
            writeAndWarn(result, out, stdout, stderr);
        }
        return 0;
    }

    /**
     * Writes the images as {@link #write} does, prints each path on {@code stdout}, and warns on {@code stderr}
     * about every picture the safety checker flagged, naming its file: a local user sees their own output, so the
     * file is written as it is.
     */
    static void writeAndWarn(GenerationResult result, Path out, PrintWriter stdout, PrintWriter stderr)
            throws IOException {
        List<Path> written = write(result, out);
        for (int i = 0; i < written.size(); i++) {
            stdout.println(written.get(i));
            if (result.images().get(i).nsfw()) {
                stderr.println("warning: the safety checker flagged " + written.get(i)
                        + " as possibly not safe for work");
            }
        }
    }

    /** The init image's file bytes, or {@code null} without {@code --init-image}. */
    private byte[] readInitImage() throws IOException {
        if (initImage == null) {
            if (strength != null) {
                throw new UserException("--strength needs --init-image");
            }
            return null;
        }
        PathChecks.readableFile("--init-image", initImage);
        if (Files.size(initImage) > ImageInput.DEFAULT_MAX_BYTES) {
            throw new UserException("init image " + initImage + " is " + Files.size(initImage) / (1024 * 1024)
                    + " MB; the limit is " + ImageInput.DEFAULT_MAX_BYTES / (1024 * 1024) + " MB");
        }
        return Files.readAllBytes(initImage);
    }

    /**
     * Refuses, before the engine opens, an upscale whose finished size is over the largest side the engine makes,
     * for the sides given on the command line (a side left to the model's default is checked by the engine, still
     * before the base image).
     */
    private static void checkUpscale(GenerationRequest request) {
        if (request.upscale() == null) {
            return;
        }
        int max = EngineOptions.DEFAULT_MAX_SIDE;
        boolean wide = request.width() != null && request.outputWidth() > max;
        boolean tall = request.height() != null && request.outputHeight() > max;
        if (wide || tall) {
            throw new UserException("--upscale " + request.upscale() + " makes "
                    + (wide ? request.outputWidth() + " pixels wide" : request.outputHeight() + " pixels tall")
                    + ", over the largest side of " + max + "; use a smaller --upscale, --width or --height");
        }
    }

    /**
     * Checks, before any work, that the images can be written where {@link #write} puts them: a {@code .png} name
     * that is no folder in a writable folder, or a folder that is writable (both created when missing).
     */
    static void checkOut(Path out, int count) {
        if (out == null || out.toString().isBlank()) {
            throw new UserException("--out is empty; name a .png file or a folder");
        }
        if (single(out)) {
            PathChecks.writableFile("--out", out);
        } else {
            PathChecks.writableFolder("--out", out);
        }
    }

    private static boolean single(Path out) {
        return out.getFileName() != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
    }

    /** "prompt: 2 chunks, 104 tokens" for a prompt past one chunk, and the words not used, on stderr. */
    private static void printUsage(PrintWriter stderr, String which, PromptUsage usage) {
        if (usage == null) {
            return;
        }
        if (usage.chunks() > 1) {
            stderr.println(which + ": " + usage.describe());
        }
        if (usage.cut()) {
            stderr.println("note: the " + which + " is longer than " + usage.cutBecause() + "; not used: "
                    + TerminalText.escape(usage.cutWords()));
        }
    }

    private GenerationRequest buildRequest(byte[] initBytes) {
        BufferedImage init = initBytes == null ? null : ImageInput.decode(initBytes);
        if (subseed != null && subseedStrength == null) {
            throw new UserException("--subseed needs --subseed-strength (0..1)");
        }
        return settings.applyTo(GenerationRequest.builder(prompt))
                .seed(seed)
                .count(count)
                .initImage(init)
                .strength(strength)
                .subseed(subseed)
                .subseedStrength(subseed != null && subseedStrength == null ? null : subseedStrength)
                .upscale(upscale)
                .hiresStrength(hiresStrength)
                .originalSize(originalSize == null ? null : originalSize.first(),
                        originalSize == null ? null : originalSize.second())
                .crop(crop == null ? null : crop.first(), crop == null ? null : crop.second())
                .build();
    }

    /**
     * Writes each image as a PNG: to {@code out} when it names a {@code .png} file (with {@code -SEED} added for
     * several images), else into the folder {@code out} as {@code imagine-SEED.png}.
     */
    static List<Path> write(GenerationResult result, Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        boolean single = single(out);
        for (GeneratedImage image : result.images()) {
            Path target;
            if (single) {
                String name = out.getFileName().toString();
                String stem = name.substring(0, name.length() - 4);
                target = result.images().size() == 1 ? out : out.resolveSibling(stem + "-" + image.seed() + ".png");
            } else {
                target = out.resolve("imagine-" + image.seed() + ".png");
            }
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(target, image.png());
            files.add(target);
        }
        return files;
    }

}
