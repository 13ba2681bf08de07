package dev.imagine.storage;

/** {@link GenerationRepositoryTest}'s contract on PostgreSQL, images stored in the database. */
class GenerationRepositoryOnPostgresTest extends GenerationRepositoryTest {
    @Override
    StorageBackend backend() {
        return StorageBackend.POSTGRESQL;
    }
}
