package dev.imagine.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.h2.api.ErrorCode;

/**
 * Generations, users and settings with their images: by default a data directory with the H2 database
 * {@code imagine.mv.db} and the content-addressed image files under {@code images/}; with a
 * {@link StorageOptions#server() PostgreSQL server}, its rows and images (content-addressed there too) in that
 * database, which many nodes share. Opening creates what is missing and applies pending migrations, the same ones on
 * both databases.
 *
 * <p>Every write commits before its method returns and survives a killed process; with
 * {@link StorageOptions#syncEachCommit()} (the default) it also survives a power loss. All database work runs on one
 * thread that belongs to this object, so callers may be interrupted safely: an interrupted caller still waits for its
 * call to finish, and finds its interrupt flag set afterwards. Only one process can open a data directory at a time;
 * any number of processes can open the same PostgreSQL database.
 *
 * <p>Thread-safe. The caller owns the storage and closes it, which closes the repositories it handed out.
 */
public final class Storage implements AutoCloseable {
    /** The database file's name inside the data directory. */
    public static final String DATABASE_FILE = H2Database.FILE_NAME + H2Database.FILE_SUFFIX;

    private final Path dataDirectory;
    private final Clock clock;
    private final Database database;
    private final ImageStore files;
    private final UserRepository users;
    private final GenerationRepository generations;
    private final SettingsRepository settings;
    private final ChatIntake intake;
    private final ClusterQueue queue;
    private final ClusterBuckets buckets;

    private Storage(StorageOptions options, Database database) {
        this.dataDirectory = options.dataDirectory().toAbsolutePath().normalize();
        this.clock = options.clock();
        this.database = database;
        this.files = database.vendor() == Database.Vendor.H2 ? new ImageFiles(dataDirectory) : new ImageBlobs();
        this.users = new UserRepository(database, clock);
        this.generations = new GenerationRepository(database, files, clock);
        this.settings = new SettingsRepository(database, clock);
        this.intake = new ChatIntake(database, clock);
        this.queue = database.vendor() == Database.Vendor.POSTGRESQL
                ? new ClusterQueue(database, generations, clock) : null;
        this.buckets = database instanceof PostgresDatabase postgres ? new ClusterBuckets(postgres, clock) : null;
    }

    /** Opens {@code dataDirectory} with the system clock and a sync on every commit. */
    public static Storage open(Path dataDirectory) {
        return open(StorageOptions.of(dataDirectory));
    }

    /**
     * Opens a data directory, creating it when missing, and migrates its schema to the newest version.
     *
     * @throws StorageException when another process has it open, the database is damaged or from another H2
     *     version, the server does not answer or refuses the user, or a migration fails
     */
    public static Storage open(StorageOptions options) {
        Checks.required("the options", options);
        Path dir = options.dataDirectory().toAbsolutePath().normalize();
        Database database = options.server() == null ? H2Database.open(dir, options.syncEachCommit())
                : PostgresDatabase.open(options.server());
        return new Storage(options, database);
    }

    /**
     * Opens storage as {@link #open(StorageOptions)} does, except that an H2 database another imagine process holds
     * (a running {@code imagine run} or {@code generate}) is reached through the loopback server that process serves
     * instead of failing: for tools that read or back up while the service runs. Such a storage must not be used to
     * run jobs; it applies no migrations (the holder did).
     */
    public static Storage openShared(StorageOptions options) {
        Checks.required("the options", options);
        if (options.server() != null) {
            return open(options);
        }
        Path dir = options.dataDirectory().toAbsolutePath().normalize();
        return new Storage(options, H2Database.open(dir, options.syncEachCommit(), true));
    }

    /** Whether this storage reached its H2 database through another process that holds it. */
    public boolean throughHolder() {
        return database instanceof H2Database h2 && h2.throughHolder();
    }

    /** Whether the rows live on a PostgreSQL server (else in the H2 file of the data directory). */
    public boolean onServer() {
        return database.vendor() == Database.Vendor.POSTGRESQL;
    }

    /** The data directory, absolute. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Users. */
    public UserRepository users() {
        return users;
    }

    /** Generations and their images. */
    public GenerationRepository generations() {
        return generations;
    }

    /**
     * The queue that the nodes of a cluster share.
     *
     * @throws IllegalStateException on the H2 file, whose single process keeps its queue in memory
     */
    public ClusterQueue queue() {
        if (queue == null) {
            throw new IllegalStateException("the cluster queue needs a PostgreSQL server (storage.url); "
                    + "the embedded H2 file serves one process");
        }
        return queue;
    }

    /**
     * The rate limits' token buckets that the frontends of a cluster share, or empty on the H2 file, whose single
     * process keeps its buckets in memory.
     */
    public Optional<ClusterBuckets> sharedBuckets() {
        return Optional.ofNullable(buckets);
    }

    /** Per-user and per-channel defaults. */
    public SettingsRepository settings() {
        return settings;
    }

    /** How far each chat platform's stream of updates has been handled. */
    public ChatIntake intake() {
        return intake;
    }

    /**
     * Asks the database a trivial question, for a health check.
     *
     * @throws StorageException when the database cannot answer (closed, damaged, the disk gone)
     */
    public void check() {
        database.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT 1")) {
                rows.next();
            }
            return null;
        });
    }

    /** Row counts, for metrics. */
    public Counts counts() {
        return database.read(c -> {
            long users;
            Map<GenerationStatus, Long> byStatus = new EnumMap<>(GenerationStatus.class);
            long generations = 0;
            long images;
            long imageBytes;
            try (Statement s = c.createStatement()) {
                try (ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM users")) {
                    rows.next();
                    users = rows.getLong(1);
                }
                try (ResultSet rows = s.executeQuery("SELECT status, COUNT(*) FROM generations GROUP BY status")) {
                    while (rows.next()) {
                        byStatus.put(GenerationStatus.fromId(rows.getString(1)), rows.getLong(2));
                        generations += rows.getLong(2);
                    }
                }
                try (ResultSet rows = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM images")) {
                    rows.next();
                    images = rows.getLong(1);
                    imageBytes = rows.getLong(2);
                }
            }
            return new Counts(users, generations, byStatus, images, imageBytes);
        });
    }

    /**
     * The paths, sizes, schema version and counts that {@code imagine db info} shows. Walks the image folder (H2) or
     * sums the stored images (PostgreSQL).
     */
    public StorageInfo info() {
        Counts counts = counts();
        return database.read(c -> {
            String version;
            try (Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" "
                            + "WHERE \"success\" AND \"version\" IS NOT NULL "
                            + "ORDER BY \"installed_rank\" DESC FETCH FIRST 1 ROWS ONLY")) {
                version = rows.next() ? rows.getString(1) : "none";
            }
            long[] totals = files.totals(c);
            if (database instanceof PostgresDatabase server) {
                long size;
                try (Statement s = c.createStatement();
                        ResultSet rows = s.executeQuery("SELECT pg_database_size(current_database())")) {
                    rows.next();
                    size = rows.getLong(1);
                }
                return new StorageInfo(dataDirectory, server.server().where(), size, version, counts, totals[0],
                        totals[1]);
            }
            Path file = dataDirectory.resolve(DATABASE_FILE);
            return new StorageInfo(dataDirectory, file.toString(), Files.size(file), version, counts, totals[0],
                    totals[1]);
        });
    }

    /**
     * Deletes finished (done, failed or cancelled) generations queued more than {@code olderThan} ago with their
     * image rows, then every image (a file under {@code images/}, or a row on PostgreSQL) that no remaining row
     * references (an image shared with a newer generation stays). Queued and running generations and users are kept; children of a deleted generation
     * lose their parent link.
     */
    public PruneResult prune(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("the age to prune must be zero or more");
        }
        Instant cutoff = clock.instant().minus(olderThan);
        long[] rows = database.write(c -> {
            String where = " WHERE queued_at < ? AND status IN (?, ?, ?)";
            long images;
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT COUNT(*) FROM images WHERE generation_id IN (SELECT id FROM generations" + where + ")")) {
                bindPrune(count, cutoff);
                try (ResultSet r = count.executeQuery()) {
                    r.next();
                    images = r.getLong(1);
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM generations" + where)) {
                bindPrune(delete, cutoff);
                return new long[] {delete.executeUpdate(), images};
            }
        });
        // A separate transaction, so it sees the committed rows. H2 runs it on the storage thread, so no image is
        // being stored meanwhile; PostgreSQL locks the images' table against concurrent stores (see ImageBlobs).
        long[] deleted = database.write(files::deleteUnreferenced);
        return new PruneResult(rows[0], rows[1], deleted[0], deleted[1]);
    }

    private static void bindPrune(PreparedStatement statement, Instant cutoff) throws SQLException {
        Rows.setInstant(statement, 1, cutoff);
        statement.setString(2, GenerationStatus.DONE.id());
        statement.setString(3, GenerationStatus.FAILED.id());
        statement.setString(4, GenerationStatus.CANCELLED.id());
    }

    /**
     * Writes a consistent copy of the database, taken while it stays open (H2's {@code BACKUP}), as a zip holding
     * {@value #DATABASE_FILE}; an existing file is replaced only once the copy is complete. The image files are
     * not included: they never change once written, so copying the {@code images/} folder at any time (before or
     * after) backs them up. {@link #restore} puts the database back.
     *
     * <p>On PostgreSQL the copy is {@code pg_dump}'s custom format of the database (or of the URL's
     * {@code currentSchema}), images included, which {@code pg_restore} reads.
     *
     * @throws IllegalArgumentException before any work when {@code file} is a folder or one of the live database's
     *     own files
     * @throws StorageException on PostgreSQL when {@code pg_dump} is not installed or fails
     */
    public void backup(Path file) {
        Checks.required("the backup file", file);
        Path target = file.toAbsolutePath().normalize();
        if (database instanceof PostgresDatabase server) {
            PgDump.backup(server.server(), target);
            return;
        }
        refuseBackupTarget(target);
        database.read(c -> {
            Path folder = target.getParent();
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, target.getFileName() + "-", ".tmp");
            try {
                try (PreparedStatement backup = c.prepareStatement("BACKUP TO ?")) {
                    backup.setString(1, temp.toString());
                    backup.executeUpdate();
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            return null;
        });
    }

    /**
     * Refuses, before any work, a backup target that would destroy or shadow the live database: one of the data
     * folder's database files ({@code imagine.mv.db}, its trace and lock files), or a folder.
     *
     * @throws IllegalArgumentException naming the target and what to do instead
     */
    private void refuseBackupTarget(Path target) {
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("the backup target " + target + " is a folder; name a file, e.g. "
                    + target.resolve("imagine-backup.zip"));
        }
        Path parent = target.getParent();
        Path name = target.getFileName();
        if (parent == null || name == null) {
            throw new IllegalArgumentException("the backup target " + target + " is not a file path");
        }
        boolean inDataFolder;
        try {
            inDataFolder = Files.isDirectory(parent) && Files.isSameFile(parent, dataDirectory);
        } catch (IOException e) {
            inDataFolder = parent.equals(dataDirectory);
        }
        if (inDataFolder && name.toString().startsWith(H2Database.FILE_NAME + ".")) {
            throw new IllegalArgumentException("the backup target " + target + " is the live database (or one of "
                    + "its files) in " + dataDirectory + "; writing there would destroy it. Name a file outside the "
                    + "data folder, e.g. backups/imagine-backup.zip");
        }
    }

    /**
     * Puts a database from {@link #backup} into {@code dataDirectory} (created when missing). Refuses to replace a
     * database that is there already. Open the directory afterwards to use it; copy the backed-up {@code images/}
     * folder there too.
     *
     * @throws StorageException when the directory holds a database, or the file is not a backup made by imagine
     */
    public static void restore(Path backup, Path dataDirectory) {
        Path target = dataDirectory.resolve(DATABASE_FILE);
        if (Files.exists(target)) {
            throw new StorageException(dataDirectory + " already holds a database; restore into an empty folder");
        }
        try {
            Files.createDirectories(dataDirectory);
            Path temp = Files.createTempFile(dataDirectory, DATABASE_FILE + "-", ".tmp");
            try {
                boolean found = false;
                try (InputStream in = Files.newInputStream(backup); ZipInputStream zip = new ZipInputStream(in)) {
                    for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                        if (entry.getName().equals(DATABASE_FILE) && !found) {
                            Files.copy(zip, temp, StandardCopyOption.REPLACE_EXISTING);
                            found = true;
                        }
                    }
                }
                if (!found) {
                    throw new StorageException(backup + " is not a database backup made by imagine (it holds no "
                            + DATABASE_FILE + ")");
                }
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new StorageException("could not restore " + backup + " into " + dataDirectory + ": " + e, e);
        }
    }

    /**
     * Replaces the database in {@code dataDirectory} (created when missing) with the one in a {@link #backup} zip,
     * for {@code imagine db restore}. First checks the zip is a backup made by imagine that H2 opens and that holds
     * imagine's tables; then refuses while another process has the database open; then moves the current database
     * files into a folder {@code replaced-TIME} beside them (nothing is deleted) and puts the backup's copy in place.
     * The images folder is left as it is.
     *
     * @return the folder the old files were moved to, or empty when there was no database
     * @throws StorageException when the file is not a valid backup, or the database is in use
     */
    public static Optional<Path> restoreReplacing(Path backup, Path dataDirectory, Clock clock) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        Path scratch = null;
        try {
            Files.createDirectories(dir);
            scratch = Files.createTempDirectory(dir, "restoring-");
            Path copy = scratch.resolve(DATABASE_FILE);
            extract(backup, copy);
            requireImagineDatabase(backup, scratch);
            Path live = dir.resolve(DATABASE_FILE);
            Optional<Path> aside = Optional.empty();
            if (Files.exists(live)) {
                requireNotInUse(dir);
                Path folder = dir.resolve("replaced-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                        .withZone(ZoneOffset.UTC).format(clock.instant()));
                Files.createDirectories(folder);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().startsWith(H2Database.FILE_NAME + "."))
                            .toList()) {
                        Files.move(file, folder.resolve(file.getFileName()));
                    }
                }
                aside = Optional.of(folder);
            }
            Files.move(copy, live);
            return aside;
        } catch (IOException e) {
            throw new StorageException("could not restore " + backup + " into " + dir + ": " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                deleteQuietly(scratch);
            }
        }
    }

    /** Copies the backup's {@value #DATABASE_FILE} to {@code target}, forced to the device. */
    private static void extract(Path backup, Path target) throws IOException {
        if (!Files.isRegularFile(backup)) {
            throw new StorageException(backup + " is not a file; name a backup made by imagine db backup");
        }
        boolean found = false;
        try (InputStream in = Files.newInputStream(backup); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals(DATABASE_FILE) && !found) {
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                    found = true;
                }
            }
        } catch (ZipException e) {
            found = false;
        }
        if (!found) {
            throw new StorageException(backup + " is not a database backup made by imagine (it holds no "
                    + DATABASE_FILE + ")");
        }
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Opens the copy in {@code folder} with H2 and checks it holds imagine's schema history and tables. */
    private static void requireImagineDatabase(Path backup, Path folder) {
        try (Connection c = H2Database.dataSource(folder).getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\"")) {
                rows.next();
            }
            try (ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM generations")) {
                rows.next();
            }
        } catch (SQLException e) {
            throw new StorageException(backup + " is not a usable imagine database backup: " + (e.getErrorCode()
                    == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1 || e.getErrorCode()
                    == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1 ? "its database has no imagine tables"
                    : "H2 cannot open its database file (damaged, or not made by this H2 version)"), e);
        }
    }

    /** Refuses while another process holds the database in {@code dir}. */
    private static void requireNotInUse(Path dir) {
        try (Connection c = H2Database.dataSource(dir).getConnection()) {
            c.isValid(1);
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw new StorageException("the database " + dir.resolve(DATABASE_FILE) + " is in use by another "
                        + "process; stop imagine run (or generate) first, then restore", e);
            }
            // A damaged database is what a restore replaces: nothing holds it, go on.
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover scratch folder is harmless; the restore's own outcome matters
        }
    }

    /** Finishes the work handed in so far and closes the database. Idempotent; waits even when interrupted. */
    @Override
    public void close() {
        database.close();
    }
}
