package dev.imagine.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;

/**
 * How far a chat platform's numbered stream of updates has been handled, per bot account: a poller that records each
 * update once it is handled, and asks after a restart only for what came later, neither loses a message to a crash
 * nor handles one twice after a graceful stop. Thread-safe; owned by its {@link Storage}.
 */
public final class ChatIntake {
    private final Database database;
    private final Clock clock;

    ChatIntake(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** The highest update id recorded as handled for this account, or 0 when none was. */
    public long handledThrough(String platform, String account) {
        check(platform, account);
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT handled_through FROM chat_intake WHERE platform = ? AND account = ?")) {
                select.setString(1, platform);
                select.setString(2, account);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * Records that the account's updates up to {@code updateId} are handled; a lower id than the one recorded
     * changes nothing. Committed (and on disk) when this returns.
     */
    public void handled(String platform, String account, long updateId) {
        check(platform, account);
        if (updateId < 0) {
            throw new IllegalArgumentException("an update id cannot be negative, got " + updateId);
        }
        database.write(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE chat_intake SET handled_through = ?, "
                    + "updated_at = ? WHERE platform = ? AND account = ? AND handled_through < ?")) {
                update.setLong(1, updateId);
                Rows.setInstant(update, 2, clock.instant());
                update.setString(3, platform);
                update.setString(4, account);
                update.setLong(5, updateId);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement exists = c.prepareStatement(
                    "SELECT 1 FROM chat_intake WHERE platform = ? AND account = ?")) {
                exists.setString(1, platform);
                exists.setString(2, account);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO chat_intake (platform, account, "
                    + "handled_through, updated_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, platform);
                insert.setString(2, account);
                insert.setLong(3, updateId);
                Rows.setInstant(insert, 4, clock.instant());
                insert.executeUpdate();
            }
            return null;
        });
    }

    private static void check(String platform, String account) {
        Checks.name("the platform", Checks.required("the platform", platform));
        Checks.id("the account", Checks.required("the account", account), 64);
    }
}
