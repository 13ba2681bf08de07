package dev.imagine.bot.command;

import dev.imagine.engine.SamplerKind;

/**
 * Generation options as a user gave them, either typed as a platform's command options (Discord's slash-command
 * options) or written as {@code --flags} in the prompt. Every field may be {@code null} ("not given"). Values are not
 * range-checked here: {@link CommandCore#imagine} checks the merged request and answers an out-of-range value with a
 * message, so an adapter can pass what the platform delivered as it is.
 *
 * @param negativePrompt what to avoid ({@code --no}); an empty text asks for none
 * @param seed the seed ({@code --seed})
 * @param sampler the sampler ({@code --sampler})
 * @param steps denoising steps ({@code --steps})
 * @param guidance the guidance scale ({@code --cfg})
 * @param width pixels ({@code --size W x H}); may come alone, or with {@code aspect} to derive the height
 * @param height pixels ({@code --size W x H}); may come alone, or with {@code aspect} to derive the width
 * @param aspect the aspect ratio ({@code --ar}); sets the size from the default area unless one side is given
 * @param count images ({@code --count})
 * @param strength img2img strength ({@code --strength})
 * @param subseed the variation seed ({@code --subseed})
 * @param subseedStrength how much of the variation seed to mix in ({@code --vary})
 * @param upscale the hires pass's factor ({@code --upscale})
 * @param hiresStrength the hires pass's strength ({@code --hires-strength})
 */
public record PromptOptions(
        String negativePrompt,
        Long seed,
        SamplerKind sampler,
        Integer steps,
        Double guidance,
        Integer width,
        Integer height,
        AspectRatio aspect,
        Integer count,
        Double strength,
        Long subseed,
        Double subseedStrength,
        Double upscale,
        Double hiresStrength) {

    /** No options. */
    public static final PromptOptions NONE = builder().build();

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether any of width, height or aspect ratio is set. */
    boolean setsSize() {
        return width != null || height != null || aspect != null;
    }

    /** Builds options. Not thread-safe. */
    public static final class Builder {
        private String negativePrompt;
        private Long seed;
        private SamplerKind sampler;
        private Integer steps;
        private Double guidance;
        private Integer width;
        private Integer height;
        private AspectRatio aspect;
        private Integer count;
        private Double strength;
        private Long subseed;
        private Double subseedStrength;
        private Double upscale;
        private Double hiresStrength;

        private Builder() {
        }

        /** Sets the negative prompt. */
        public Builder negativePrompt(String value) {
            negativePrompt = value;
            return this;
        }

        /** Sets the seed. */
        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        /** Sets the sampler. */
        public Builder sampler(SamplerKind value) {
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

        /** Sets the aspect ratio. */
        public Builder aspect(AspectRatio value) {
            aspect = value;
            return this;
        }

        /** Sets the number of images. */
        public Builder count(Integer value) {
            count = value;
            return this;
        }

        /** Sets the img2img strength. */
        public Builder strength(Double value) {
            strength = value;
            return this;
        }

        /** Sets the variation seed. */
        public Builder subseed(Long value) {
            subseed = value;
            return this;
        }

        /** Sets the variation strength. */
        public Builder subseedStrength(Double value) {
            subseedStrength = value;
            return this;
        }

        /** Sets the hires upscale factor. */
        public Builder upscale(Double value) {
            upscale = value;
            return this;
        }

        /** Sets the hires pass strength. */
        public Builder hiresStrength(Double value) {
            hiresStrength = value;
            return this;
        }

        /** Builds the options. */
        public PromptOptions build() {
            return new PromptOptions(negativePrompt, seed, sampler, steps, guidance, width, height, aspect, count,
                    strength, subseed, subseedStrength, upscale, hiresStrength);
        }
    }
}
