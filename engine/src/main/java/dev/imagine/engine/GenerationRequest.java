package dev.imagine.engine;

import dev.imagine.engine.prompt.EmphasisParser;
import dev.imagine.engine.prompt.PromptSchedule;
import java.awt.image.BufferedImage;

/**
 * One text-to-image or image-to-image job. Fields left {@code null} take the model's defaults when the engine
 * runs it; the {@link GenerationResult} carries the request with every field filled in, which reruns the job
 * exactly. An invalid request cannot be built: every limit below is checked with a message a chat user can act on.
 *
 * <p><b>The one description of a generation's parameters.</b> Chat options, saved user and chat defaults, stored
 * generations and reruns all carry these components by name through {@link RequestValues}; nothing copies them field
 * by field. Adding a parameter is: a component here (with its check in the constructor and a typed setter on the
 * {@link Builder}), its use in the engine, and, for users to type it, one entry in the bot's flag list. A parameter
 * whose absence in generations stored earlier must mean something other than its default also gets a migration that
 * writes the old meaning into the stored rows' JSON.
 *
 * @param prompt what to draw; at most {@value #MAX_PROMPT_CHARS} characters (with the plain syntax only the first
 *     75 CLIP tokens are used, with A1111's as many chunks of 75 as the server allows; the result reports the words
 *     that were cut)
 * @param negativePrompt what to avoid; empty for none
 * @param seed 0 to 4294967295; image {@code i} uses {@code seed + i}; {@code null} picks one at random
 * @param sampler {@code null} for the model's own
 * @param steps denoising steps, 1 to {@value #MAX_STEPS}
 * @param guidance classifier-free guidance scale, 0 to {@value #MAX_GUIDANCE}; 1 or less skips the negative half
 * @param width multiple of 8 from {@value #MIN_SIDE} to {@value #MAX_SIDE}
 * @param height multiple of 8 from {@value #MIN_SIDE} to {@value #MAX_SIDE}
 * @param count images, 1 to {@value #MAX_COUNT}
 * @param initImage the image to start from (img2img), or {@code null} for text-to-image; resized to the request's
 *     size, which defaults to its own size snapped down to a multiple of 8
 * @param strength img2img only: 0 keeps the image, 1 replaces it; default 0.75
 * @param subseed variation seed (AUTOMATIC1111's): its noise is mixed into the seed's by spherical interpolation;
 *     image {@code i} uses {@code subseed + i}; {@code null} picks one when a strength is set
 * @param subseedStrength how much of the variation seed's noise to use, 0 to 1; {@code null} or 0 for none
 * @param upscale hires fix: after generating, resize by this factor (1.5 to 4, Lanczos) and refine with img2img at
 *     {@code hiresStrength} with the same prompt and seed; {@code null} for none
 * @param hiresStrength img2img strength of the hires pass, 0 to 1; default 0.35
 * @param originalWidth SDXL micro-conditioning: the width of the "original" picture the model is told it sees, 1 to
 *     {@value #MAX_ORIGINAL_SIDE}, set together with {@code originalHeight}; {@code null} for the image's own size
 *     (diffusers' default)
 * @param originalHeight SDXL micro-conditioning: the original height, with {@code originalWidth}
 * @param cropX SDXL micro-conditioning: the left edge of the crop the model is told the picture was cut at, 0 to
 *     {@value #MAX_ORIGINAL_SIDE}, set together with {@code cropY}; {@code null} for 0,0 (diffusers' default)
 * @param cropY SDXL micro-conditioning: the top edge of the crop, with {@code cropX}
 * @param promptSyntax how the prompt and negative prompt are read; {@code null} for {@link PromptSyntax#DEFAULT}
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        Long seed,
        SamplerKind sampler,
        Integer steps,
        Double guidance,
        Integer width,
        Integer height,
        int count,
        BufferedImage initImage,
        Double strength,
        Long subseed,
        Double subseedStrength,
        Double upscale,
        Double hiresStrength,
        Integer originalWidth,
        Integer originalHeight,
        Integer cropX,
        Integer cropY,
        PromptSyntax promptSyntax) {

    /** Longest prompt accepted, in characters. */
    public static final int MAX_PROMPT_CHARS = 4000;
    /** Most denoising steps. */
    public static final int MAX_STEPS = 150;
    /** Largest guidance scale. */
    public static final double MAX_GUIDANCE = 30;
    /** Smallest image side. */
    public static final int MIN_SIDE = 64;
    /** Largest image side. */
    public static final int MAX_SIDE = 2048;
    /** Most images per request. */
    public static final int MAX_COUNT = 8;
    /** Largest seed (seeds are unsigned 32-bit, as PyTorch's generator uses them). */
    public static final long MAX_SEED = 4_294_967_295L;
    /** img2img strength when none is given. */
    public static final double DEFAULT_STRENGTH = 0.75;
    /** Smallest hires upscale factor. */
    public static final double MIN_UPSCALE = 1.5;
    /** Largest hires upscale factor. */
    public static final double MAX_UPSCALE = 4;
    /** Strength of the hires pass when none is given. */
    public static final double DEFAULT_HIRES_STRENGTH = 0.35;
    /** A request with every parameter at its default (an empty prompt, one image); what an unset value falls back to. */
    static final GenerationRequest DEFAULTS = builder("").build();
    /** Largest SDXL original size side and crop offset. */
    public static final int MAX_ORIGINAL_SIDE = 8192;

    /** Validates every field. */
    public GenerationRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("a prompt is required");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("the prompt is " + prompt.length() + " characters long; the limit is "
                    + MAX_PROMPT_CHARS + " (and only about 75 words are used)");
        }
        if (negativePrompt == null) {
            negativePrompt = "";
        }
        if (negativePrompt.length() > MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("the negative prompt is " + negativePrompt.length()
                    + " characters long; the limit is " + MAX_PROMPT_CHARS);
        }
        if (promptSyntax != PromptSyntax.PLAIN) {
            checkWeights("prompt", prompt);
            checkWeights("negative prompt", negativePrompt);
        }
        if (seed != null && (seed < 0 || seed > MAX_SEED)) {
            throw new IllegalArgumentException("seed must be between 0 and " + MAX_SEED + ", got " + seed);
        }
        if (seed != null && seed + count - 1 > MAX_SEED) {
            throw new IllegalArgumentException("seed " + seed + " with " + count + " images goes past " + MAX_SEED
                    + " (image i uses seed + i); use a smaller seed");
        }
        if (steps != null && (steps < 1 || steps > MAX_STEPS)) {
            throw new IllegalArgumentException("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        if (guidance != null && (!(guidance >= 0) || guidance > MAX_GUIDANCE)) {
            throw new IllegalArgumentException("guidance must be between 0 and " + (int) MAX_GUIDANCE + ", got " + guidance);
        }
        checkSide("width", width);
        checkSide("height", height);
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT + ", got " + count);
        }
        if (strength != null) {
            if (!(strength >= 0 && strength <= 1)) {
                throw new IllegalArgumentException("strength must be between 0 and 1, got " + strength);
            }
            if (initImage == null) {
                throw new IllegalArgumentException("strength applies only to image-to-image; attach an init image");
            }
        }
        if (subseed != null && (subseed < 0 || subseed > MAX_SEED)) {
            throw new IllegalArgumentException("subseed must be between 0 and " + MAX_SEED + ", got " + subseed);
        }
        if (subseed != null && subseed + count - 1 > MAX_SEED) {
            throw new IllegalArgumentException("subseed " + subseed + " with " + count + " images goes past " + MAX_SEED
                    + "; use a smaller subseed");
        }
        if (subseedStrength != null && !(subseedStrength >= 0 && subseedStrength <= 1)) {
            throw new IllegalArgumentException("subseed strength must be between 0 and 1, got " + subseedStrength);
        }
        if (upscale != null && !(upscale >= MIN_UPSCALE && upscale <= MAX_UPSCALE)) {
            throw new IllegalArgumentException("upscale must be between " + MIN_UPSCALE + " and " + (int) MAX_UPSCALE
                    + ", got " + upscale);
        }
        if (hiresStrength != null) {
            if (!(hiresStrength >= 0 && hiresStrength <= 1)) {
                throw new IllegalArgumentException("hires strength must be between 0 and 1, got " + hiresStrength);
            }
            if (upscale == null) {
                throw new IllegalArgumentException("hires strength applies only with upscale");
            }
        }
        if ((originalWidth == null) != (originalHeight == null)) {
            throw new IllegalArgumentException("original size needs both a width and a height, as WxH");
        }
        if (originalWidth != null && (originalWidth < 1 || originalWidth > MAX_ORIGINAL_SIDE || originalHeight < 1
                || originalHeight > MAX_ORIGINAL_SIDE)) {
            throw new IllegalArgumentException("original size sides must be between 1 and " + MAX_ORIGINAL_SIDE
                    + ", got " + originalWidth + "x" + originalHeight);
        }
        if ((cropX == null) != (cropY == null)) {
            throw new IllegalArgumentException("crop needs both a left (X) and a top (Y) offset, as X,Y");
        }
        if (cropX != null && (cropX < 0 || cropX > MAX_ORIGINAL_SIDE || cropY < 0 || cropY > MAX_ORIGINAL_SIDE)) {
            throw new IllegalArgumentException("crop offsets must be between 0 and " + MAX_ORIGINAL_SIDE + ", got "
                    + cropX + "," + cropY);
        }
    }

    /** Whether the request sets SDXL's micro-conditioning (original size or crop). */
    public boolean hasMicroConditioning() {
        return originalWidth != null || cropX != null;
    }

    /** Every text of the prompt's schedule reads as emphasis (an explicit weight that is no number fails). */
    private static void checkWeights(String which, String text) {
        try {
            for (String scheduled : PromptSchedule.of(text, 1).distinctTexts()) {
                EmphasisParser.parse(scheduled);
            }
            EmphasisParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("in the " + which + ", " + e.getMessage(), e);
        }
    }

    private static void checkSide(String name, Integer value) {
        if (value != null && (value < MIN_SIDE || value > MAX_SIDE || value % 8 != 0)) {
            throw new IllegalArgumentException(name + " must be a multiple of 8 between " + MIN_SIDE + " and "
                    + MAX_SIDE + ", got " + value);
        }
    }

    /** A builder for {@code prompt} with every other field at its default. */
    public static Builder builder(String prompt) {
        return new Builder(RequestValues.NONE.with("prompt", prompt), null);
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(RequestValues.of(this), initImage);
    }

    /** Whether this is an image-to-image job. */
    public boolean isImageToImage() {
        return initImage != null;
    }

    /** Whether variation-seed noise is mixed in. */
    public boolean hasVariation() {
        return subseedStrength != null && subseedStrength > 0;
    }

    /** The width of the finished images: {@link #width()} times the upscale factor, snapped down to 8. */
    public int outputWidth() {
        return upscale == null ? width : upscaled(width, upscale);
    }

    /** The height of the finished images: {@link #height()} times the upscale factor, snapped down to 8. */
    public int outputHeight() {
        return upscale == null ? height : upscaled(height, upscale);
    }

    static int upscaled(int side, double factor) {
        int scaled = (int) Math.round(side * factor);
        return scaled - scaled % 8;
    }

    /**
     * Builds requests; {@link #build()} validates. Copying and building go through {@link RequestValues}, by record
     * component, so no value can be dropped on the way; each setter below is a typed shortcut for
     * {@link #set(String, Object)}. Not thread-safe.
     */
    public static final class Builder {
        private RequestValues values;
        private BufferedImage initImage;

        private Builder(RequestValues values, BufferedImage initImage) {
            this.values = values.has("count") ? values : values.with("count", 1);
            this.initImage = initImage;
        }

        /**
         * Sets the parameter {@code name} (a {@link RequestValues#names() record component}); {@code null} unsets it.
         *
         * @throws IllegalArgumentException when no parameter has this name or the value is of another type
         */
        public Builder set(String name, Object value) {
            values = values.with(name, value);
            return this;
        }

        /** Sets every value {@code more} holds, keeping the others. */
        public Builder setAll(RequestValues more) {
            values = more.orElse(values);
            return this;
        }

        /** Sets the prompt. */
        public Builder prompt(String value) {
            return set("prompt", value);
        }

        /** Sets the negative prompt; {@code null} means none. */
        public Builder negativePrompt(String value) {
            return set("negativePrompt", value);
        }

        /** Sets the seed; {@code null} picks one at random. */
        public Builder seed(Long value) {
            return set("seed", value);
        }

        /** Sets the seed. */
        public Builder seed(long value) {
            return set("seed", value);
        }

        /** Sets the sampler; {@code null} for the model's own. */
        public Builder sampler(SamplerKind value) {
            return set("sampler", value);
        }

        /** Sets the number of denoising steps. */
        public Builder steps(Integer value) {
            return set("steps", value);
        }

        /** Sets the guidance scale. */
        public Builder guidance(Double value) {
            return set("guidance", value);
        }

        /** Sets the width in pixels. */
        public Builder width(Integer value) {
            return set("width", value);
        }

        /** Sets the height in pixels. */
        public Builder height(Integer value) {
            return set("height", value);
        }

        /** Sets width and height. */
        public Builder size(int w, int h) {
            return width(w).height(h);
        }

        /** Sets the number of images. */
        public Builder count(int value) {
            return set("count", value);
        }

        /** Sets the image to start from (img2img); {@code null} for text-to-image. */
        public Builder initImage(BufferedImage value) {
            initImage = value;
            return this;
        }

        /** Sets the img2img strength. */
        public Builder strength(Double value) {
            return set("strength", value);
        }

        /** Sets the variation seed; {@code null} picks one when a subseed strength is set. */
        public Builder subseed(Long value) {
            return set("subseed", value);
        }

        /** Sets how much of the variation seed's noise to mix in, 0 to 1. */
        public Builder subseedStrength(Double value) {
            return set("subseedStrength", value);
        }

        /** Sets the hires upscale factor (1.5 to 4); {@code null} for none. */
        public Builder upscale(Double value) {
            return set("upscale", value);
        }

        /** Sets the hires pass strength. */
        public Builder hiresStrength(Double value) {
            return set("hiresStrength", value);
        }

        /** Sets SDXL's original size (both sides or neither; {@code null} for the image's own size). */
        public Builder originalSize(Integer w, Integer h) {
            return set("originalWidth", w).set("originalHeight", h);
        }

        /** Sets SDXL's crop top-left as left, top (both or neither; {@code null} for 0,0). */
        public Builder crop(Integer x, Integer y) {
            return set("cropX", x).set("cropY", y);
        }

        /** Sets how the prompts are read; {@code null} for {@link PromptSyntax#DEFAULT}. */
        public Builder promptSyntax(PromptSyntax value) {
            return set("promptSyntax", value);
        }

        /** Validates and builds. */
        public GenerationRequest build() {
            return values.toRequest(initImage);
        }
    }
}
