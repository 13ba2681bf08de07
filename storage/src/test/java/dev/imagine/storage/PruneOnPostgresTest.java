package dev.imagine.storage;

/** {@link PruneTest} on PostgreSQL: unreferenced image rows go. */
class PruneOnPostgresTest extends PruneTest {
    @Override
    StorageBackend backend() {
        return StorageBackend.POSTGRESQL;
    }
}
