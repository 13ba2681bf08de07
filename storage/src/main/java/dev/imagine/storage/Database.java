package dev.imagine.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the rows live: the embedded H2 file of one machine ({@link H2Database}) or a PostgreSQL server that many
 * nodes share ({@link PostgresDatabase}). A {@link #write} runs its work inside one transaction, commits it before it
 * returns and rolls it back when the work throws; on PostgreSQL a {@link #read} or {@link #writeOneStatement} runs
 * each statement as its own transaction instead. A caller may be interrupted: it still waits for its work and finds
 * its interrupt flag set afterwards.
 */
sealed interface Database extends AutoCloseable permits H2Database, PostgresDatabase {

    /** Work run with a connection. */
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /** The two kinds of database. */
    enum Vendor { H2, POSTGRESQL }

    /** Runs read-only work and waits for it. */
    <T> T read(Work<T> work);

    /** Runs work that changes rows (or image files), commits it durably, and waits for it. */
    <T> T write(Work<T> work);

    /**
     * Runs work that changes rows with a single statement, which commits on its own, durably, when it ends; reads
     * after it (why it changed nothing, say) run as {@link #read} does. On PostgreSQL no transaction block is opened,
     * which saves the BEGIN and COMMIT round trips; parts sent together in one statement string run in one implicit
     * transaction there (see {@link PostgresDatabase#NO_DISK_WAIT}). H2 runs it as {@link #write}.
     */
    default <T> T writeOneStatement(Work<T> work) {
        return write(work);
    }

    /** Which database this is. */
    Vendor vendor();

    /** Finishes the work handed in so far and closes the connections. Idempotent. */
    @Override
    void close();
}
