package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** An in-memory journal that records what the dispatcher told it, for unit tests. */
final class MemoryJournal implements JobJournal {
    record Entry(Job job, String status, int starts, String message) {
    }

    final Map<Long, Entry> entries = new LinkedHashMap<>();
    final AtomicBoolean failWrites = new AtomicBoolean();
    private long nextId = 1;

    @Override
    public synchronized long recordQueued(Requester requester, ChatTarget target, JobSpec spec) {
        if (failWrites.get()) {
            throw new IllegalStateException("disk full");
        }
        long id = nextId++;
        entries.put(id, new Entry(new Job(id, requester, target, spec, 1), "queued", 0, null));
        return id;
    }

    private void set(long id, String status, String message, int extraStarts) {
        Entry e = entries.get(id);
        entries.put(id, new Entry(e.job(), status, e.starts() + extraStarts, message));
    }

    @Override
    public synchronized void markRunning(long id, int attempt) {
        set(id, "running", null, 1);
    }

    @Override
    public synchronized void markDone(long id, GenerationResult result) {
        set(id, "done", null, 0);
    }

    @Override
    public synchronized void markFailed(long id, String userMessage) {
        set(id, "failed", userMessage, 0);
    }

    @Override
    public synchronized void markCancelled(long id, String reason) {
        set(id, "cancelled", reason, 0);
    }

    @Override
    public synchronized void requeue(long id) {
        set(id, "queued", null, 0);
    }

    @Override
    public synchronized List<Job> unfinished() {
        List<Job> jobs = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.status().equals("queued") || e.status().equals("running")) {
                Job j = e.job();
                jobs.add(new Job(j.id(), j.requester(), j.target(), j.spec(), e.starts() + 1));
            }
        }
        return jobs;
    }

    final java.util.Set<Long> delivered = new java.util.HashSet<>();

    @Override
    public synchronized void setStatusMessage(long id, String messageId) {
        Entry e = entries.get(id);
        entries.put(id, new Entry(e.job().withTarget(e.job().target().withMessageId(messageId)), e.status(), e.starts(),
                e.message()));
    }

    @Override
    public synchronized void markDelivered(long id) {
        delivered.add(id);
    }

    @Override
    public synchronized List<Finished> undelivered() {
        List<Finished> finished = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (!delivered.contains(e.job().id()) && (e.status().equals("failed") || e.status().equals("cancelled"))) {
                finished.add(new Finished(e.job(), e.status().equals("failed") ? new JobEvent.Failed(e.message())
                        : new JobEvent.Cancelled(e.message())));
            }
        }
        return finished;
    }

    synchronized String status(long id) {
        return entries.get(id).status();
    }

    synchronized Entry entry(long id) {
        return entries.get(id);
    }
}
