package dev.imagine.config;

import java.util.Locale;

/** The chat platforms imagine has adapters for. */
public enum Platform {
    /** Telegram's Bot API. */
    TELEGRAM("IMAGINE_TELEGRAM_TOKEN"),
    /** Discord's HTTP API and gateway. */
    DISCORD("IMAGINE_DISCORD_TOKEN"),
    /** The web chat served by imagine itself; its secret is the sign-in password, which it may run without. */
    WEB(WebSettings.PASSWORD_VARIABLE);

    private final String tokenVariable;

    Platform(String tokenVariable) {
        this.tokenVariable = tokenVariable;
    }

    /** The lower-case name used in keys and user references, such as {@code telegram}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The environment variable that holds this platform's secret: the bot token, such as
     * {@code IMAGINE_TELEGRAM_TOKEN}, or the web chat's password.
     */
    public String tokenVariable() {
        return tokenVariable;
    }
}
