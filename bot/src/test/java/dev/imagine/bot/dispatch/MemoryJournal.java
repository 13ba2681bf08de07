package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory journal that records what the dispatcher told it, for unit tests. It refuses the status changes the H2
 * journal refuses, with the same sentences ({@link JobJournalContract} runs against both).
 */
final class MemoryJournal implements JobJournal {
    record Entry(Job job, String status, int starts, String message, GenerationResult result) {
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
        entries.put(id, new Entry(new Job(id, requester, target, spec, 1), "queued", 0, null, null));
        return id;
    }

    private void set(long id, String action, List<String> allowed, String status, String message, int extraStarts,
            GenerationResult result) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new IllegalStateException("there is no generation " + id);
        }
        if (!allowed.contains(e.status())) {
            throw new IllegalStateException("generation " + id + " is " + e.status() + "; only a "
                    + String.join(" or ", allowed) + " generation can " + action);
        }
        entries.put(id, new Entry(e.job(), status, e.starts() + extraStarts, message, result));
    }

    @Override
    public synchronized void markRunning(long id, int attempt) {
        set(id, "start", List.of("queued"), "running", null, 1, null);
    }

    @Override
    public synchronized void markDone(long id, GenerationResult result) {
        set(id, "finish", List.of("running"), "done", null, 0, result);
    }

    @Override
    public synchronized void markFailed(long id, String userMessage) {
        set(id, "fail", List.of("queued", "running"), "failed", userMessage, 0, null);
    }

    @Override
    public synchronized void markCancelled(long id, String reason) {
        set(id, "cancel", List.of("queued", "running"), "cancelled", reason, 0, null);
    }

    @Override
    public synchronized void requeue(long id) {
        set(id, "requeue", List.of("running"), "queued", null, 0, null);
    }

    /** Like the H2 journal: a job left running by the last process goes back to the queue, its start counted. */
    @Override
    public synchronized List<Job> unfinished() {
        List<Job> jobs = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.status().equals("queued") || e.status().equals("running")) {
                Job j = e.job();
                jobs.add(new Job(j.id(), j.requester(), j.target(), j.spec(), e.starts() + 1));
                if (e.status().equals("running")) {
                    entries.put(j.id(), new Entry(j, "queued", e.starts(), null, null));
                }
            }
        }
        return jobs;
    }

    final java.util.Set<Long> delivered = new java.util.HashSet<>();

    @Override
    public synchronized void setStatusMessage(long id, String messageId) {
        Entry e = entries.get(id);
        if (e != null) {
            entries.put(id, new Entry(e.job().withTarget(e.job().target().withMessageId(messageId)), e.status(),
                    e.starts(), e.message(), e.result()));
        }
    }

    @Override
    public synchronized void markDelivered(long id) {
        delivered.add(id);
    }

    @Override
    public synchronized List<Finished> undelivered() {
        List<Finished> finished = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (delivered.contains(e.job().id())) {
                continue;
            }
            switch (e.status()) {
                case "done" -> finished.add(new Finished(e.job(), new JobEvent.Done(e.result())));
                case "failed" -> finished.add(new Finished(e.job(), new JobEvent.Failed(e.message())));
                case "cancelled" -> finished.add(new Finished(e.job(), new JobEvent.Cancelled(e.message())));
                default -> { }
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
