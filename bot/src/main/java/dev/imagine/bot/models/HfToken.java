package dev.imagine.bot.models;

/**
 * A Hugging Face access token. Its text is only ever written into an {@code Authorization} header sent to the
 * hub's own endpoint; {@link #toString()} masks it, and no message or log line built by this package contains it.
 */
public final class HfToken {
    private final String value;

    private HfToken(String value) {
        this.value = value;
    }

    /**
     * Wraps a token, trimming surrounding whitespace.
     *
     * @throws ModelException if it is blank or holds spaces or control characters (the message never repeats it)
     */
    public static HfToken of(String value) {
        String token = value == null ? "" : value.strip();
        if (token.isEmpty()) {
            throw new ModelException("the Hugging Face token is empty");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new ModelException("the Hugging Face token holds a space or control character; "
                        + "copy it again from the hub's token settings");
            }
        }
        return new HfToken(token);
    }

    String authorizationHeader() {
        return "Bearer " + value;
    }

    /** Always {@code HfToken[hidden]}. */
    @Override
    public String toString() {
        return "HfToken[hidden]";
    }
}
