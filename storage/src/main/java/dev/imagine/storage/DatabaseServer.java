package dev.imagine.storage;

import java.util.regex.Pattern;

/**
 * A PostgreSQL server that several imagine nodes share, instead of the embedded H2 file of one machine.
 *
 * @param url a {@code jdbc:postgresql://host:port/database} URL (config {@code storage.url}); it should hold no
 *     password (pass {@code password} instead), and what {@link #where()} shows drops its query string anyway
 * @param user the database user (config {@code storage.user}), or {@code null} for the driver's default
 * @param password the password (environment variable {@code IMAGINE_DB_PASSWORD}), or {@code null}; never shown by
 *     {@link #toString()} or in any message
 */
public record DatabaseServer(String url, String user, String password) {
    private static final String PREFIX = "jdbc:postgresql:";
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Checks that the URL is a PostgreSQL one. */
    public DatabaseServer {
        Checks.required("the database URL", url);
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the database URL must start with " + PREFIX
                    + " (a PostgreSQL server), or be left out for the embedded H2 file; got '" + shown(url) + "'");
        }
        if (user != null && user.isBlank()) {
            throw new IllegalArgumentException("the database user must not be blank");
        }
    }

    /** The URL without its query string (which may carry settings or a password), for messages and logs. */
    public String where() {
        return shown(url);
    }

    /** The same server, with connections whose current schema is {@code schema} (created when missing). */
    public DatabaseServer inSchema(String schema) {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("a schema name is lower-case letters, digits and '_', got '"
                    + schema + "'");
        }
        return new DatabaseServer(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password);
    }

    /** The schema named by the URL's {@code currentSchema}, or {@code null}. */
    String schema() {
        int at = url.indexOf("currentSchema=");
        if (at < 0) {
            return null;
        }
        String rest = url.substring(at + "currentSchema=".length());
        int end = rest.indexOf('&');
        return end < 0 ? rest : rest.substring(0, end);
    }

    private static String shown(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** Shows where, and who, never the password. */
    @Override
    public String toString() {
        return "DatabaseServer[" + where() + ", user " + user + (password == null ? "" : ", password set") + "]";
    }
}
