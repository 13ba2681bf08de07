package dev.imagine.bot.cli;

import dev.imagine.engine.AnimationListener;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.CancellationToken;
import dev.imagine.engine.Ease;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imagine bench}: times a 512x512 job (64x64 latents) and prints the model load time, the UNet time per step,
 * the pipeline's own overhead (the wall time spent outside ONNX Runtime calls, as a share of the total), the PNG
 * encoding time beside the JDK ImageIO writer's, and the process's peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a 512x512 generation: load time, s/step, UNet time per step, the pipeline's own "
                + "overhead, PNG encoding (ours and the JDK's) and peak resident memory.")
final class BenchCommand implements Callable<Integer> {
    /** Most timed runs: enough for a stable median, few enough that a typo does not run for a day. */
    static final int MAX_RUNS = 100;
    /**
     * Most untimed warm-up runs: enough to measure a server that has made a few hundred pictures, whose per-job code
     * the JIT has compiled (in the first hundred jobs much of it still runs interpreted).
     */
    static final int MAX_WARMUP = 1000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ImagineCommand parent;

    @CommandLine.Mixin
    ModelOption model;

    @Option(names = "--steps", paramLabel = "N", description = "Steps per run (default: the model's, 25 for SD 1.x).")
    Integer steps;

    @Option(names = "--size", defaultValue = "512", paramLabel = "N", description = "Image side (default 512).")
    int size;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Timed runs, 1..100 (default 3).")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Untimed runs first, 0..1000 (default 1).")
    int warmup;

    @Option(names = "--sampler", defaultValue = "euler", converter = SamplerConverter.class, paramLabel = "NAME",
            description = "Sampler (default euler).")
    SamplerKind sampler;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "a lighthouse on a cliff at sunset, oil painting",
            description = "Prompt, read with A1111's syntax (default: a short one); a long one measures chunking.")
    String prompt;

    @Option(names = "--negative", paramLabel = "TEXT", defaultValue = "", description = "Negative prompt (default none).")
    String negative;
    @Option(names = "--animation", defaultValue = "0", paramLabel = "N",
            description = "Instead: time an N-frame animation (frames batched) against N single generations.")
    int animationFrames;

    @CommandLine.Mixin
    EngineOptionsMixin engineOptions;

    @Override
    public Integer call() {
        if (runs < 1 || runs > MAX_RUNS) {
            throw new UserException("--runs must be between 1 and " + MAX_RUNS + ", got " + runs);
        }
        if (warmup < 0 || warmup > MAX_WARMUP) {
            throw new UserException("--warmup must be between 0 and " + MAX_WARMUP + ", got " + warmup);
        }
        PrintWriter out = spec.commandLine().getOut();
        long loadStart = System.nanoTime();
        try (ImageEngine engine = ImageEngine.open(model.folder(parent), engineOptions.toOptions())) {
            long loadNanos = System.nanoTime() - loadStart;
            int steps = this.steps != null ? this.steps : engine.model().defaultSteps();
            GenerationRequest request = GenerationRequest.builder(prompt).negativePrompt(negative)
                    .seed(42L).steps(steps).sampler(sampler).size(size, size).build();
            out.printf("model %s on %s, %dx%d (%dx%d latents), %d steps, sampler %s, guidance %s, %d warm-up + %d runs%n",
                    engine.model().name(), engine.model().device(), size, size, size / 8, size / 8, steps,
                    sampler.id(), engine.model().defaultGuidance(), warmup, runs);
            out.printf("model load (sessions created): %.0f ms%n", ms(loadNanos));
            if (animationFrames > 0) {
                benchAnimation(engine, request, out);
                return 0;
            }
            for (int i = 0; i < warmup; i++) {
                GenerationResult result = engine.generate(request);
                if (i == 0) {
                    out.printf("prompt %s, negative %s%n", result.promptUsage().describe(),
                            result.negativeUsage() == null ? "not used" : result.negativeUsage().describe());
                }
                GeneratedImage image = result.images().get(0);
                image.png();
                GeneratedImage.encodePng(image.image(), image.parameters());
                ImageIoPng.encode(image.image());
            }
            List<Timings> timings = new ArrayList<>();
            long[] ours = new long[runs];
            long[] imageIo = new long[runs];
            for (int i = 0; i < runs; i++) {
                GenerationResult result = engine.generate(request);
                Timings t = result.timings();
                timings.add(t);
                GeneratedImage image = result.images().get(0);
                // The engine encodes the picture on its own thread after the job; let it finish so it neither competes
                // with the timed encodes below nor with the next job.
                image.png();
                long pngStart = System.nanoTime();
                int pngBytes = GeneratedImage.encodePng(image.image(), image.parameters()).length;
                ours[i] = System.nanoTime() - pngStart;
                long imageIoStart = System.nanoTime();
                int imageIoBytes = ImageIoPng.encode(image.image());
                imageIo[i] = System.nanoTime() - imageIoStart;
                out.printf("run %d: total %.1f ms (%.4f s/step), UNet %.1f ms (%.2f ms/step, %d calls), inside ONNX "
                                + "Runtime %.1f ms, pipeline overhead %.2f ms (%.2f%%), safety checker %.1f ms; PNG %.1f "
                                + "ms (%d bytes), JDK ImageIO PNG %.1f ms (%d bytes)%n", i + 1, ms(t.total().toNanos()),
                        t.total().toNanos() / 1e9 / Math.max(1, t.steps()),
                        ms(t.unet().toNanos()), ms(t.unetPerStep().toNanos()), t.unetCalls(),
                        ms(t.inOnnxRuntime().toNanos()), ms(t.total().toNanos() - t.inOnnxRuntime().toNanos()),
                        100 * t.overheadFraction(), ms(t.safetyChecker().toNanos()), ms(ours[i]), pngBytes,
                        ms(imageIo[i]), imageIoBytes);
            }
            List<Timings> byTotal = new ArrayList<>(timings);
            byTotal.sort(Comparator.comparing(Timings::total));
            Timings medianTotal = byTotal.get(byTotal.size() / 2);
            timings.sort(Comparator.comparingDouble(Timings::overheadFraction));
            Timings median = timings.get(timings.size() / 2);
            out.printf("median: total %.1f ms (%.4f s/step), UNet %.2f ms/step, pipeline overhead %.2f%% of wall time%n",
                    ms(medianTotal.total().toNanos()), medianTotal.total().toNanos() / 1e9 / Math.max(1,
                            medianTotal.steps()), ms(median.unetPerStep().toNanos()), 100 * median.overheadFraction());
            out.printf("safety checker: %s%n", engine.model().hasSafetyChecker()
                    ? String.format("%s, median %.1f ms per job (inside the total above)", engine.model().safetyChecker(),
                            ms(median(timings.stream().mapToLong(t -> t.safetyChecker().toNanos()).toArray())))
                    : "none");
            out.printf("PNG encoding of the %dx%d result (after the pipeline, not counted above), median: ours %.1f ms, "
                    + "JDK ImageIO %.1f ms%n", size, size, ms(median(ours)), ms(median(imageIo)));
            String peak = PeakMemory.describe();
            out.printf("peak resident memory (VmHWM): %s%n", peak);
        }
        return 0;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Seconds per frame of an {@code animationFrames}-frame animation (two keyframes, frames batched through the UNet)
     * against as many single generations of the same size and steps, each the median of {@code runs}.
     */
    private void benchAnimation(ImageEngine engine, GenerationRequest request, PrintWriter out) {
        AnimationRequest animation = new AnimationRequest(List.of(new Keyframe(request.prompt(), 42L),
                new Keyframe("a lighthouse in a storm at night, oil painting", 43L)), animationFrames, Ease.LINEAR,
                false, AnimationRequest.DEFAULT_FPS, request.toBuilder().prompt("").seed(null).build());
        for (int i = 0; i < warmup; i++) {
            engine.generate(request);
        }
        List<Double> batched = new ArrayList<>();
        List<Double> single = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            engine.animate(animation, AnimationListener.NONE, new CancellationToken());
            batched.add((System.nanoTime() - start) / 1e9 / animationFrames);
            start = System.nanoTime();
            for (int i = 0; i < animationFrames; i++) {
                engine.generate(request.toBuilder().seed(42L + i).build());
            }
            single.add((System.nanoTime() - start) / 1e9 / animationFrames);
            out.printf("run %d: animation %.3f s/frame, single generations %.3f s/image%n", run + 1,
                    batched.get(run), single.get(run));
        }
        Collections.sort(batched);
        Collections.sort(single);
        double a = batched.get(runs / 2);
        double s = single.get(runs / 2);
        out.printf("median: %d-frame animation %.3f s/frame, %d single generations %.3f s/image (%.2fx)%n",
                animationFrames, a, animationFrames, s, s / a);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

}
