package dev.imagine.bot.command;

import java.util.Objects;

/**
 * A picture a user sent for image-to-image, as downloaded. Before downloading, adapters ask
 * {@link CommandCore#refuseUpload(long)} about the size the platform declares; the core checks both sizes again
 * before it decodes anything.
 *
 * @param bytes the file as received; the core reads it and stores it with the job, and does not change it
 * @param declaredSize the size the platform declared for the file, in bytes, or -1 when it declared none
 */
public record InitImage(byte[] bytes, long declaredSize) {

    /** Validates. */
    public InitImage {
        Objects.requireNonNull(bytes, "bytes");
        if (declaredSize < -1) {
            throw new IllegalArgumentException("declared size must be -1 (unknown) or more, got " + declaredSize);
        }
    }

    /** A picture whose declared size is its length. */
    public static InitImage of(byte[] bytes) {
        return new InitImage(bytes, bytes.length);
    }
}
