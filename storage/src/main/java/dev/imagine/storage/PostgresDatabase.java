package dev.imagine.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server reached through a HikariCP pool; each call borrows a connection, runs its work on the caller's
 * thread (a write in one transaction, a read or a one-statement write outside a transaction block) and hands the
 * connection back. Unlike H2's file, the driver's socket is not
 * closed by an interrupt, so no private thread is needed; the caller's interrupt flag is cleared while it waits for
 * a connection and restored afterwards. PostgreSQL commits durably ({@code synchronous_commit}, the server's
 * setting) before {@code commit()} returns.
 */
final class PostgresDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Connections per node: the dispatcher, the adapters and a worker's heartbeat rarely need more at once. */
    static final int POOL_SIZE = 8;

    private final DatabaseServer server;
    private final HikariDataSource pool;

    private PostgresDatabase(DatabaseServer server, HikariDataSource pool) {
        this.server = server;
        this.pool = pool;
    }

    /**
     * Connects to the server, creates the URL's {@code currentSchema} when it names one that is missing, and applies
     * pending migrations.
     *
     * @throws StorageException when the server does not answer, refuses the user, or a migration fails
     */
    static PostgresDatabase open(DatabaseServer server) {
        String schema = server.schema();
        if (schema != null) {
            createSchema(server, schema);
        }
        HikariDataSource pool = pool(server, POOL_SIZE);
        PostgresDatabase database = new PostgresDatabase(server, pool);
        try {
            Migrations.apply(pool, Vendor.POSTGRESQL, "the database at " + server.where());
            LOG.debug("opened {}", server.where());
            return database;
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    private static void createSchema(DatabaseServer server, String schema) {
        try (HikariDataSource one = pool(new DatabaseServer(server.where(), server.user(), server.password()), 1);
                Connection c = one.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            c.commit();
        } catch (SQLException e) {
            throw translate(server, e);
        }
    }

    private static HikariDataSource pool(DatabaseServer server, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.url());
        if (server.user() != null) {
            config.setUsername(server.user());
        }
        if (server.password() != null) {
            config.setPassword(server.password());
        }
        config.setAutoCommit(false);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setPoolName("imagine-db");
        config.setConnectionTimeout(10_000);
        // Error messages carry no row values (a key's value in "already exists" details, say).
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("ApplicationName", "imagine");
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException sql ? translate(server, sql)
                    : new StorageException("could not connect to the database at " + server.where(), e);
        }
    }

    /**
     * The start of a statement string for {@link #writeOneStatement} whose loss in a crash of the server only repeats
     * work (a claim, a lease renewal): the implicit transaction its parts run in commits without waiting for the disk,
     * still visible to every reader at once. PostgreSQL runs the parts of one string, sent with a single Sync, as one
     * transaction; {@code set_config(..., true)} lasts until its end, like {@code SET LOCAL} (which would warn outside
     * a transaction block). Execute such a statement with {@link #executeAfterNoDiskWait}.
     */
    static final String NO_DISK_WAIT = "SELECT set_config('synchronous_commit', 'off', true); ";

    /**
     * Executes a statement that starts with {@link #NO_DISK_WAIT} and moves past that part's result: true when what
     * follows returned a result set ({@link Statement#getResultSet}), false for an update count.
     */
    static boolean executeAfterNoDiskWait(PreparedStatement statement) throws SQLException {
        statement.execute();
        return statement.getMoreResults();
    }

    /**
     * Runs each statement on its own, outside a transaction: under READ COMMITTED (PostgreSQL's default, which the
     * pool keeps) every statement reads a snapshot of its own whether a transaction holds it or not, so the result is
     * the same and no COMMIT round trip is needed.
     */
    @Override
    public <T> T read(Work<T> work) {
        return run(work, false);
    }

    @Override
    public <T> T write(Work<T> work) {
        return run(work, true);
    }

    /** Runs the work outside a transaction block, as {@link #read}: its one statement commits when it ends. */
    @Override
    public <T> T writeOneStatement(Work<T> work) {
        return run(work, false);
    }

    private <T> T run(Work<T> work, boolean transaction) {
        boolean interrupted = Thread.interrupted();
        try (Connection c = borrow()) {
            if (!transaction) {
                c.setAutoCommit(true); // the pool sets it back when the connection returns
            }
            try {
                T result = work.run(c);
                if (transaction) {
                    c.commit();
                }
                return result;
            } catch (Throwable t) {
                try {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                } catch (SQLException rollback) {
                    t.addSuppressed(rollback);
                }
                throw t;
            }
        } catch (SQLException e) {
            throw translate(server, e);
        } catch (IOException e) {
            throw new StorageException("could not read or write for the database at " + server.where() + ": " + e,
                    e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Connection borrow() throws SQLException {
        requireOpen();
        return pool.getConnection();
    }

    /** @throws StorageException when this database was closed */
    void requireOpen() {
        if (pool.isClosed()) {
            throw new StorageException("the storage at " + server.where() + " is closed");
        }
    }

    /** A sentence for an operator; the driver's message has no row values (see {@code logServerErrorDetail}). */
    static StorageException translate(DatabaseServer server, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = server.where();
        if (state.startsWith("08")) {
            return new StorageException("could not reach the database at " + where
                    + "; check storage.url and that PostgreSQL is running", e);
        }
        if (state.startsWith("28")) {
            return new StorageException("the database at " + where + " refused user " + server.user()
                    + "; check storage.user and IMAGINE_DB_PASSWORD", e);
        }
        if (state.equals("3D000")) {
            return new StorageException("the database named in " + where + " does not exist; create it first", e);
        }
        String message = e.getMessage() == null ? "no details" : e.getMessage().lines().findFirst().orElse("");
        return new StorageException("the database failed: " + message, e);
    }

    @Override
    public Vendor vendor() {
        return Vendor.POSTGRESQL;
    }

    /**
     * The pool itself, for a library that runs its own statements and transactions on it (Bucket4j's proxy manager
     * in {@link ClusterBuckets}); everything else goes through {@link #read} and {@link #write}.
     */
    DataSource dataSource() {
        return pool;
    }

    /** The server, for backups and information. */
    DatabaseServer server() {
        return server;
    }

    /** Closes the pool's connections. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }
}
