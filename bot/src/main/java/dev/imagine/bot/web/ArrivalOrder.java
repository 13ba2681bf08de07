package dev.imagine.bot.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The order in which one user's requests arrived, kept while they are read: the web server reads requests on many
 * threads, so a prompt with a picture still uploading would otherwise be overtaken by the same user's next prompt,
 * and the per-user cap would refuse the wrong one. A request takes a ticket when it arrives (before its body is read),
 * waits for the tickets before it to leave before it acts, and leaves when it is answered, whether it acted or not.
 * Different users never wait for each other.
 *
 * <p>Thread-safe.
 */
final class ArrivalOrder {
    private final Map<String, Lane> lanes = new HashMap<>();

    /** One user's tickets: handed out, and the first not yet left; those left out of turn wait in {@code left}. */
    private static final class Lane {
        private long issued;
        private long next;
        private final TreeSet<Long> left = new TreeSet<>();
    }

    /** One request's place in its user's order. */
    record Ticket(String user, long number) {
    }

    /** A ticket for a request of {@code user} that has just arrived. */
    Ticket arrive(String user) {
        synchronized (lanes) {
            Lane lane = lanes.computeIfAbsent(user, u -> new Lane());
            lanes.notifyAll();
            return new Ticket(user, lane.issued++);
        }
    }

    /**
     * Waits until every request of the same user that arrived before {@code ticket} has left. An interrupted wait
     * returns at once, with the interrupt kept.
     */
    void awaitTurn(Ticket ticket) {
        synchronized (lanes) {
            while (lanes.get(ticket.user()).next != ticket.number()) {
                try {
                    lanes.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The request of {@code ticket} is answered: the ones after it may act. */
    void leave(Ticket ticket) {
        synchronized (lanes) {
            Lane lane = lanes.get(ticket.user());
            lane.left.add(ticket.number());
            while (!lane.left.isEmpty() && lane.left.first() == lane.next) {
                lane.left.pollFirst();
                lane.next++;
            }
            if (lane.next == lane.issued) {
                lanes.remove(ticket.user());
            }
            lanes.notifyAll();
        }
    }

    /**
     * Waits until {@code user} has at least {@code count} requests arrived and not yet answered.
     *
     * @return false when that did not happen within {@code timeout}
     */
    boolean awaitInFlight(String user, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lanes) {
            while (inFlight(user) < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lanes.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private int inFlight(String user) {
        Lane lane = lanes.get(user);
        return lane == null ? 0 : (int) (lane.issued - lane.next - lane.left.size());
    }
}
