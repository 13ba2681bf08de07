package dev.imagine.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The Discord adapter (key {@code discord}); it runs when a token is set.
 *
 * @param token the bot token; {@code IMAGINE_DISCORD_TOKEN} wins over the file (key {@code discord.token})
 * @param apiUrl the HTTP API base, without a trailing slash (key {@code discord.api-url}, default
 *     {@value #DEFAULT_API_URL}; a test server otherwise)
 * @param guildIds servers to register the slash commands in (at once); empty registers them globally, which Discord
 *     may take up to an hour to show (key {@code discord.guild-ids})
 */
public record DiscordSettings(Optional<Secret> token, URI apiUrl, List<Long> guildIds) {

    /** Default {@code api-url}. */
    public static final String DEFAULT_API_URL = "https://discord.com/api";

    /** Checks the URL and the ids. */
    public DiscordSettings {
        Rules.present("discord.token", token);
        URI given = Rules.present("discord.api-url", apiUrl);
        apiUrl = Rules.at("discord.api-url", () -> Rules.httpUrl(given.toString(), DEFAULT_API_URL));
        guildIds = List.copyOf(guildIds);
        guildIds.forEach(id -> Rules.between("discord.guild-ids", id, 1, Long.MAX_VALUE, "use a Discord server id"));
    }

    /** Whether the adapter has a token and so should run. */
    public boolean configured() {
        return token.isPresent();
    }
}
