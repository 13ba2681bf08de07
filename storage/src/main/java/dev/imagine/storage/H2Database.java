package dev.imagine.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 file database, reached through one connection that only one thread, owned by this class, ever uses.
 *
 * <p><b>Why one thread.</b> H2's documentation warns against interrupting a thread that is inside H2: Java closes a
 * {@code FileChannel} when a thread blocked in it is interrupted, which closes the database under every caller.
 * Callers of the repositories may be interrupted - a dispatcher cancelling a job, an executor shutting down - so their
 * work is handed to the storage thread, which nothing else knows of and nothing interrupts, and they wait for the
 * result without reacting to interrupts (the interrupt flag is restored afterwards). With one connection there is
 * nothing to pool and no lock contention inside the database; a write takes a few milliseconds (mostly the sync),
 * next to seconds of image generation.
 *
 * <p><b>Durability.</b> H2 2.x keeps committed changes in memory and writes them to the file from a background
 * thread up to {@code WRITE_DELAY} ms later (500 by default); a killed process loses that window. The URL sets
 * {@code WRITE_DELAY=0}, which makes H2 (MVStore {@code autoCommitDelay} 0) write the store on the committing thread
 * before {@code commit()} returns, so a SIGKILL loses no committed transaction. Written data then sits in the OS page
 * cache; with {@link StorageOptions#syncEachCommit()} every write is followed by {@code CHECKPOINT SYNC}, which forces
 * the file to the device, so a power loss loses none either.
 */
final class H2Database implements Database {
    static final String FILE_NAME = "imagine";
    static final String FILE_SUFFIX = ".mv.db";
    private static final String USER = "imagine";
    private static final Logger LOG = LoggerFactory.getLogger(H2Database.class);

    /** The file, beside the database, that tells tools of this machine where the holder serves it. */
    static final String SERVER_FILE = FILE_NAME + ".server";

    private final Path dataDirectory;
    private final boolean syncEachCommit;
    private final ExecutorService thread;
    private Connection connection;
    private HolderServer server;
    private boolean throughHolder;

    private H2Database(Path dataDirectory, boolean syncEachCommit) {
        this.dataDirectory = dataDirectory;
        this.syncEachCommit = syncEachCommit;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "imagine-storage");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (creating when missing) the database in {@code dataDirectory} and applies pending migrations. */
    static H2Database open(Path dataDirectory, boolean syncEachCommit) {
        return open(dataDirectory, syncEachCommit, false);
    }

    /**
     * Opens the database as {@link #open(Path, boolean)} does; with {@code reachHolder}, a database that another
     * process holds is reached through the loopback server that process serves (see {@link HolderServer}) instead
     * of failing with "in use".
     */
    static H2Database open(Path dataDirectory, boolean syncEachCommit, boolean reachHolder) {
        H2Database database = new H2Database(dataDirectory, syncEachCommit);
        try {
            database.await(database.thread.submit(() -> {
                try {
                    database.connect();
                } catch (StorageException e) {
                    if (!reachHolder || !(e.getCause() instanceof SQLException sql)
                            || sql.getErrorCode() != ErrorCode.DATABASE_ALREADY_OPEN_1) {
                        throw e;
                    }
                    database.connection = HolderServer.connect(dataDirectory, USER).orElseThrow(() -> e);
                    database.connection.setAutoCommit(false);
                    database.throughHolder = true;
                }
                return null;
            }));
            return database;
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    /**
     * The JDBC URL of the database in {@code dataDirectory}: its path (which {@link StorageOptions} checks holds no
     * {@code ';'}), a fixed name and fixed settings. {@code TRACE_LEVEL_FILE=0}: errors reach the caller as
     * exceptions, and no {@code .trace.db} file collects SQL beside the data. {@code DB_CLOSE_ON_EXIT=FALSE}: H2's own
     * shutdown hook closed the database on SIGTERM while the service's shutdown still recorded the running job and the
     * adapters' delivery marks ("the storage is closed", a result sent twice); the owner closes it, last.
     */
    static String url(Path dataDirectory) {
        return "jdbc:h2:file:" + dataDirectory.toAbsolutePath().normalize().resolve(FILE_NAME)
                + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    static JdbcDataSource dataSource(Path dataDirectory) {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL(url(dataDirectory));
        source.setUser(USER);
        source.setPassword("");
        return source;
    }

    private void connect() throws SQLException, IOException {
        Files.createDirectories(dataDirectory);
        JdbcDataSource source = dataSource(dataDirectory);
        connection = connect(source);
        // Only the holder migrates and serves; a second process gets DATABASE_ALREADY_OPEN above.
        int applied = Migrations.apply(source, Vendor.H2, "the database in " + dataDirectory);
        if (applied > 0) {
            // H2 2.4 keeps the session that created a CHECK constraint with an IN list, here Flyway's, now closed,
            // and the check then fails with "database closed". Closing the last session closes the database;
            // reopening reads the constraints afresh.
            connection.close();
            connection = connect(source);
        }
        connection.setAutoCommit(false);
        server = HolderServer.start(dataDirectory, dataDirectory.toAbsolutePath().normalize().resolve(FILE_NAME));
        LOG.debug("opened {}", dataDirectory);
    }

    private Connection connect(JdbcDataSource source) {
        try {
            return source.getConnection();
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs read-only work on the storage thread and waits for it. */
    @Override
    public <T> T read(Work<T> work) {
        return await(submit(work, false));
    }

    /** Runs work that changes rows or files on the storage thread, commits it durably, and waits for it. */
    @Override
    public <T> T write(Work<T> work) {
        return await(submit(work, true));
    }

    private <T> Future<T> submit(Work<T> work, boolean changes) {
        try {
            return thread.submit(() -> {
                if (connection == null || connection.isClosed()) {
                    throw new StorageException("the storage in " + dataDirectory + " is closed");
                }
                try {
                    T result = work.run(connection);
                    connection.commit();
                    if (changes && syncEachCommit) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("CHECKPOINT SYNC");
                        }
                    }
                    return result;
                } catch (Throwable t) {
                    try {
                        connection.rollback();
                    } catch (SQLException rollback) {
                        t.addSuppressed(rollback);
                    }
                    throw t;
                }
            });
        } catch (RejectedExecutionException e) {
            throw new StorageException("the storage in " + dataDirectory + " is closed", e);
        }
    }

    /** Waits for the storage thread without giving up on interrupts, then restores the caller's interrupt flag. */
    private <T> T await(Future<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw unwrap(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RuntimeException unwrap(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof SQLException sql) {
            return translate(sql);
        }
        return new StorageException("could not read or write in " + dataDirectory + ": " + cause, cause);
    }

    private StorageException translate(SQLException e) {
        Path file = dataDirectory.resolve(FILE_NAME + FILE_SUFFIX);
        return switch (e.getErrorCode()) {
            case ErrorCode.DATABASE_ALREADY_OPEN_1 -> new StorageException("the database " + file
                    + " is in use by another process; stop the other imagine first", e);
            case ErrorCode.FILE_CORRUPTED_1 -> new StorageException("the database " + file
                    + " is damaged; restore it from a backup (imagine db backup makes one)", e);
            case ErrorCode.FILE_VERSION_ERROR_1 -> new StorageException("the database " + file
                    + " was written by another H2 version; restore a backup made by this version of imagine", e);
            default -> new StorageException("the database failed: " + firstLine(e.getMessage()), e);
        };
    }

    /** H2's message up to the SQL statement it appends, which may quote values; the cause keeps all of it. */
    private static String firstLine(String message) {
        if (message == null) {
            return "no details";
        }
        int statement = message.indexOf("; SQL statement:");
        String head = statement >= 0 ? message.substring(0, statement) : message;
        int newline = head.indexOf('\n');
        return newline >= 0 ? head.substring(0, newline) : head;
    }

    /**
     * Closes the connection (H2 then compacts and closes the file) and stops the storage thread, after the work
     * already handed to it. Waits without reacting to interrupts. Idempotent.
     */
    /** Whether this process reached the database through another process that holds it. */
    boolean throughHolder() {
        return throughHolder;
    }

    @Override
    public Vendor vendor() {
        return Vendor.H2;
    }

    @Override
    public synchronized void close() {
        if (thread.isShutdown()) {
            return;
        }
        Future<Void> closing = thread.submit(() -> {
            if (server != null) {
                server.stop();
            }
            if (connection != null && !connection.isClosed()) {
                connection.close();
            }
            return null;
        });
        thread.shutdown();
        try {
            await(closing);
        } finally {
            boolean interrupted = false;
            while (true) {
                try {
                    if (thread.awaitTermination(1, TimeUnit.DAYS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
