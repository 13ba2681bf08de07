package dev.imagine.bot.command;

import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.Ease;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.video.VideoEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@code --flags} a prompt may hold, with their aliases, what they allow and what they do. */
enum Flag {
    SEED("seed", 0, GenerationRequest.MAX_SEED, List.of("seed"), "same seed and settings, same picture"),
    ASPECT(null, 0, 0, List.of("ar", "aspect"), "aspect ratio, keeping the default image area"),
    NEGATIVE("negativePrompt", 0, 0, List.of("no", "negative"), "the negative prompt (--no \"\" for none)"),
    STEPS("steps", 1, GenerationRequest.MAX_STEPS, List.of("steps"), "denoising steps"),
    GUIDANCE("guidance", 0, GenerationRequest.MAX_GUIDANCE, List.of("cfg", "guidance"),
            "how closely to follow the prompt"),
    SAMPLER("sampler", 0, 0, List.of("sampler"), "the sampler"),
    STRENGTH("strength", 0, 1, List.of("strength"), "with a picture: 0 keeps it, 1 replaces it"),
    COUNT("count", 1, GenerationRequest.MAX_COUNT, List.of("count", "n"), "how many pictures"),
    SIZE(null, 0, 0, List.of("size"), "the size in pixels"),
    SUBSEED("subseed", 0, GenerationRequest.MAX_SEED, List.of("subseed"), "the variation seed"),
    SUBSEED_STRENGTH("subseedStrength", 0, 1, List.of("subseed-strength", "vary"),
            "how much of the variation seed to mix in"),
    UPSCALE("upscale", GenerationRequest.MIN_UPSCALE, GenerationRequest.MAX_UPSCALE, List.of("upscale"),
            "enlarge by this factor and refine (hires fix)"),
    HIRES_STRENGTH("hiresStrength", 0, 1, List.of("hires-strength"),
            "how much the refinement after --upscale changes"),
    ORIGINAL_SIZE(null, 1, GenerationRequest.MAX_ORIGINAL_SIDE, List.of("original-size"),
            "SDXL: the source size the model is told of"),
    CROP(null, 0, GenerationRequest.MAX_ORIGINAL_SIDE, List.of("crop"),
            "SDXL: the crop corner the model is told of"),
    PROMPT_SYNTAX("promptSyntax", 0, 0, List.of("prompt-syntax", "syntax"),
            "how (brackets) are read"),
    FRAMES("framesPerSegment", 2, AnimationRequest.MAX_FRAMES_PER_SEGMENT, List.of("frames"),
            "/animate: frames from one keyframe to the next"),
    FPS("fps", VideoEncoding.MIN_FPS, VideoEncoding.MAX_FPS, List.of("fps"), "/animate: frames per second"),
    TO_SEED(null, 0, GenerationRequest.MAX_SEED, List.of("to-seed"), "/animate: the next keyframes' seeds"),
    EASE("ease", 0, 0, List.of("ease"), "/animate: frame spacing"),
    LOOP("loop", 0, 0, List.of("loop"), "/animate: travel back to the first keyframe");

    private final String parameter;
    private final double min;
    private final double max;
    private final List<String> names;
    private final String purpose;

    /**
     * @param parameter the request parameter the flag sets ({@link dev.imagine.engine.RequestValues#names()}; for an
     *     {@link #animation()} flag, the {@link AnimationRequest} component as {@code AnimationValues} names it), or
     *     {@code null} for a chat-only flag that the parser reads itself
     * @param min the smallest value of a numeric parameter
     * @param max the largest value of a numeric parameter
     */
    Flag(String parameter, double min, double max, List<String> names, String purpose) {
        this.parameter = parameter;
        this.min = min;
        this.max = max;
        this.names = names;
        this.purpose = purpose;
    }

    /**
     * The request parameter this flag sets, or {@code null} for a flag the parser reads itself (size, aspect ratio,
     * and SDXL's original size and crop, each setting two parameters).
     */
    String parameter() {
        return parameter;
    }

    /** Whether the flag is one of {@code /animate}'s own (frames, fps, to-seed, ease, loop). */
    boolean animation() {
        return this == FRAMES || this == FPS || this == TO_SEED || this == EASE || this == LOOP;
    }

    /** The smallest value of a numeric parameter. */
    double min() {
        return min;
    }

    /** The largest value of a numeric parameter. */
    double max() {
        return max;
    }

    /** The main name, without dashes. */
    String primary() {
        return names.get(0);
    }

    /** Main name first, then aliases, without dashes. */
    List<String> names() {
        return names;
    }

    /** What the flag does, for /help. */
    String purpose() {
        return purpose;
    }

    /** What values the flag takes, under the engine's limits (a server may allow less; see {@link #allowed(CommandLimits)}). */
    String allowed() {
        return allowed(GenerationRequest.MAX_SIDE, GenerationRequest.MAX_COUNT, (int) FRAMES.max);
    }

    /** What values the flag takes on a server with these limits. */
    String allowed(CommandLimits limits) {
        return allowed(limits.maxSide(), limits.maxCount(), limits.maxFrames());
    }

    private String allowed(int maxSide, int maxCount, int maxFrames) {
        switch (this) {
            case SEED:
            case SUBSEED:
                return "a whole number from 0 to " + GenerationRequest.MAX_SEED;
            case ASPECT:
                return "width:height such as 16:9, from 1:" + AspectRatio.MAX_RATIO + " to " + AspectRatio.MAX_RATIO
                        + ":1";
            case NEGATIVE:
                return "the things to leave out, such as text, blurry";
            case STEPS:
                return "a whole number from 1 to " + GenerationRequest.MAX_STEPS;
            case GUIDANCE:
                return "a number from 0 to " + Texts.number(GenerationRequest.MAX_GUIDANCE);
            case SAMPLER:
                return "one of " + SamplerKind.names();
            case COUNT:
                return "a whole number from 1 to " + maxCount;
            case SIZE:
                return "width x height such as 768x512, each a multiple of 8 from " + GenerationRequest.MIN_SIDE
                        + " to " + maxSide;
            case ORIGINAL_SIZE:
                return "width x height such as 2048x2048, each from 1 to " + GenerationRequest.MAX_ORIGINAL_SIDE;
            case CROP:
                return "left,top such as 0,256, each from 0 to " + GenerationRequest.MAX_ORIGINAL_SIDE;
            case UPSCALE:
                return "a number from " + Texts.number(GenerationRequest.MIN_UPSCALE) + " to "
                        + Texts.number(GenerationRequest.MAX_UPSCALE);
            case PROMPT_SYNTAX:
                return Arrays.stream(PromptSyntax.values()).map(PromptSyntax::id).collect(Collectors.joining(" or "));
            case STRENGTH:
            case SUBSEED_STRENGTH:
            case HIRES_STRENGTH:
                return "a number from 0 to 1";
            case FRAMES:
                return "a whole number from 2 to " + maxFrames;
            case FPS:
                return "a whole number from " + VideoEncoding.MIN_FPS + " to " + VideoEncoding.MAX_FPS;
            case TO_SEED:
                return "seeds from 0 to " + GenerationRequest.MAX_SEED + ", one per later keyframe, such as 7,8";
            case EASE:
                return Arrays.stream(Ease.values()).map(Ease::id).collect(Collectors.joining(" or "));
            case LOOP:
                return "no value";
            default:
                throw new AssertionError(this);
        }
    }

    /** The flag with this name or alias (lower case, without dashes). */
    static Optional<Flag> find(String name) {
        for (Flag flag : values()) {
            if (flag.names.contains(name)) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }

    /** Every name and alias, main names first. */
    static List<String> allNames() {
        List<String> all = new ArrayList<>();
        for (Flag flag : values()) {
            all.add(flag.primary());
        }
        for (Flag flag : values()) {
            all.addAll(flag.names.subList(1, flag.names.size()));
        }
        return all;
    }
}
