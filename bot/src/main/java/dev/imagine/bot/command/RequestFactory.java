package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.AnimationValues;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ImageInput;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.RequestValues;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.StoredImage;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Builds validated jobs: new ones from a parsed prompt, typed options and stored settings, and derived ones (re-roll,
 * rerun, variation, upscale) from a stored generation. Every refusal is a {@link CommandException} with a sentence
 * for the user; the engine's own checks ({@link GenerationRequest}'s builder) are turned into such sentences too.
 */
final class RequestFactory {
    /** Variation strength of the Vary button. */
    static final double VARY_STRENGTH = 0.25;
    /** Factor of the Upscale button. */
    static final double UPSCALE_FACTOR = 2.0;
    /** Hires strength of the Upscale button. */
    static final double UPSCALE_STRENGTH = 0.35;

    private final CommandLimits limits;

    RequestFactory(CommandLimits limits) {
        this.limits = limits;
    }

    /**
     * A new job. Each value comes from the first of: the typed options, the prompt's flags, the user's settings, the
     * chat's settings; what none gives stays {@code null} for the engine to fill from the model. The size is taken
     * as a whole from the typed options if they set any of width, height and aspect ratio, else from the flags, else
     * from the settings (the settings' size is not used for img2img, whose size follows the picture's). An aspect
     * ratio keeps the area of the settings' size, else of the model's default size, unless one side is given too.
     *
     * @param image the picture for img2img, or {@code null}
     */
    JobSpec create(ParsedPrompt parsed, PromptOptions typed, RequestValues user, RequestValues channel,
            InitImage image) {
        boolean img2img = image != null;
        RequestValues chosen = chosen(parsed.options(), typed, user, channel, img2img);
        BufferedImage picture = img2img ? decode(image) : null;
        GenerationRequest.Builder builder = GenerationRequest.builder(parsed.prompt()).setAll(chosen)
                .initImage(picture);
        return finish(builder, img2img ? JobSpec.Kind.IMG2IMG : JobSpec.Kind.TXT2IMG, null,
                img2img ? image.bytes() : null);
    }

    /** The settings of a new job: {@link #create}'s merge of typed options, flags and stored settings. */
    private RequestValues chosen(PromptOptions flags, PromptOptions typed, RequestValues user, RequestValues channel,
            boolean img2img) {
        RequestValues stored = user.has("width") || user.has("height") ? user : channel;
        Integer storedWidth = stored.get("width", Integer.class);
        Integer storedHeight = stored.get("height", Integer.class);
        Integer width;
        Integer height;
        PromptOptions sizeGiven = typed.setsSize() ? typed : flags.setsSize() ? flags : null;
        if (sizeGiven == null) {
            width = img2img ? null : storedWidth;
            height = img2img ? null : storedHeight;
        } else {
            Integer givenWidth = sizeGiven.values().get("width", Integer.class);
            Integer givenHeight = sizeGiven.values().get("height", Integer.class);
            if (sizeGiven.aspect() != null) {
                Sizes.Size size;
                if (givenWidth != null && givenHeight != null) {
                    throw new CommandException("Give either a size or an aspect ratio, not both.");
                } else if (givenWidth != null) {
                    size = Sizes.withSide(sizeGiven.aspect(), givenWidth, true, limits.maxSide());
                } else if (givenHeight != null) {
                    size = Sizes.withSide(sizeGiven.aspect(), givenHeight, false, limits.maxSide());
                } else {
                    int baseWidth = storedWidth != null ? storedWidth : limits.defaultWidth();
                    int baseHeight = storedHeight != null ? storedHeight : limits.defaultHeight();
                    size = Sizes.forAspect(sizeGiven.aspect(), baseWidth, baseHeight, limits.maxSide());
                }
                width = size.width();
                height = size.height();
            } else {
                width = givenWidth != null ? givenWidth : img2img ? null : storedWidth;
                height = givenHeight != null ? givenHeight : img2img ? null : storedHeight;
            }
        }
        return typed.values().orElse(flags.values()).orElse(user).orElse(channel)
                .with("width", width).with("height", height);
    }

    /**
     * A new animation through {@code keyframes} (prompts, at least one), with its settings chosen as {@link #create}
     * chooses a picture's and its own options ({@code --frames}, {@code --fps}, {@code --to-seed}, {@code --ease},
     * {@code --loop}) from the typed options, else the flags. The first keyframe's seed is {@code --seed}; a
     * keyframe without a seed keeps the previous one's. Frames per keyframe pair default to
     * {@value AnimationRequest#DEFAULT_FRAMES} (at most this server's limit); the frames in all may not pass
     * {@link CommandLimits#maxFrames()}.
     */
    JobSpec animate(List<String> keyframes, PromptOptions flags, PromptOptions typed, RequestValues user,
            RequestValues channel) {
        Map<String, Object> plain = new LinkedHashMap<>(chosen(flags, typed, user, channel, false).toPlain());
        plain.put("prompt", keyframes.get(0));
        Map<String, Object> own = new LinkedHashMap<>(flags.animation());
        own.putAll(typed.animation());
        int toSeeds = (int) own.keySet().stream().filter(name -> name.startsWith("toSeed")).count();
        int count = Math.max(keyframes.size(), 1 + toSeeds);
        if (count < 2) {
            throw new CommandException("An animation travels somewhere: write /animate a red fox -> a blue whale, "
                    + "or give --to-seed 7 to travel between seeds.");
        }
        for (int k = 1; k < count; k++) {
            plain.put("to" + k, keyframes.get(Math.min(k, keyframes.size() - 1)));
        }
        own.putIfAbsent("framesPerSegment", Math.min(AnimationRequest.DEFAULT_FRAMES, limits.maxFrames()));
        plain.putAll(own);
        AnimationRequest request;
        try {
            request = AnimationValues.fromPlain(plain);
        } catch (IllegalArgumentException e) {
            throw new CommandException(Texts.sentence(e.getMessage()));
        }
        return animation(request, null);
    }

    /** An animation job after this server's checks: frames in all, and the size. */
    private JobSpec animation(AnimationRequest request, Long parentId) {
        if (request.framesPerSegment() > limits.maxFrames()) {
            throw new CommandException("--frames " + request.framesPerSegment() + " is over this server's limit of "
                    + limits.maxFrames() + " frames; use 2 to " + limits.maxFrames() + ".");
        }
        if (request.frameCount() > limits.maxFrames()) {
            throw new CommandException("This animation would have " + request.frameCount() + " frames ("
                    + request.segments() + " keyframe steps of " + request.framesPerSegment() + "); this server makes "
                    + "at most " + limits.maxFrames() + ". Use fewer frames or keyframes.");
        }
        checkSide("Width", request.settings().width());
        checkSide("Height", request.settings().height());
        return JobSpec.animation(request, parentId);
    }

    /** A stored animation's request; a value this version no longer reads is refused with a sentence. */
    private static AnimationRequest storedAnimation(RerunSpec spec) {
        return readStored(spec, StoredJobs::animation);
    }

    /** A stored animation again: the same frames, or with {@code seed} as its first keyframe's seed. */
    private JobSpec rerunAnimation(RerunSpec spec, Long seed) {
        AnimationRequest request = storedAnimation(spec);
        if (seed != null) {
            List<Keyframe> keyframes = new ArrayList<>(request.keyframes());
            keyframes.set(0, new Keyframe(keyframes.get(0).prompt(), seed));
            request = request.withKeyframes(keyframes);
        }
        return animation(request, spec.generationId());
    }

    /**
     * A stored animation with new seeds: the first keyframe's is picked by the engine, and each later keyframe whose
     * seed differed from the one before gets a new random one (one that kept the seed keeps it still), so the
     * travel keeps its shape.
     */
    private JobSpec rerollAnimation(RerunSpec spec) {
        AnimationRequest request = storedAnimation(spec);
        List<Keyframe> keyframes = new ArrayList<>();
        Long previous = null;
        for (Keyframe keyframe : request.keyframes()) {
            boolean sameSeed = !keyframes.isEmpty() && Objects.equals(keyframe.seed(), previous);
            Long seed = keyframes.isEmpty() || sameSeed ? null
                    : ThreadLocalRandom.current().nextLong(GenerationRequest.MAX_SEED + 1);
            previous = keyframe.seed();
            keyframes.add(new Keyframe(keyframe.prompt(), seed));
        }
        return animation(request.withKeyframes(keyframes), spec.generationId());
    }

    /** A stored animation played backwards: its keyframes, with their seeds, in reverse order. */
    JobSpec reverse(RerunSpec spec) {
        if (spec.kind() != GenerationKind.ANIMATION) {
            throw new CommandException("Only an animation can be reversed.");
        }
        AnimationRequest request = storedAnimation(spec);
        List<Keyframe> keyframes = new ArrayList<>(request.keyframes());
        Collections.reverse(keyframes);
        return animation(request.withKeyframes(keyframes), spec.generationId());
    }

    /** Runs a stored generation again: with {@code seed}, or its own seed when {@code null}. */
    JobSpec rerun(RerunSpec spec, Long seed) {
        if (spec.kind() == GenerationKind.ANIMATION) {
            return rerunAnimation(spec, seed);
        }
        GenerationRequest.Builder builder = stored(spec);
        if (seed != null) {
            builder.seed(seed);
        }
        return finish(builder, kind(spec), spec.generationId(), spec.initImage());
    }

    /**
     * The same parameters with a new random seed; for a variation, the same seed and a new random variation seed
     * (another variation of the same picture).
     */
    JobSpec reroll(RerunSpec spec) {
        if (spec.kind() == GenerationKind.ANIMATION) {
            return rerollAnimation(spec);
        }
        GenerationRequest.Builder builder = stored(spec);
        Double variation = values(spec).get("subseedStrength", Double.class);
        builder = variation != null && variation > 0 ? builder.subseed(null) : builder.seed((Long) null);
        return finish(builder, kind(spec), spec.generationId(), spec.initImage());
    }

    /** A variation of one picture: its seed, one image, a random variation seed at {@value #VARY_STRENGTH}. */
    JobSpec vary(RerunSpec spec, StoredImage image) {
        GenerationRequest.Builder builder = stored(spec).seed(image.seed()).count(1).subseed(null)
                .subseedStrength(VARY_STRENGTH);
        return finish(builder, derivedKind(spec, JobSpec.Kind.VARIATION), spec.generationId(), spec.initImage());
    }

    /**
     * One picture enlarged: its seed (and its variation seed), one image, the hires pass at
     * {@value #UPSCALE_FACTOR} times any earlier factor and strength {@value #UPSCALE_STRENGTH}.
     */
    JobSpec upscale(RerunSpec spec, StoredImage image) {
        RequestValues p = values(spec);
        Double earlierFactor = p.get("upscale", Double.class);
        double earlier = earlierFactor == null ? 1 : earlierFactor;
        double factor = earlier * UPSCALE_FACTOR;
        if (factor > GenerationRequest.MAX_UPSCALE) {
            throw new CommandException("This picture is already upscaled " + Texts.number(earlier) + "x; it cannot be "
                    + "enlarged further.");
        }
        Integer storedWidth = p.get("width", Integer.class);
        Integer storedHeight = p.get("height", Integer.class);
        int width = storedWidth != null ? storedWidth : limits.defaultWidth();
        int height = storedHeight != null ? storedHeight : limits.defaultHeight();
        int outWidth = upscaled(width, factor);
        int outHeight = upscaled(height, factor);
        if (outWidth > limits.maxSide() || outHeight > limits.maxSide()) {
            throw new CommandException("Upscaling " + width + "x" + height + " by " + Texts.number(factor) + " would make "
                    + outWidth + "x" + outHeight + ", over this server's maximum of " + limits.maxSide()
                    + " pixels per side.");
        }
        GenerationRequest.Builder builder = stored(spec).seed(image.seed()).count(1)
                .upscale(factor).hiresStrength(UPSCALE_STRENGTH);
        Long subseed = p.get("subseed", Long.class);
        Double subseedStrength = p.get("subseedStrength", Double.class);
        if (subseed != null && subseedStrength != null && subseedStrength > 0) {
            builder.subseed(subseed + image.index());
        }
        return finish(builder, derivedKind(spec, JobSpec.Kind.UPSCALE), spec.generationId(), spec.initImage());
    }

    /** The side after an upscale, as the engine computes it: rounded, then snapped down to a multiple of 8. */
    private static int upscaled(int side, double factor) {
        int scaled = (int) Math.round(side * factor);
        return scaled - scaled % 8;
    }

    /**
     * Decodes a user's picture after checking its declared and actual size against the limit; the engine then reads
     * width and height from the header and refuses too many pixels before decoding them.
     */
    BufferedImage decode(InitImage image) {
        long size = Math.max(image.declaredSize(), image.bytes().length);
        if (size > limits.maxImageBytes()) {
            throw new CommandException(tooLarge(size));
        }
        return decode(image.bytes());
    }

    /** The refusal for a file of {@code bytes} bytes, or {@code null} when it is within the limit. */
    String refuseSize(long bytes) {
        return bytes > limits.maxImageBytes() ? tooLarge(bytes) : null;
    }

    private String tooLarge(long bytes) {
        String size = Texts.bytes(bytes);
        String limit = Texts.bytes(limits.maxImageBytes());
        if (size.equals(limit)) {
            size = Texts.plural(bytes, "byte");
            limit = Texts.plural(limits.maxImageBytes(), "byte");
        }
        return "The picture is " + size + "; the limit is " + limit + ". Send a smaller one.";
    }

    private BufferedImage decode(byte[] bytes) {
        try {
            return ImageInput.decode(bytes, limits.maxImageBytes(), limits.maxImagePixels());
        } catch (IllegalArgumentException e) {
            throw new CommandException(Texts.sentence(e.getMessage()));
        }
    }

    /** A stored generation's values; a value this version no longer reads is refused with a sentence. */
    private static RequestValues values(RerunSpec spec) {
        return readStored(spec, StoredJobs::values);
    }

    /** Reads a stored generation's parameters; a value this version no longer reads is refused with a sentence. */
    private static <T> T readStored(RerunSpec spec, Function<GenerationParameters, T> reader) {
        try {
            return reader.apply(spec.parameters());
        } catch (IllegalArgumentException e) {
            throw new CommandException("Generation #" + spec.generationId() + " cannot run again here: "
                    + Texts.sentence(e.getMessage()));
        }
    }

    private GenerationRequest.Builder stored(RerunSpec spec) {
        RequestValues values = values(spec);
        BufferedImage picture = null;
        if (spec.initImage() != null) {
            try {
                picture = ImageInput.decode(spec.initImage(), Long.MAX_VALUE, limits.maxImagePixels());
            } catch (IllegalArgumentException e) {
                throw new CommandException("The picture generation #" + spec.generationId() + " started from cannot "
                        + "be read any more: " + Texts.sentence(e.getMessage()));
            }
        }
        return GenerationRequest.builder("").setAll(values).initImage(picture);
    }

    private static JobSpec.Kind kind(RerunSpec spec) {
        return JobSpec.Kind.valueOf(spec.kind().name());
    }

    /** A variation or upscale of an img2img generation stays img2img: it needs the picture it started from. */
    private static JobSpec.Kind derivedKind(RerunSpec spec, JobSpec.Kind kind) {
        return spec.kind() == GenerationKind.IMG2IMG || spec.initImage() != null ? JobSpec.Kind.IMG2IMG : kind;
    }

    /** Builds the request and checks this server's limits, which may be tighter than the engine's. */
    private JobSpec finish(GenerationRequest.Builder builder, JobSpec.Kind kind, Long parentId, byte[] initImage) {
        GenerationRequest request;
        try {
            request = builder.build();
        } catch (IllegalArgumentException e) {
            throw new CommandException(Texts.sentence(e.getMessage()));
        }
        if (request.count() > limits.maxCount()) {
            throw new CommandException("You asked for " + request.count() + " images; this server makes at most "
                    + limits.maxCount() + " at a time.");
        }
        checkSide("Width", request.width());
        checkSide("Height", request.height());
        if (request.upscale() != null) {
            Integer width = request.width() != null ? request.width() : request.isImageToImage() ? null
                    : limits.defaultWidth();
            Integer height = request.height() != null ? request.height() : request.isImageToImage() ? null
                    : limits.defaultHeight();
            if (width != null && height != null) {
                int outWidth = upscaled(width, request.upscale());
                int outHeight = upscaled(height, request.upscale());
                if (outWidth > limits.maxSide() || outHeight > limits.maxSide()) {
                    throw new CommandException("Upscaling " + width + "x" + height + " by "
                            + Texts.number(request.upscale()) + " would make " + outWidth + "x" + outHeight
                            + ", over this server's maximum of " + limits.maxSide() + " pixels per side.");
                }
            }
        }
        return new JobSpec(request, initImage, kind, parentId);
    }

    private void checkSide(String name, Integer side) {
        if (side != null && side > limits.maxSide()) {
            throw new CommandException(name + " " + side + " is over this server's maximum of " + limits.maxSide()
                    + " pixels per side.");
        }
    }
}
