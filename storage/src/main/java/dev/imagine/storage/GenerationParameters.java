package dev.imagine.storage;

/**
 * The knobs of a generation as stored. Fields that may be {@code null} mean "the model's default" while a generation
 * is queued; once it is done they hold the values the engine used, so a rerun needs nothing else. The limits here
 * only keep rows sane; the engine checks its own, tighter ones.
 *
 * @param prompt what to draw, at most {@value #MAX_PROMPT_CHARS} characters
 * @param negativePrompt what to avoid; empty for none ({@code null} becomes empty)
 * @param sampler the sampler's user-facing name, e.g. {@code euler-a}, or {@code null}
 * @param steps denoising steps, 1 to 1000, or {@code null}
 * @param guidance guidance scale, 0 to 100, or {@code null}
 * @param width pixels, 1 to 16384, or {@code null}
 * @param height pixels, 1 to 16384, or {@code null}
 * @param count images, 1 to {@value #MAX_COUNT}
 * @param seed 0 or more, or {@code null} while not yet picked
 * @param subseed the variation seed: 0 or more, or {@code null}
 * @param subseedStrength how much of the subseed's noise to mix in, 0 to 1; a queued request may have it without a
 *     subseed (one is picked when it runs)
 * @param strength img2img: 0 keeps the init image, 1 replaces it; or {@code null}
 * @param upscale the hires pass's resize factor, 1 to 8, or {@code null} for none
 * @param hiresStrength the hires pass's img2img strength, 0 to 1; needs an upscale
 */
public record GenerationParameters(
        String prompt,
        String negativePrompt,
        String sampler,
        Integer steps,
        Double guidance,
        Integer width,
        Integer height,
        int count,
        Long seed,
        Long subseed,
        Double subseedStrength,
        Double strength,
        Double upscale,
        Double hiresStrength) {

    /** Longest prompt or negative prompt stored, in characters. */
    public static final int MAX_PROMPT_CHARS = 10_000;
    /** Most images per generation. */
    public static final int MAX_COUNT = 64;

    /** Validates every field. */
    public GenerationParameters {
        Checks.text("the prompt", Checks.required("a prompt", prompt), MAX_PROMPT_CHARS);
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        Checks.text("the negative prompt", negativePrompt, MAX_PROMPT_CHARS);
        Checks.name("the sampler", sampler);
        Checks.range("steps", steps, 1, 1000);
        Checks.range("guidance", guidance, 0, 100);
        Checks.range("width", width, 1, 16384);
        Checks.range("height", height, 1, 16384);
        Checks.range("count", count, 1, MAX_COUNT);
        Checks.range("the seed", seed, 0, Long.MAX_VALUE);
        Checks.range("the subseed", subseed, 0, Long.MAX_VALUE);
        Checks.range("the subseed strength", subseedStrength, 0, 1);
        Checks.range("the strength", strength, 0, 1);
        Checks.range("the upscale factor", upscale, 1, 8);
        Checks.range("the hires strength", hiresStrength, 0, 1);
        if (hiresStrength != null && upscale == null) {
            throw new IllegalArgumentException("a hires strength needs an upscale factor");
        }
    }

    /** A builder for {@code prompt} with one image and every other field unset. */
    public static Builder builder(String prompt) {
        return new Builder(prompt);
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(prompt).negativePrompt(negativePrompt).sampler(sampler).steps(steps).guidance(guidance)
                .width(width).height(height).count(count).seed(seed).subseed(subseed, subseedStrength)
                .strength(strength).upscale(upscale, hiresStrength);
    }

    /** Builds parameters; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String prompt;
        private String negativePrompt = "";
        private String sampler;
        private Integer steps;
        private Double guidance;
        private Integer width;
        private Integer height;
        private int count = 1;
        private Long seed;
        private Long subseed;
        private Double subseedStrength;
        private Double strength;
        private Double upscale;
        private Double hiresStrength;

        private Builder(String prompt) {
            this.prompt = prompt;
        }

        /** Sets the negative prompt. */
        public Builder negativePrompt(String value) {
            negativePrompt = value;
            return this;
        }

        /** Sets the sampler's user-facing name. */
        public Builder sampler(String value) {
            sampler = value;
            return this;
        }

        /** Sets the steps. */
        public Builder steps(Integer value) {
            steps = value;
            return this;
        }

        /** Sets the guidance scale. */
        public Builder guidance(Double value) {
            guidance = value;
            return this;
        }

        /** Sets the width. */
        public Builder width(Integer value) {
            width = value;
            return this;
        }

        /** Sets the height. */
        public Builder height(Integer value) {
            height = value;
            return this;
        }

        /** Sets the number of images. */
        public Builder count(int value) {
            count = value;
            return this;
        }

        /** Sets the seed. */
        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        /** Sets the subseed and its strength. */
        public Builder subseed(Long value, Double strength) {
            subseed = value;
            subseedStrength = strength;
            return this;
        }

        /** Sets the img2img strength. */
        public Builder strength(Double value) {
            strength = value;
            return this;
        }

        /** Sets the hires pass: resize factor and strength. */
        public Builder upscale(Double factor, Double strength) {
            upscale = factor;
            hiresStrength = strength;
            return this;
        }

        /** Validates and builds. */
        public GenerationParameters build() {
            return new GenerationParameters(prompt, negativePrompt, sampler, steps, guidance, width, height, count,
                    seed, subseed, subseedStrength, strength, upscale, hiresStrength);
        }
    }
}
