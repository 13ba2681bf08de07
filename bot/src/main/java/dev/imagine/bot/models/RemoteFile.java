package dev.imagine.bot.models;

/**
 * A file of a hub repository as the API lists it with {@code blobs=true}.
 *
 * @param path the path in the repository ({@code rfilename})
 * @param size its size in bytes
 * @param sha256 the LFS object's SHA-256 (lower-case hex) for large files, else {@code null}
 * @param gitBlobId the git blob id (SHA-1 of {@code "blob <size>\0"} and the content), or {@code null}
 */
record RemoteFile(String path, long size, String sha256, String gitBlobId) {
    RemoteFile {
        if (path == null || path.isBlank() || size < 0) {
            throw new IllegalArgumentException("a listed file needs a path and a size");
        }
    }

    boolean isLfs() {
        return sha256 != null;
    }

    /** The file name after the last slash. */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
