package dev.imagine.storage;

/**
 * What {@link Storage#prune} deleted.
 *
 * @param generations generation rows
 * @param images image rows (with their generations)
 * @param files image files that no row referenced any more, including leftovers of interrupted writes
 * @param bytes the size of those files
 */
public record PruneResult(long generations, long images, long files, long bytes) {
}
