package dev.imagine.storage;

/**
 * A finished picture to store with its generation. The array is read, not copied, while it is stored; the caller
 * must not change it until {@link GenerationRepository#markDone} returns.
 *
 * @param index position in the generation, from 0
 * @param seed the seed that reproduces this image alone
 * @param png the encoded file, exactly as it will be served
 * @param nsfw whether a safety check flagged it
 */
public record NewImage(int index, long seed, byte[] png, boolean nsfw) {
    /** Most images one generation stores. */
    public static final int MAX_IMAGES = 64;

    /** Validates the fields. */
    public NewImage {
        Checks.range("the image index", index, 0, MAX_IMAGES - 1);
        Checks.range("the image seed", seed, 0L, Long.MAX_VALUE);
        if (png == null || png.length == 0) {
            throw new IllegalArgumentException("the image bytes are empty");
        }
    }
}
