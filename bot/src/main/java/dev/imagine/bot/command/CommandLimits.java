package dev.imagine.bot.command;

import dev.imagine.config.EngineSettings;
import dev.imagine.config.LimitSettings;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.ModelInfo;

/**
 * The limits and defaults the command core applies before a job reaches the dispatcher.
 *
 * @param defaultWidth the model's default width: with {@link #defaultHeight} it gives the area an aspect ratio keeps
 * @param defaultHeight the model's default height
 * @param maxSide the largest width or height, also after an upscale: a multiple of 8 from
 *     {@value GenerationRequest#MIN_SIDE} to {@value GenerationRequest#MAX_SIDE} ({@code engine.max-side})
 * @param maxCount the most images per request, 1 to {@value GenerationRequest#MAX_COUNT}
 * @param maxImageBytes the largest picture a user may send for img2img, in bytes
 *     ({@code engine.input-image.max-size})
 * @param maxImagePixels the most pixels (width times height) such a picture may have, read from its header before
 *     decoding ({@code engine.input-image.max-pixels})
 * @param maxFrames the most frames of one animation, in all ({@code limits.max-frames})
 */
public record CommandLimits(int defaultWidth, int defaultHeight, int maxSide, int maxCount, long maxImageBytes,
        long maxImagePixels, int maxFrames) {

    /** Images per request when not configured: 4, as Discord's {@code count} option offers. */
    public static final int DEFAULT_MAX_COUNT = 4;

    /** Validates. */
    public CommandLimits {
        checkSide("default width", defaultWidth);
        checkSide("default height", defaultHeight);
        checkSide("maximum side", maxSide);
        if (maxCount < 1 || maxCount > GenerationRequest.MAX_COUNT) {
            throw new IllegalArgumentException("the most images per request must be from 1 to "
                    + GenerationRequest.MAX_COUNT + ", got " + maxCount);
        }
        if (maxFrames < 2 || maxFrames > LimitSettings.MAX_MAX_FRAMES) {
            throw new IllegalArgumentException("the most frames per animation must be from 2 to "
                    + LimitSettings.MAX_MAX_FRAMES + ", got " + maxFrames);
        }
        if (maxImageBytes < 1 || maxImagePixels < 1) {
            throw new IllegalArgumentException("image limits must be positive, got " + maxImageBytes + " bytes and "
                    + maxImagePixels + " pixels");
        }
    }

    /** Limits with the default {@value LimitSettings#DEFAULT_MAX_FRAMES} frames per animation. */
    public CommandLimits(int defaultWidth, int defaultHeight, int maxSide, int maxCount, long maxImageBytes,
            long maxImagePixels) {
        this(defaultWidth, defaultHeight, maxSide, maxCount, maxImageBytes, maxImagePixels,
                LimitSettings.DEFAULT_MAX_FRAMES);
    }

    private static void checkSide(String name, int side) {
        if (side < GenerationRequest.MIN_SIDE || side > GenerationRequest.MAX_SIDE || side % 8 != 0) {
            throw new IllegalArgumentException(name + " must be a multiple of 8 from " + GenerationRequest.MIN_SIDE
                    + " to " + GenerationRequest.MAX_SIDE + ", got " + side);
        }
    }

    /** The limits of a configured engine running {@code model}, with {@value #DEFAULT_MAX_COUNT} images per request. */
    public static CommandLimits of(EngineSettings engine, ModelInfo model) {
        return of(engine, LimitSettings.defaults(), model);
    }

    /** The limits of a configured engine running {@code model}, with the configured frames per animation. */
    public static CommandLimits of(EngineSettings engine, LimitSettings limits, ModelInfo model) {
        return new CommandLimits(model.defaultWidth(), model.defaultHeight(), engine.maxSide(), DEFAULT_MAX_COUNT,
                engine.inputImage().maxSize(), engine.inputImage().maxPixels(), limits.maxFrames());
    }

    /** A 512 x 512 model, sides up to 1024, 4 images per request, pictures up to 10 MB and 4096 x 4096 pixels. */
    public static CommandLimits defaults() {
        return new CommandLimits(512, 512, 1024, DEFAULT_MAX_COUNT, 10L << 20, 4096L * 4096L);
    }
}
