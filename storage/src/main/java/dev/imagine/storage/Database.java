package dev.imagine.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the rows live: the embedded H2 file of one machine ({@link H2Database}) or a PostgreSQL server that many
 * nodes share ({@link PostgresDatabase}). Each call runs its work inside one transaction, commits it before it
 * returns and rolls it back when the work throws. A caller may be interrupted: it still waits for its work and finds
 * its interrupt flag set afterwards.
 */
sealed interface Database extends AutoCloseable permits H2Database, PostgresDatabase {

    /** Work run with a connection, inside one transaction. */
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
     * Runs work that changes rows whose loss in a crash of the database server only repeats work (a claim, a delivery
     * mark): committed and visible to every reader at once, but on PostgreSQL without waiting for the disk. H2 commits
     * it durably, as {@link #write}.
     */
    default <T> T writeWithoutWaitingForDisk(Work<T> work) {
        return write(work);
    }

    /** Which database this is. */
    Vendor vendor();

    /** Finishes the work handed in so far and closes the connections. Idempotent. */
    @Override
    void close();
}
