package dev.imagine.bot.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file into {@code <file>.part} beside its target, resuming with {@code Range} from the bytes
 * already there, retrying network failures with backoff, checking size and hash, and only then renaming it into
 * place atomically. A corrupt result is deleted and fetched again, a bounded number of times.
 */
final class FileDownloader {
    static final String PART_SUFFIX = ".part";
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloader.class);

    private final HubClient client;
    private final int maxCorruptFetches;

    FileDownloader(HubClient client, int maxCorruptFetches) {
        this.client = client;
        this.maxCorruptFetches = maxCorruptFetches;
    }

    static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + PART_SUFFIX);
    }

    /**
     * Fetches {@code remote} into {@code target}.
     *
     * @param label the file's path in the model folder, for progress and messages
     * @return the hashes of the file now at {@code target}, and the bytes received from the network
     * @throws ModelException when retries ran out (the partial file stays for the next run) or the file kept
     *     arriving corrupt
     */
    Fetched fetch(RepoRef ref, String commit, RemoteFile remote, Path target, String label, PullListener listener)
            throws IOException, InterruptedException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = partFile(target);
        long received = 0;
        for (int corrupt = 0; ; ) {
            try (PartialFile partial = new PartialFile(part, remote.size())) {
                listener.fileStarted(label, remote.size(), partial.length());
                received += download(ref, commit, remote, partial, label, listener);
                Hashing.FileHashes hashes = partial.finish();
                String problem = problem(remote, partial.length(), hashes);
                if (problem == null) {
                    moveIntoPlace(part, target);
                    listener.fileFinished(label, remote.size());
                    return new Fetched(hashes, received);
                }
                partial.delete();
                corrupt++;
                if (corrupt >= maxCorruptFetches) {
                    throw new ModelException(label + " of " + ref + " arrived corrupt " + corrupt + " times (" + problem
                            + "); the hub or a proxy on the way serves broken data: try again later or another "
                            + "HF_ENDPOINT");
                }
                note(listener, label + " arrived corrupt (" + problem + "); deleted it and fetching it again");
            }
        }
    }

    /**
     * The hashes of a fetched file and the bytes received for it.
     */
    record Fetched(Hashing.FileHashes hashes, long bytesReceived) {
    }

    /** Why the finished file is not {@code remote}'s contents, or {@code null} when it is. */
    static String problem(RemoteFile remote, long length, Hashing.FileHashes hashes) {
        if (length != remote.size()) {
            return "size " + length + " instead of " + remote.size();
        }
        if (remote.isLfs() && !remote.sha256().equals(hashes.sha256())) {
            return "SHA-256 " + Hashing.shortHex(hashes.sha256()) + " instead of " + Hashing.shortHex(remote.sha256());
        }
        if (!remote.isLfs() && remote.gitBlobId() != null && !remote.gitBlobId().equals(hashes.gitBlobId())) {
            return "git blob id " + Hashing.shortHex(hashes.gitBlobId()) + " instead of "
                    + Hashing.shortHex(remote.gitBlobId());
        }
        return null;
    }

    private long download(RepoRef ref, String commit, RemoteFile remote, PartialFile partial, String label,
            PullListener listener) throws IOException, InterruptedException {
        long received = 0;
        int failures = 0;
        while (partial.length() < remote.size()) {
            long before = partial.length();
            try {
                transfer(ref, commit, remote, partial, label, listener);
            } catch (TransientException e) {
                if (partial.length() > before) {
                    failures = 0;
                }
                String what = "downloading " + label + " (" + HumanSizes.format(partial.length()) + " of "
                        + HumanSizes.format(remote.size()) + " on disk, kept for the next run)";
                failures = client.waitOrGiveUp(failures + 1, e, what, listener);
            } finally {
                received += Math.max(0, partial.length() - before);
            }
        }
        return received;
    }

    private void transfer(RepoRef ref, String commit, RemoteFile remote, PartialFile partial, String label,
            PullListener listener) throws IOException, InterruptedException {
        long from = partial.length();
        try (HubClient.Download download = client.open(ref, commit, remote.path(), from)) {
            if (download.status() == 416) {
                if (from == 0) {
                    throw new ModelException("the hub answered HTTP 416 to a plain request for " + label);
                }
                note(listener, label + ": the server cannot resume at byte " + from
                        + " (HTTP 416); starting the file over");
                partial.reset();
                return;
            }
            if (download.status() == 200 && from > 0) {
                note(listener, label + ": the server ignored the request to resume at byte " + from
                        + "; starting the file over");
                partial.reset();
            } else if (download.status() == 206 && download.rangeStart() != from) {
                partial.reset();
                throw new TransientException("the server resumed at byte " + download.rangeStart() + " instead of "
                        + from);
            }
            long size = remote.size();
            for (List<ByteBuffer> chunk; partial.length() < size && (chunk = download.body().next()) != null; ) {
                for (ByteBuffer buffer : chunk) {
                    long room = size - partial.length();
                    if (buffer.remaining() > room) {
                        buffer.limit(buffer.position() + (int) room);
                    }
                    partial.append(buffer);
                }
                listener.bytesReceived(label, partial.length(), size);
            }
            if (partial.length() < size) {
                throw new TransientException("the connection closed at byte " + partial.length() + " of " + size);
            }
        }
    }

    private static void note(PullListener listener, String message) {
        LOG.debug(message);
        listener.note(message);
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.debug("atomic rename not supported for {}; replacing it non-atomically", target);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The {@code .part} file, appended to, with digests that always cover exactly its bytes. */
    private static final class PartialFile implements AutoCloseable {
        private final Path path;
        private final long size;
        private FileChannel channel;
        private MessageDigest sha256;
        private MessageDigest gitBlob;
        private long length;

        PartialFile(Path path, long size) throws IOException {
            this.path = path;
            this.size = size;
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            long existing = channel.size();
            if (existing > size) {
                channel.truncate(0);
                existing = 0;
            }
            startDigests();
            if (existing > 0) {
                hashExisting(existing);
            }
            length = existing;
            channel.position(length);
        }

        long length() {
            return length;
        }

        void append(ByteBuffer buffer) throws IOException {
            ByteBuffer forDigest = buffer.duplicate();
            sha256.update(forDigest);
            forDigest = buffer.duplicate();
            gitBlob.update(forDigest);
            while (buffer.hasRemaining()) {
                length += channel.write(buffer);
            }
        }

        void reset() throws IOException {
            channel.truncate(0);
            channel.position(0);
            length = 0;
            startDigests();
        }

        Hashing.FileHashes finish() throws IOException {
            channel.force(true);
            return new Hashing.FileHashes(Hashing.hex(sha256.digest()), Hashing.hex(gitBlob.digest()));
        }

        void delete() throws IOException {
            close();
            Files.deleteIfExists(path);
        }

        private void startDigests() {
            sha256 = Hashing.sha256();
            gitBlob = Hashing.gitBlob(size);
        }

        private void hashExisting(long bytes) throws IOException {
            channel.position(0);
            InputStream in = Channels.newInputStream(channel);
            byte[] buffer = new byte[1 << 20];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                sha256.update(buffer, 0, n);
                gitBlob.update(buffer, 0, n);
                left -= n;
            }
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                channel.close();
            }
        }
    }
}
