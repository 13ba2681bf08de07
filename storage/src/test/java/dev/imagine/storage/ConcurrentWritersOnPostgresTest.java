package dev.imagine.storage;

/** {@link ConcurrentWritersTest} on PostgreSQL: several pooled connections write at once. */
class ConcurrentWritersOnPostgresTest extends ConcurrentWritersTest {
    @Override
    StorageBackend backend() {
        return StorageBackend.POSTGRESQL;
    }
}
