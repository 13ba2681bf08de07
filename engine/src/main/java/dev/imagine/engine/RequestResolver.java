package dev.imagine.engine;

import dev.imagine.engine.image.PixelSize;
import java.awt.image.BufferedImage;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.function.IntToLongFunction;

/**
 * Fills a request's defaults for one model, as the engine does before it runs a job: the seed (and a variation's
 * seed) when none is given, the model's sampler, steps, CFG and size, img2img's size from the init picture and its
 * strength, hires strength, and the prompt syntax; then checks the size against the model and the server's maximum.
 * The engine and the bot's test engine both call this, so a test double resolves exactly as the real engine.
 */
public final class RequestResolver {
    private static final SecureRandom SEEDS = new SecureRandom();
    /** The smallest side of SDXL images (or the server's maximum when lower). */
    static final int SDXL_MIN_SIDE = 512;
    /** The largest side of SDXL images, after a hires upscale too (or the server's maximum when lower). */
    static final int SDXL_MAX_SIDE = 2048;

    private final ModelInfo model;
    private final int maxSide;
    private final PromptSyntax defaultSyntax;
    private final IntToLongFunction randomSeeds;

    /**
     * @param model the model whose defaults fill a request
     * @param options the server's maximum side and default prompt syntax
     * @param randomSeeds the first seed of a run of {@code count} random seeds (the engine draws them at random)
     */
    public RequestResolver(ModelInfo model, EngineOptions options, IntToLongFunction randomSeeds) {
        this(model, options.maxSide(), options.promptSyntax(), randomSeeds);
    }

    RequestResolver(ModelInfo model, int maxSide, PromptSyntax defaultSyntax, IntToLongFunction randomSeeds) {
        this.model = model;
        this.maxSide = maxSide;
        this.defaultSyntax = defaultSyntax;
        this.randomSeeds = randomSeeds;
    }

    /** A random first seed leaving room for {@code count} consecutive seeds below the largest. */
    static long secureRandomSeed(int count) {
        return SEEDS.nextLong(GenerationRequest.MAX_SEED - count + 2);
    }

    /**
     * Fills every default, so the returned request reruns the job exactly.
     *
     * @throws EngineException with reason {@code INVALID_REQUEST} for a setting this model or server refuses
     */
    public GenerationRequest resolve(GenerationRequest request) {
        long seed = request.seed() != null ? request.seed() : randomSeeds.applyAsLong(request.count());
        Long subseed = request.subseed();
        Double subseedStrength = request.subseedStrength();
        if (request.hasVariation() && subseed == null) {
            subseed = randomSeeds.applyAsLong(request.count());
        }
        if (!request.hasVariation()) {
            subseed = null;
            subseedStrength = null;
        }
        if (request.hasMicroConditioning() && !model.family().isSdxl()) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "original size and crop are SDXL "
                    + "settings; model " + model.name() + " is " + model.family().displayName());
        }
        Integer width = request.width();
        Integer height = request.height();
        Double strength = null;
        if (request.isImageToImage()) {
            BufferedImage init = request.initImage();
            if (width == null && height == null) {
                PixelSize size = new PixelSize(init.getWidth(), init.getHeight())
                        .fitWithin(Math.min(largestSide(), GenerationRequest.MAX_SIDE), minSide());
                width = size.width();
                height = size.height();
            } else if (width == null) {
                width = keepAspect(height, init.getWidth(), init.getHeight());
            } else if (height == null) {
                height = keepAspect(width, init.getHeight(), init.getWidth());
            }
            strength = request.strength() != null ? request.strength() : GenerationRequest.DEFAULT_STRENGTH;
        }
        Double hiresStrength = request.upscale() == null ? null
                : request.hiresStrength() != null ? request.hiresStrength() : GenerationRequest.DEFAULT_HIRES_STRENGTH;
        SamplerKind sampler = request.sampler() != null ? request.sampler() : model.defaultSampler();
        GenerationRequest resolved = request.toBuilder()
                .seed(seed)
                .sampler(sampler)
                .steps(request.steps() != null ? request.steps()
                        : defaultSteps(model.defaultSteps(), sampler, strength, hiresStrength))
                .guidance(request.guidance() != null ? request.guidance() : model.defaultGuidance())
                .width(width != null ? width : model.defaultWidth())
                .height(height != null ? height : model.defaultHeight())
                .strength(strength)
                .subseed(subseed)
                .subseedStrength(subseedStrength)
                .hiresStrength(hiresStrength)
                .promptSyntax(syntax(request))
                .build();
        checkSize(resolved);
        checkEveryPassDenoises(resolved);
        return resolved;
    }

    /**
     * Refuses steps a user gave with which an img2img or hires pass would run no denoising step at all (diffusers'
     * {@code get_timesteps} runs {@code (int) (steps * strength)} of them and raises an error when none is left): the
     * picture would only pass through the VAE. LCM counts its img2img steps differently.
     */
    private static void checkEveryPassDenoises(GenerationRequest resolved) {
        if (resolved.sampler() == SamplerKind.LCM) {
            return;
        }
        checkPass(resolved.steps(), resolved.strength(), "strength");
        checkPass(resolved.steps(), resolved.hiresStrength(), "hires strength");
    }

    private static void checkPass(int steps, Double strength, String name) {
        if (strength != null && strength > 0 && (int) (steps * strength) < 1) {
            int fewest = (int) Math.ceil(1 / strength);
            while ((int) (fewest * strength) < 1) {
                fewest++;
            }
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, String.format(Locale.ROOT,
                    "with %d %s at %s %s no denoising step is left (a pass runs steps x %s of them, rounded down): "
                            + "use at least %d steps or a higher %s",
                    steps, steps == 1 ? "step" : "steps", name, strength, name, fewest, name));
        }
    }

    /**
     * The model's default steps, raised to the fewest with which each img2img or hires pass runs at least one step:
     * a pass runs {@code (int) (steps * strength)} of them, as diffusers' {@code get_timesteps}, so SDXL-Turbo's single
     * step would run none at img2img strength 0.75 (2 steps run one) or hires strength 0.35 (3 steps run one). LCM
     * counts its img2img steps differently and keeps its default.
     */
    private static int defaultSteps(int steps, SamplerKind sampler, Double strength, Double hiresStrength) {
        if (sampler == SamplerKind.LCM) {
            return steps;
        }
        int result = steps;
        for (Double passStrength : new Double[] {strength, hiresStrength}) {
            while (passStrength != null && passStrength > 0 && (int) (result * passStrength) < 1
                    && result < GenerationRequest.MAX_STEPS) {
                result++;
            }
        }
        return result;
    }

    /** The request's prompt syntax, else the server's. */
    private PromptSyntax syntax(GenerationRequest request) {
        return request.promptSyntax() != null ? request.promptSyntax() : defaultSyntax;
    }

    /** The smallest side a model makes: 512 for SDXL (or the server's maximum when lower), else 64. */
    private int minSide() {
        return model.family().isSdxl() ? Math.min(SDXL_MIN_SIDE, PixelSize.snapDown(maxSide, 8))
                : GenerationRequest.MIN_SIDE;
    }

    /** The largest side a model makes, after any upscale: 2048 for SDXL (or the server's maximum when lower). */
    private int largestSide() {
        return model.family().isSdxl() ? Math.min(SDXL_MAX_SIDE, maxSide) : maxSide;
    }

    private void checkSize(GenerationRequest job) {
        int min = minSide();
        int max = largestSide();
        if (job.width() < min || job.height() < min) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "model " + model.name() + " is "
                    + model.family().displayName() + ", which makes images from " + min + " to " + max
                    + " pixels per side; got " + job.width() + "x" + job.height());
        }
        if (job.width() > maxSide || job.height() > maxSide) {
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, job.width() + "x" + job.height()
                    + " is over this server's maximum of " + maxSide + " pixels per side");
        }
        if (job.upscale() != null && (job.outputWidth() > max || job.outputHeight() > max)) {
            String limit = max < maxSide ? "the " + max + " pixels per side this model makes"
                    : "this server's maximum of " + maxSide + " pixels per side";
            throw new EngineException(EngineException.Reason.INVALID_REQUEST, "upscaling " + job.width() + "x"
                    + job.height() + " by " + job.upscale() + " gives " + job.outputWidth() + "x" + job.outputHeight()
                    + ", over " + limit + "; use a smaller upscale or size");
        }
    }

    /** The other side for a given one, keeping the init image's aspect ratio, snapped to a multiple of 8. */
    private int keepAspect(int given, int otherPixels, int givenPixels) {
        long side = Math.round((double) given * otherPixels / givenPixels);
        int snapped = PixelSize.snapDown((int) Math.min(side, maxSide), 8);
        return Math.max(GenerationRequest.MIN_SIDE, snapped);
    }
}
