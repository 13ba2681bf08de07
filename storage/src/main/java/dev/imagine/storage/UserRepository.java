package dev.imagine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;

/** Users by platform and the platform's id for them. Thread-safe; owned by its {@link Storage}. */
public final class UserRepository {
    private static final String COLUMNS = "id, platform, external_id, display_name, first_seen, blocked";

    private final Database database;
    private final Clock clock;

    UserRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * The user with this platform id, recorded now if new; a changed display name is updated.
     *
     * @param platform a lower-case name such as {@code discord}, {@code telegram} or {@code cli}
     * @param externalId the platform's id for the user, at most 128 characters
     * @param displayName the name to show, at most 256 characters, or {@code null}
     */
    public User ensure(String platform, String externalId, String displayName) {
        Checks.name("the platform", Checks.required("the platform", platform));
        Checks.id("the user id", Checks.required("the user id", externalId), 128);
        Checks.text("the display name", displayName, 256);
        return database.write(c -> {
            Optional<User> found = find(c, platform, externalId);
            if (found.isPresent()) {
                User user = found.get();
                if (displayName == null || displayName.equals(user.displayName())) {
                    return user;
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE users SET display_name = ? WHERE id = ?")) {
                    update.setString(1, displayName);
                    update.setLong(2, user.id());
                    update.executeUpdate();
                }
                return new User(user.id(), platform, externalId, displayName, user.firstSeen(), user.blocked());
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO users (platform, external_id, display_name, first_seen) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, platform);
                insert.setString(2, externalId);
                insert.setString(3, displayName);
                Rows.setInstant(insert, 4, clock.instant());
                insert.executeUpdate();
            }
            return find(c, platform, externalId).orElseThrow();
        });
    }

    /** The user with this platform id, if recorded. */
    public Optional<User> find(String platform, String externalId) {
        return database.read(c -> find(c, platform, externalId));
    }

    /** The user with this stored id, if recorded. */
    public Optional<User> find(long id) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
                select.setLong(1, id);
                return one(select);
            }
        });
    }

    /** Blocks or unblocks a user. Returns whether the user exists. */
    public boolean setBlocked(long id, boolean blocked) {
        return database.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE users SET blocked = ? WHERE id = ?")) {
                update.setBoolean(1, blocked);
                update.setLong(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static Optional<User> find(Connection c, String platform, String externalId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM users WHERE platform = ? AND external_id = ?")) {
            select.setString(1, platform);
            select.setString(2, externalId);
            return one(select);
        }
    }

    private static Optional<User> one(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            return Optional.of(new User(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                    Rows.getInstant(rows, 5), rows.getBoolean(6)));
        }
    }
}
