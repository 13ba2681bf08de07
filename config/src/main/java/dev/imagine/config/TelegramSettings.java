package dev.imagine.config;

import java.net.URI;
import java.util.Optional;

/**
 * The Telegram adapter (key {@code telegram}); it runs when a token is set.
 *
 * @param token the bot token from BotFather; {@code IMAGINE_TELEGRAM_TOKEN} wins over the file (key
 *     {@code telegram.token})
 * @param apiUrl the Bot API server, without a trailing slash (key {@code telegram.api-url}, default
 *     {@value #DEFAULT_API_URL}; a local Bot API server or a test server otherwise)
 */
public record TelegramSettings(Optional<Secret> token, URI apiUrl) {

    /** Default {@code api-url}: the public Bot API. */
    public static final String DEFAULT_API_URL = "https://api.telegram.org";

    /** Checks the URL. */
    public TelegramSettings {
        Rules.present("telegram.token", token);
        URI given = Rules.present("telegram.api-url", apiUrl);
        apiUrl = Rules.at("telegram.api-url", () -> Rules.httpUrl(given.toString(), DEFAULT_API_URL));
    }

    /** Whether the adapter has a token and so should run. */
    public boolean configured() {
        return token.isPresent();
    }
}
