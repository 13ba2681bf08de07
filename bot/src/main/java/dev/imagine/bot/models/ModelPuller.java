package dev.imagine.bot.models;

import dev.imagine.bot.retry.Backoff;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a Stable Diffusion ONNX folder from a Hugging Face hub: lists the revision's files, keeps those the
 * pipeline needs, checks free space, then downloads what is missing one file at a time. Every file is checked
 * against the hub's record (SHA-256 for large files, the git blob id for small ones) before it is renamed into
 * place; an interrupted run leaves {@code .part} files that the next run resumes. Running it again on a complete
 * folder downloads nothing. Retries and files fetched again are reported to the {@link PullListener} as notes
 * (and logged at DEBUG), so a service should pass a listener that logs them. One pull may write a folder at a
 * time (a lock file enforces it); a puller may be reused for several pulls, one after another.
 */
public final class ModelPuller {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPuller.class);
    static final String LOCK_FILE = ".imagine-pull.lock";

    private final HubClient client;
    private final DiskSpace diskSpace;
    private final int maxCorruptFetches;

    private ModelPuller(Builder builder) {
        this.client = new HubClient(builder.settings, builder.httpClient,
                new RetryPolicy(builder.maxAttempts, builder.backoff, builder.sleeper),
                builder.stallTimeout);
        this.diskSpace = builder.diskSpace;
        this.maxCorruptFetches = builder.maxCorruptFetches;
    }

    /** A puller for {@code settings} with the defaults: 6 tries per stall, 1 s backoff doubling to 30 s. */
    public static ModelPuller create(HubSettings settings) {
        return builder(settings).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder(HubSettings settings) {
        return new Builder(settings);
    }

    /**
     * Pulls {@code ref} into {@code folder}.
     *
     * @param precision the variant to prefer, or {@code null} for the repository's plain files
     * @return what was done; the folder is complete and every file checked
     * @throws ModelException with a user-facing sentence: no such repository, gated without a token, no ONNX
     *     files, not enough space, retries exhausted (partial files stay for the next run), or a file that
     *     kept arriving corrupt
     * @throws InterruptedException if the thread is interrupted while waiting; partial files stay
     */
    public PullResult pull(RepoRef ref, Path folder, Precision precision, PullListener listener)
            throws InterruptedException {
        return pull(ref, folder, precision, true, listener);
    }

    /**
     * Downloads a model as {@link #pull(RepoRef, Path, Precision, PullListener)} does, with or without its safety
     * checker ({@code safety_checker/} and {@code feature_extractor/}).
     *
     * @throws ModelException as the other {@code pull}
     * @throws InterruptedException as the other {@code pull}
     */
    public PullResult pull(RepoRef ref, Path folder, Precision precision, boolean safetyChecker, PullListener listener)
            throws InterruptedException {
        RepoListing listing = client.list(ref, listener);
        HubSettings settings = client.settings();
        if (listing.gated() && settings.token().isEmpty()) {
            throw client.refusal(401, "GatedRepo", ref, null);
        }
        FileSelection.Selection selection = FileSelection.select(ref, listing.files(), precision, safetyChecker);
        try {
            Files.createDirectories(folder);
            try (FileChannel lockChannel = FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = tryLock(lockChannel, folder)) {
                return pullLocked(ref, folder, precision, listing, selection, listener);
            }
        } catch (IOException e) {
            throw new ModelException("cannot write the model folder " + folder + ": " + HubClient.describe(e), e);
        }
    }

    private PullResult pullLocked(RepoRef ref, Path folder, Precision precision, RepoListing listing,
            FileSelection.Selection selection, PullListener listener) throws IOException, InterruptedException {
        Manifest manifest = Manifest.read(folder);
        manifest.source(ref, listing.commit(), precision);
        List<FileSelection.Wanted> toFetch = new ArrayList<>();
        long bytesToFetch = 0;
        long bytesPresent = 0;
        for (FileSelection.Wanted wanted : selection.files()) {
            Path target = resolveInside(folder, wanted.localPath());
            if (isComplete(target, wanted, manifest, listener)) {
                bytesPresent += wanted.remote().size();
                continue;
            }
            toFetch.add(wanted);
            Path part = FileDownloader.partFile(target);
            long partial = Files.isRegularFile(part) ? Files.size(part) : 0;
            bytesToFetch += wanted.remote().size() - (partial <= wanted.remote().size() ? partial : 0);
        }
        List<String> localPaths = selection.files().stream().map(FileSelection.Wanted::localPath).toList();
        manifest.retainOnly(localPaths);
        manifest.write(folder);
        checkSpace(folder, bytesToFetch, bytesPresent, ref);
        listener.planned(new PullPlan(ref, listing.commit(), folder, selection.files().size(), toFetch.size(),
                bytesToFetch, bytesPresent, selection.notes()));

        FileDownloader downloader = new FileDownloader(client, maxCorruptFetches);
        long received = 0;
        for (FileSelection.Wanted wanted : toFetch) {
            Path target = resolveInside(folder, wanted.localPath());
            FileDownloader.Fetched fetched = downloader.fetch(ref, listing.commit(), wanted.remote(), target,
                    wanted.localPath(), listener);
            received += fetched.bytesReceived();
            record(manifest, wanted, target, fetched.hashes());
            manifest.write(folder);
        }
        List<String> warnings = new ArrayList<>();
        precisionWarning(folder, precision).ifPresent(warning -> {
            warnings.add(warning);
            listener.note(warning);
        });
        LOG.debug("pulled {} into {}: {} files fetched, {} already present", ref, folder, toFetch.size(),
                selection.files().size() - toFetch.size());
        return new PullResult(folder, toFetch.size(), selection.files().size() - toFetch.size(), received, warnings);
    }

    /**
     * Whether {@code target} already holds the wanted file: the record matches its size and time (no hashing),
     * or hashing it matches the hub's record (then the record is updated).
     */
    private static boolean isComplete(Path target, FileSelection.Wanted wanted, Manifest manifest,
            PullListener listener) throws IOException {
        RemoteFile remote = wanted.remote();
        if (!Files.isRegularFile(target) || Files.size(target) != remote.size()) {
            return false;
        }
        long modified = Files.getLastModifiedTime(target).toMillis();
        Optional<Manifest.Entry> entry = manifest.get(wanted.localPath());
        if (entry.isPresent() && entry.get().modified() == modified && entry.get().describes(remote)) {
            return true;
        }
        Hashing.FileHashes hashes = Hashing.hashFile(target);
        if (FileDownloader.problem(remote, remote.size(), hashes) == null) {
            record(manifest, wanted, target, hashes);
            return true;
        }
        LOG.debug("{} differs from the hub's {}", target, remote.path());
        listener.note(wanted.localPath() + " differs from the hub's copy; fetching it again");
        return false;
    }

    private static void record(Manifest manifest, FileSelection.Wanted wanted, Path target, Hashing.FileHashes hashes)
            throws IOException {
        RemoteFile remote = wanted.remote();
        manifest.put(wanted.localPath(), new Manifest.Entry(remote.path(), remote.size(), hashes.sha256(),
                remote.isLfs() ? null : hashes.gitBlobId(), Files.getLastModifiedTime(target).toMillis()));
    }

    private void checkSpace(Path folder, long needed, long present, RepoRef ref) throws IOException {
        if (needed == 0) {
            return;
        }
        long usable = diskSpace.usableBytes(folder);
        if (usable < needed) {
            throw new ModelException(ref + " needs " + HumanSizes.format(needed) + " more in " + folder
                    + (present > 0 ? " (" + HumanSizes.format(present) + " already there)" : "") + ", but only "
                    + HumanSizes.format(usable) + " is free; free " + HumanSizes.format(needed - usable)
                    + " or pull into another folder with --dir");
        }
    }

    private static Optional<String> precisionWarning(Path folder, Precision requested) {
        if (requested == null) {
            return Optional.empty();
        }
        try {
            Optional<Precision> actual = OnnxInputs.read(folder.resolve("unet/model.onnx")).precision();
            if (actual.isPresent() && actual.get() != requested) {
                return Optional.of("asked for " + requested.id() + " but the repository's UNet takes "
                        + actual.get().id() + " inputs; it has no " + requested.id() + " variant");
            }
        } catch (IOException e) {
            LOG.debug("could not read the UNet's inputs in {}: {}", folder, e.getMessage());
        }
        return Optional.empty();
    }

    static Path resolveInside(Path folder, String localPath) {
        Path target = folder.resolve(localPath).normalize();
        if (!target.startsWith(folder.normalize())) {
            throw new ModelException("refusing to write " + localPath + " outside the model folder");
        }
        return target;
    }

    private static FileLock tryLock(FileChannel channel, Path folder) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new ModelException("another pull is writing to " + folder + "; wait for it to finish");
        }
        return lock;
    }

    /** Settings for a {@link ModelPuller}; tests shorten the waits and fake the disk. Not thread-safe. */
    public static final class Builder {
        private final HubSettings settings;
        private HttpClient httpClient = HubClient.defaultHttpClient();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DiskSpace diskSpace = DiskSpace.SYSTEM;
        private int maxAttempts = 6;
        private Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30));
        private Duration stallTimeout = Duration.ofSeconds(60);
        private int maxCorruptFetches = 3;

        private Builder(HubSettings settings) {
            if (settings == null) {
                throw new IllegalArgumentException("hub settings are required");
            }
            this.settings = settings;
        }

        /** Waits between retries with {@code value} (default: {@link Sleeper#SYSTEM}). */
        public Builder sleeper(Sleeper value) {
            sleeper = value;
            return this;
        }

        /** Measures free space with {@code value} (default: the file store's usable space). */
        public Builder diskSpace(DiskSpace value) {
            diskSpace = value;
            return this;
        }

        /** Tries a request at most {@code value} times in a row without progress (default 6; 1 = no retries). */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1, got " + value);
            }
            maxAttempts = value;
            return this;
        }

        /**
         * The waits between tries (default: 1 s doubling to 30 s, each shortened by up to 20% at random); tests pass
         * one whose jitter is a constant.
         */
        public Builder backoff(Backoff value) {
            if (value == null) {
                throw new IllegalArgumentException("the back-off is required");
            }
            backoff = value;
            return this;
        }

        /** Gives up on a connection that delivers nothing for {@code value} (default 60 s) and retries. */
        public Builder stallTimeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("the stall timeout must be positive, got " + value);
            }
            stallTimeout = value;
            return this;
        }

        /** Fetches a file that arrives corrupt at most {@code value} times (default 3). */
        public Builder maxCorruptFetches(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("max corrupt fetches must be at least 1, got " + value);
            }
            maxCorruptFetches = value;
            return this;
        }

        /** The puller. */
        public ModelPuller build() {
            return new ModelPuller(this);
        }
    }
}
