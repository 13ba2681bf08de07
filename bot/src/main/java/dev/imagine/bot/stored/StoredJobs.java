package dev.imagine.bot.stored;

import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.AnimationValues;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageInput;
import dev.imagine.engine.ModelInfo;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.Timings;
import dev.imagine.engine.video.EncodedVideo;
import dev.imagine.engine.video.VideoFormat;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
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
 * The one mapping between the engine's requests and results and storage's records. Parameters cross it by name
 * ({@link RequestValues}), so every parameter of {@link GenerationRequest} is stored and rerun without a line here.
 */
public final class StoredJobs {
    private StoredJobs() {
    }

    /** The model as storage records it. */
    public static ModelRef model(ModelInfo info) {
        return new ModelRef(info.name(), info.fingerprint(), info.path().toAbsolutePath().toString());
    }

    /** The request's parameters as stored; values the engine fills in later are left out. */
    public static GenerationParameters parameters(GenerationRequest request) {
        return parameters(RequestValues.of(request));
    }

    /** Values (a request's, or saved defaults) as stored. */
    public static GenerationParameters parameters(RequestValues values) {
        return new GenerationParameters(values.toPlain());
    }

    /**
     * Stored parameters as the engine's values.
     *
     * @throws IllegalArgumentException naming the parameter when a stored value no longer fits (for example a
     *     sampler this version does not have)
     */
    public static RequestValues values(GenerationParameters stored) {
        return RequestValues.fromPlain(stored.values());
    }

    /**
     * Saved defaults as the engine's values, leaving out any value this version no longer reads (a sampler it lost,
     * a parameter it dropped), so old settings never block new requests.
     */
    public static RequestValues defaults(GenerationParameters saved) {
        RequestValues values = RequestValues.NONE;
        for (var entry : saved.values().entrySet()) {
            try {
                values = RequestValues.fromPlain(java.util.Map.of(entry.getKey(), entry.getValue())).orElse(values);
            } catch (IllegalArgumentException e) {
                // a value this version cannot read: no preference
            }
        }
        return values;
    }

    /**
     * The engine request for stored parameters.
     *
     * @param initImage the stored init image's bytes, or {@code null}
     * @param seed another seed, or {@code null} for the stored one
     * @throws IllegalArgumentException when a stored value no longer passes the engine's checks
     */
    public static GenerationRequest request(GenerationParameters stored, byte[] initImage, Long seed) {
        RequestValues values = values(stored);
        if (seed != null) {
            values = values.with("seed", seed);
        }
        return values.toRequest(initImage == null ? null : ImageInput.decode(initImage));
    }

    /** The engine request that reruns a stored generation, optionally with another seed. */
    public static GenerationRequest request(RerunSpec spec, Long seed) {
        return request(spec.parameters(), spec.initImage(), seed);
    }

    /** The result's images as storage takes them: the PNG bytes each image encoded once, and the checker's flag. */
    public static List<NewImage> images(GenerationResult result) {
        List<NewImage> images = new ArrayList<>();
        for (GeneratedImage image : result.images()) {
            images.add(new NewImage(image.index(), image.seed(), image.png(), image.nsfw()));
        }
        return images;
    }

    /**
     * A result rebuilt from a done generation's stored images (for delivering it again after a restart): each image
     * carries the stored PNG bytes as they are, checked against their hashes.
     */
    public static GenerationResult result(Generation generation, GenerationRepository generations) {
        List<GeneratedImage> images = new ArrayList<>();
        for (StoredImage stored : generation.images()) {
            byte[] png = generations.imageBytes(stored);
            String parameters = ImageInput.parameters(png).orElse("");
            images.add(GeneratedImage.fromPng(stored.index(), stored.seed(), png, parameters, stored.nsfw()));
        }
        long millis = generation.engineMillis() == null ? 0 : generation.engineMillis();
        byte[] initImage = generation.initImageSha256() == null ? null
                : generations.rerunSpec(generation.id()).map(RerunSpec::initImage).orElse(null);
        GenerationRequest request = request(generation.parameters(), initImage, null);
        return new GenerationResult(request, images, "", "", new Timings(Duration.ofMillis(millis), Duration.ZERO,
                Duration.ZERO, 0, 0), "stored");
    }

    /** An animation's parameters as stored ({@link AnimationValues}). */
    public static GenerationParameters parameters(AnimationRequest animation) {
        return new GenerationParameters(AnimationValues.toPlain(animation));
    }

    /**
     * A stored animation's request.
     *
     * @throws IllegalArgumentException naming the parameter when a stored value no longer fits
     */
    public static AnimationRequest animation(GenerationParameters stored) {
        return AnimationValues.fromPlain(stored.values());
    }

    /** An animation's files as storage takes them: frames as images 0 to N-1, the video file as image N. */
    public static List<NewImage> images(AnimationResult result, EncodedVideo video) {
        List<NewImage> images = new ArrayList<>();
        for (GeneratedImage frame : result.frames()) {
            images.add(new NewImage(frame.index(), frame.seed(), frame.png(), frame.nsfw()));
        }
        images.add(new NewImage(result.frames().size(), result.request().keyframes().get(0).seed(), video.bytes(),
                result.anyFrameFlagged()));
        return images;
    }

    /**
     * A done animation rebuilt from storage (to deliver it again after a restart): its frames (images 0 to N-1) and
     * its video file (image N, MP4 or GIF by its content), checked against their hashes.
     *
     * @throws IllegalArgumentException when the generation is not an animation or its files are not all there
     */
    public static AnimationResult animation(Generation generation, GenerationRepository generations) {
        if (generation.kind() != GenerationKind.ANIMATION) {
            throw new IllegalArgumentException("generation " + generation.id() + " is not an animation");
        }
        AnimationRequest request = animation(generation.parameters());
        int frames = generation.images().size() - 1;
        if (frames != request.frameCount()) {
            throw new IllegalArgumentException("animation " + generation.id() + " has " + Math.max(0, frames)
                    + " stored frames, not " + request.frameCount());
        }
        List<GeneratedImage> pictures = new ArrayList<>();
        for (StoredImage stored : generation.images()) {
            if (stored.index() < frames) {
                byte[] png = generations.imageBytes(stored);
                pictures.add(GeneratedImage.fromPng(stored.index(), stored.seed(), png,
                        ImageInput.parameters(png).orElse(""), stored.nsfw()));
            }
        }
        long millis = generation.engineMillis() == null ? 0 : generation.engineMillis();
        return new AnimationResult(request, pictures, Duration.ofMillis(millis), 0, "stored");
    }

    /** A done animation's stored video file (image N), with the size of its first frame. */
    public static EncodedVideo video(Generation generation, GenerationRepository generations,
            AnimationResult animation) {
        StoredImage file = generation.images().stream().filter(i -> i.index() == animation.frames().size())
                .findFirst().orElseThrow(() -> new IllegalArgumentException("animation " + generation.id()
                        + " has no video file"));
        byte[] bytes = generations.imageBytes(file);
        VideoFormat format = file.path().endsWith(".gif") ? VideoFormat.GIF : VideoFormat.MP4;
        var first = animation.frames().get(0).image();
        return new EncodedVideo(bytes, format, first.getWidth(), first.getHeight(), animation.frames().size(),
                animation.request().fps(), false);
    }
}
