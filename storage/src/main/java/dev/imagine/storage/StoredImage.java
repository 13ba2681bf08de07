package dev.imagine.storage;

/**
 * A stored picture of a generation. Its bytes are read with {@link GenerationRepository#imageBytes(StoredImage)},
 * which checks them against {@link #sha256()}.
 *
 * @param generationId the generation it belongs to
 * @param index position in the generation, from 0
 * @param seed the seed that reproduces this image alone
 * @param sha256 the file's SHA-256, lower-case hex; the file is named after it
 * @param path the file, relative to the data directory ({@code images/ab/cd/<sha256>.png})
 * @param sizeBytes the file's length
 * @param nsfw whether a safety check flagged it
 */
public record StoredImage(long generationId, int index, long seed, String sha256, String path, long sizeBytes,
        boolean nsfw) {
}
