package dev.imagine.config;

/**
 * One thing wrong with the configuration.
 *
 * @param key the full dotted path of the key, such as {@code limits.rate.burst}, or an environment variable's
 *     name; empty when the problem is with the file as a whole
 * @param message what is wrong and what is allowed, such as {@code -3 is not allowed; use a whole number from 1 to
 *     1000}; never a secret's value
 */
public record ConfigProblem(String key, String message) {

    /** Checks both parts are present. */
    public ConfigProblem {
        if (key == null || message == null || message.isBlank()) {
            throw new IllegalArgumentException("a configuration problem needs a key (may be empty) and a message");
        }
    }

    /** {@code key: message}, or the message alone when the key is empty. */
    @Override
    public String toString() {
        return key.isEmpty() ? message : key + ": " + message;
    }
}
