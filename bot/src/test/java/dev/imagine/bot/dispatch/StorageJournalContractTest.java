package dev.imagine.bot.dispatch;

import dev.imagine.bot.service.StorageJournal;
import dev.imagine.storage.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The service's H2 journal keeps the journal contract. */
class StorageJournalContractTest extends JobJournalContract {
    @TempDir
    Path dir;
    private Storage storage;

    @Override
    JobJournal create() {
        storage = Storage.open(dir.resolve("data"));
        return new StorageJournal(storage, MODEL);
    }

    @AfterEach
    void close() {
        storage.close();
    }
}
