package dev.imagine.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Per-user and per-channel defaults for new requests. Putting {@link GenerationParameters#NONE} removes them.
 * Thread-safe; owned by its {@link Storage}.
 */
public final class SettingsRepository {
    private static final String VALUES = "parameters";

    private final Database database;
    private final Clock clock;

    SettingsRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A user's defaults; {@link GenerationParameters#NONE} when none are set. */
    public GenerationParameters user(long userId) {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + VALUES + " FROM user_settings WHERE user_id = ?")) {
                select.setLong(1, userId);
                return one(select);
            }
        });
    }

    /**
     * Replaces a user's defaults.
     *
     * @throws IllegalArgumentException when the user does not exist
     */
    public void putUser(long userId, GenerationParameters defaults) {
        Checks.required("the defaults", defaults);
        database.write(c -> {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM users WHERE id = ?")) {
                exists.setLong(1, userId);
                try (ResultSet rows = exists.executeQuery()) {
                    if (!rows.next()) {
                        throw new IllegalArgumentException("there is no user " + userId);
                    }
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM user_settings WHERE user_id = ?")) {
                delete.setLong(1, userId);
                delete.executeUpdate();
            }
            if (!defaults.isEmpty()) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO user_settings (user_id, " + VALUES
                        + ", updated_at) VALUES (?, ?, ?)")) {
                    insert.setLong(1, userId);
                    insert.setString(2, defaults.toJson());
                    Rows.setInstant(insert, 3, clock.instant());
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    /** A channel's defaults; {@link GenerationParameters#NONE} when none are set. */
    public GenerationParameters channel(String platform, String channelId) {
        checkChannel(platform, channelId);
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + VALUES + " FROM channel_settings WHERE platform = ? AND channel_id = ?")) {
                select.setString(1, platform);
                select.setString(2, channelId);
                return one(select);
            }
        });
    }

    /** Replaces a channel's defaults. */
    public void putChannel(String platform, String channelId, GenerationParameters defaults) {
        checkChannel(platform, channelId);
        Checks.required("the defaults", defaults);
        database.write(c -> {
            deleteChannel(c, platform, channelId);
            if (!defaults.isEmpty()) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO channel_settings (platform, "
                        + "channel_id, " + VALUES + ", updated_at) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, platform);
                    insert.setString(2, channelId);
                    insert.setString(3, defaults.toJson());
                    Rows.setInstant(insert, 4, clock.instant());
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void deleteChannel(Connection c, String platform, String channelId) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM channel_settings WHERE platform = ? AND channel_id = ?")) {
            delete.setString(1, platform);
            delete.setString(2, channelId);
            delete.executeUpdate();
        }
    }

    private static void checkChannel(String platform, String channelId) {
        Checks.name("the platform", Checks.required("the platform", platform));
        Checks.id("the channel id", Checks.required("the channel id", channelId), 64);
    }

    private static GenerationParameters one(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            if (!rows.next()) {
                return GenerationParameters.NONE;
            }
            return GenerationParameters.fromJson(rows.getString(1));
        }
    }
}
