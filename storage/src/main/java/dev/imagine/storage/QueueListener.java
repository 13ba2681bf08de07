package dev.imagine.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL's {@code LISTEN} on some of the cluster's channels, over a connection of its own: an idle worker blocks
 * in {@link #await} until a job is queued (or the job it runs is cancelled) instead of polling, and a frontend until a
 * job finished or made progress. A signal is a hint, never the truth: the receiver reads the rows again, so a lost
 * signal (a reconnect) costs at most the wait. Use from one thread; close it when done.
 */
public final class QueueListener implements AutoCloseable {
    /** What happened. */
    public enum Channel {
        /** A job was queued (or put back after a lease expired); {@link Signal#id()} is 0 for several. */
        QUEUED(ClusterQueue.QUEUED_CHANNEL),
        /** Someone asked to cancel a running job. */
        CANCEL(ClusterQueue.CANCEL_CHANNEL),
        /** A job finished (done, failed or cancelled) and waits for delivery. */
        FINISHED(ClusterQueue.FINISHED_CHANNEL),
        /** A worker started a job or finished a step of it; {@link Signal#progress()} says which. */
        PROGRESS(ClusterQueue.PROGRESS_CHANNEL);

        private final String name;

        Channel(String name) {
            this.name = name;
        }

        static Channel of(String name, String suffix) {
            for (Channel channel : values()) {
                if ((channel.name + suffix).equals(name)) {
                    return channel;
                }
            }
            return null;
        }
    }

    /**
     * One signal: the channel and the job's id.
     *
     * @param progress for {@link Channel#PROGRESS}, the step done, the steps in all and the milliseconds since the
     *     job started (step 0: it just started); null on the other channels
     */
    public record Signal(Channel channel, long id, Progress progress) {
        /** A signal without progress. */
        public Signal(Channel channel, long id) {
            this(channel, id, null);
        }
    }

    /** A job's progress as a worker published it. */
    public record Progress(int step, int totalSteps, long elapsedMillis) {
    }

    private final DatabaseServer server;
    private final Connection connection;
    private final String suffix;

    private QueueListener(DatabaseServer server, Connection connection, String suffix) {
        this.server = server;
        this.connection = connection;
        this.suffix = suffix;
    }

    /** Listens on {@code channels}, named with {@code suffix} (the cluster's schema, or nothing). */
    static QueueListener open(DatabaseServer server, String suffix, Set<Channel> channels) {
        Properties properties = new Properties();
        if (server.user() != null) {
            properties.setProperty("user", server.user());
        }
        if (server.password() != null) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("logServerErrorDetail", "false");
        try {
            Connection c = DriverManager.getConnection(server.url(), properties);
            try (Statement s = c.createStatement()) {
                for (Channel channel : channels) {
                    s.execute("LISTEN " + channel.name + suffix);
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new QueueListener(server, c, suffix);
        } catch (SQLException e) {
            throw PostgresDatabase.translate(server, e);
        }
    }

    /**
     * Waits up to {@code max} for signals and returns those that came (empty after the wait). Returns at once with
     * the signals that arrived since the last call.
     */
    public List<Signal> await(Duration max) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, max.toMillis()));
        try {
            PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(millis);
            List<Signal> signals = new ArrayList<>();
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    Channel channel = Channel.of(n.getName(), suffix);
                    if (channel == Channel.PROGRESS) {
                        progress(n.getParameter()).ifPresent(signals::add);
                    } else if (channel != null) {
                        signals.add(new Signal(channel, parse(n.getParameter())));
                    }
                }
            }
            return signals;
        } catch (SQLException e) {
            throw PostgresDatabase.translate(server, e);
        }
    }

    /** {@code id step total millis}, as {@link ClusterQueue#publishProgress} writes it. */
    private static java.util.Optional<Signal> progress(String payload) {
        String[] parts = payload == null ? new String[0] : payload.split(" ");
        try {
            if (parts.length == 4) {
                return java.util.Optional.of(new Signal(Channel.PROGRESS, Long.parseLong(parts[0]), new Progress(
                        Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Long.parseLong(parts[3]))));
            }
        } catch (NumberFormatException e) {
            // Not ours; ignored like an unknown channel.
        }
        return java.util.Optional.empty();
    }

    private static long parse(String payload) {
        try {
            return Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Stops listening and closes the connection. Idempotent. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing; the server drops the LISTEN with the session anyway.
        }
    }
}
