package dev.imagine.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * What this process is in a cluster (key {@code node}).
 *
 * @param role what it runs (key {@code node.role}, default {@code all}); {@code frontend} and {@code worker} need
 *     {@code storage.url}
 * @param name how the cluster knows it, 1 to {@value #MAX_NAME} characters on one line (key {@code node.name},
 *     default the host name and the process id, such as {@code gpu-1-4242})
 */
public record NodeSettings(Role role, String name) {

    /** Longest {@code node.name}. */
    public static final int MAX_NAME = 128;
    /** What {@code node.role} allows. */
    public static final String ROLES = "use all (one process does everything), frontend (chat, web, intake and "
            + "delivery) or worker (runs jobs)";
    /** What {@code node.name} allows. */
    public static final String NAME_ALLOWED = "use a name of 1 to " + MAX_NAME + " characters on one line, such as "
            + "gpu-1";

    /** What a node runs. */
    public enum Role {
        /** Everything in one process, with the queue in memory (the single-machine default). */
        ALL,
        /** The chat adapters, the web chat, intake, rate limits and delivery; jobs go to the shared queue. */
        FRONTEND,
        /** An engine that claims jobs from the shared queue. */
        WORKER;

        /** The role's name in the configuration: {@code all}, {@code frontend}, {@code worker}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reads a role.
         *
         * @throws IllegalArgumentException naming the value and what is allowed
         */
        public static Role parse(String text) {
            String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            for (Role role : values()) {
                if (role.key().equals(value)) {
                    return role;
                }
            }
            throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), ROLES));
        }
    }

    /** Checks the name. */
    public NodeSettings {
        Rules.present("node.role", role);
        Rules.present("node.name", name);
        String given = name;
        name = Rules.at("node.name", () -> checkName(given));
    }

    /** Role {@code all} under the default name. */
    public static NodeSettings defaults() {
        return new NodeSettings(Role.ALL, defaultName());
    }

    /** The default {@code node.name}: the host name, a dash and the process id. */
    public static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            host = "node";
        }
        String name = host + "-" + ProcessHandle.current().pid();
        return name.length() > MAX_NAME ? name.substring(name.length() - MAX_NAME) : name;
    }

    /**
     * Checks a node name.
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static String checkName(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty() || value.length() > MAX_NAME || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text == null ? "" : text), NAME_ALLOWED));
        }
        return value;
    }

    /** Whether this node is one of several sharing a PostgreSQL queue. */
    public boolean clustered() {
        return role != Role.ALL;
    }
}
