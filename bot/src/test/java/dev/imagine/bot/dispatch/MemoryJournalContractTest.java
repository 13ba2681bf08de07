package dev.imagine.bot.dispatch;

/** The in-memory journal of the dispatcher's tests keeps the journal contract. */
class MemoryJournalContractTest extends JobJournalContract {
    @Override
    JobJournal create() {
        return new MemoryJournal();
    }
}
