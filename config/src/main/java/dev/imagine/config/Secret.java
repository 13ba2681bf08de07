package dev.imagine.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A token or password. {@link #toString()} prints only asterisks, so records holding a secret can be logged;
 * {@link #reveal()} gives the value and belongs only where the value is sent to its service.
 */
public final class Secret {

    private static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a value.
     *
     * @throws IllegalArgumentException when the value is null or blank (the message does not repeat it)
     */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** The value itself; pass it only to the client that sends it to its service, never to a log or a message. */
    public String reveal() {
        return value;
    }

    /** Compares values in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    /** The same for every secret, so the hash says nothing about the value. */
    @Override
    public int hashCode() {
        return 0x5ec2e7;
    }

    /** Asterisks only, of a fixed length. */
    @Override
    public String toString() {
        return MASK;
    }
}
