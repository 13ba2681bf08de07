package dev.imagine.bot.telegram;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Takes the bot token out of text bound for a log line or an exception message. The token is part of every Bot API
 * URL ({@code /bot<token>/method}, {@code /file/bot<token>/path}), so any error that quotes a URL would carry it.
 * Besides the configured token, anything shaped like a token ({@code digits:35 characters}) is masked too.
 */
final class Redactor {
    static final String MASK = "<token>";
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[0-9]{5,}:[A-Za-z0-9_-]{20,}");
    private static final int MAX_CAUSES = 6;

    private final String token;
    private final String encodedToken;

    Redactor(String token) {
        this.token = token;
        this.encodedToken = URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /** {@code text} with the token masked; {@code null} stays {@code null}. */
    String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text.replace(token, MASK).replace(encodedToken, MASK);
        return TOKEN_SHAPE.matcher(out).replaceAll(MASK);
    }

    /** A failure and its causes as one line ({@code Type: message <- Type: message}), token masked. */
    String describe(Throwable failure) {
        StringBuilder line = new StringBuilder();
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (i > 0) {
                line.append(" <- ");
            }
            line.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                line.append(": ").append(t.getMessage());
            }
        }
        return redact(line.toString());
    }
}
