package dev.imagine.bot.service;

import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageInput;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.GenerationRepository;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewImage;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.StoredImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps between the engine's requests and results and storage's records: the one place that knows both, so a rerun
 * builds exactly the request that was run.
 */
public final class StoredJobs {
    private StoredJobs() {
    }

    /** The model as storage records it. */
    public static ModelRef model(ModelInfo info) {
        return new ModelRef(info.name(), info.fingerprint(), info.path().toAbsolutePath().toString());
    }

    /** The request's parameters as stored; fields the engine fills in later stay {@code null}. */
    public static GenerationParameters parameters(GenerationRequest request) {
        return GenerationParameters.builder(request.prompt())
                .negativePrompt(request.negativePrompt())
                .sampler(request.sampler() == null ? null : request.sampler().id())
                .steps(request.steps())
                .guidance(request.guidance())
                .width(request.width())
                .height(request.height())
                .count(request.count())
                .seed(request.seed())
                .subseed(request.subseed(), request.subseedStrength())
                .strength(request.strength())
                .upscale(request.upscale(), request.hiresStrength())
                .build();
    }

    /**
     * The engine request for stored parameters.
     *
     * @param initImage the stored init image's bytes, or {@code null}
     * @param seed another seed, or {@code null} for the stored one
     * @throws IllegalArgumentException when a stored value no longer passes the engine's checks
     */
    public static GenerationRequest request(GenerationParameters p, byte[] initImage, Long seed) {
        return GenerationRequest.builder(p.prompt())
                .negativePrompt(p.negativePrompt())
                .sampler(p.sampler() == null ? null : SamplerKind.parse(p.sampler()))
                .steps(p.steps())
                .guidance(p.guidance())
                .width(p.width())
                .height(p.height())
                .count(p.count())
                .seed(seed != null ? seed : p.seed())
                .initImage(initImage == null ? null : ImageInput.decode(initImage))
                .strength(p.strength())
                .subseed(p.subseed())
                .subseedStrength(p.subseedStrength())
                .upscale(p.upscale())
                .hiresStrength(p.hiresStrength())
                .build();
    }

    /** The engine request that reruns a stored generation, optionally with another seed. */
    public static GenerationRequest request(RerunSpec spec, Long seed) {
        return request(spec.parameters(), spec.initImage(), seed);
    }

    /** The result's images as storage takes them (their PNG bytes with the parameters chunk). */
    public static List<NewImage> images(GenerationResult result) {
        List<NewImage> images = new ArrayList<>();
        for (GeneratedImage image : result.images()) {
            images.add(new NewImage(image.index(), image.seed(), image.png(), false));
        }
        return images;
    }

    /**
     * A result rebuilt from a done generation's stored images (for delivering it again after a restart). The PNGs
     * are checked against their hashes; their pixels and parameters text are those that were stored.
     */
    public static GenerationResult result(Generation generation, GenerationRepository generations) {
        List<GeneratedImage> images = new ArrayList<>();
        for (StoredImage stored : generation.images()) {
            byte[] png = generations.imageBytes(stored);
            String parameters = ImageInput.parameters(png).orElse("");
            images.add(new GeneratedImage(stored.index(), stored.seed(), ImageInput.decode(png, png.length + 1L,
                    Long.MAX_VALUE), parameters));
        }
        long millis = generation.engineMillis() == null ? 0 : generation.engineMillis();
        byte[] initImage = generation.initImageSha256() == null ? null
                : generations.rerunSpec(generation.id()).map(RerunSpec::initImage).orElse(null);
        GenerationRequest request = request(generation.parameters(), initImage, null);
        return new GenerationResult(request, images, "", "", new Timings(Duration.ofMillis(millis), Duration.ZERO,
                Duration.ZERO, 0, 0), "stored");
    }
}
