package dev.imagine.config;

import java.util.Locale;

/** The chat platforms imagine has adapters for. */
public enum Platform {
    /** Telegram's Bot API. */
    TELEGRAM("IMAGINE_TELEGRAM_TOKEN"),
    /** Discord's HTTP API and gateway. */
    DISCORD("IMAGINE_DISCORD_TOKEN");

    private final String tokenVariable;

    Platform(String tokenVariable) {
        this.tokenVariable = tokenVariable;
    }

    /** The lower-case name used in keys and user references, such as {@code telegram}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The environment variable that holds this platform's bot token, such as {@code IMAGINE_TELEGRAM_TOKEN}. */
    public String tokenVariable() {
        return tokenVariable;
    }
}
