package dev.imagine.bot.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Queued jobs, served round-robin across users: the next job belongs to the user served least recently (a user never
 * served goes first, ties by arrival), and each user's jobs run in their order. So a user with many queued jobs delays
 * another user's first job by at most the job already running. Not thread-safe: the dispatcher guards it.
 */
final class FairQueue {
    private final Map<String, Deque<Job>> byUser = new HashMap<>();
    private final Map<String, Long> lastServed = new HashMap<>();
    private final Map<String, Long> firstWaiting = new HashMap<>();
    private long clock;
    private int size;

    void add(Job job) {
        String user = job.requester().key();
        byUser.computeIfAbsent(user, k -> new ArrayDeque<>()).addLast(job);
        firstWaiting.putIfAbsent(user, ++clock);
        size++;
    }

    /** Puts a job back at the front of its user's line (a job interrupted by shutdown or resumed first). */
    void addFirst(Job job) {
        String user = job.requester().key();
        byUser.computeIfAbsent(user, k -> new ArrayDeque<>()).addFirst(job);
        firstWaiting.putIfAbsent(user, ++clock);
        size++;
    }

    Job poll() {
        String user = nextUser();
        if (user == null) {
            return null;
        }
        Deque<Job> jobs = byUser.get(user);
        Job job = jobs.pollFirst();
        size--;
        lastServed.put(user, ++clock);
        if (jobs.isEmpty()) {
            byUser.remove(user);
            firstWaiting.remove(user);
        }
        return job;
    }

    private String nextUser() {
        return byUser.keySet().stream().min(order()).orElse(null);
    }

    private Comparator<String> order() {
        return Comparator.<String>comparingLong(u -> lastServed.getOrDefault(u, 0L))
                .thenComparingLong(u -> firstWaiting.getOrDefault(u, 0L));
    }

    boolean remove(long id) {
        for (Map.Entry<String, Deque<Job>> entry : byUser.entrySet()) {
            if (entry.getValue().removeIf(j -> j.id() == id)) {
                size--;
                if (entry.getValue().isEmpty()) {
                    firstWaiting.remove(entry.getKey());
                    byUser.remove(entry.getKey());
                }
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    int countFor(String user) {
        Deque<Job> jobs = byUser.get(user);
        return jobs == null ? 0 : jobs.size();
    }

    /** The order jobs would run in if nothing else arrived. */
    List<Job> projectedOrder() {
        Map<String, Deque<Job>> copy = new HashMap<>();
        byUser.forEach((user, jobs) -> copy.put(user, new ArrayDeque<>(jobs)));
        Map<String, Long> served = new HashMap<>(lastServed);
        long tick = clock;
        List<Job> order = new ArrayList<>(size);
        while (!copy.isEmpty()) {
            String user = copy.keySet().stream()
                    .min(Comparator.<String>comparingLong(u -> served.getOrDefault(u, 0L))
                            .thenComparingLong(u -> firstWaiting.getOrDefault(u, 0L)))
                    .orElseThrow();
            Deque<Job> jobs = copy.get(user);
            order.add(jobs.pollFirst());
            served.put(user, ++tick);
            if (jobs.isEmpty()) {
                copy.remove(user);
            }
        }
        return order;
    }

    /** How many jobs run before job {@code id}; -1 when it is not queued. */
    int positionOf(long id) {
        List<Job> order = projectedOrder();
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }
}
