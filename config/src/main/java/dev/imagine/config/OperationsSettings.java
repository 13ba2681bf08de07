package dev.imagine.config;

/**
 * The HTTP endpoint for {@code /healthz} and Prometheus {@code /metrics} (key {@code operations}). It has no
 * authentication, so it listens on this machine only unless told otherwise.
 *
 * @param enabled whether to serve it (key {@code operations.enabled}, default true)
 * @param bindAddress the address to listen on: an IP literal or {@code localhost} (key
 *     {@code operations.bind-address}, default {@value #DEFAULT_BIND_ADDRESS})
 * @param port the port, 1 to 65535, or 0 for any free port (key {@code operations.port}, default
 *     {@value #DEFAULT_PORT})
 */
public record OperationsSettings(boolean enabled, String bindAddress, int port) {

    /** Default {@code bind-address}: this machine only. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default {@code port}. */
    public static final int DEFAULT_PORT = 9464;

    /** Checks the address and port. */
    public OperationsSettings {
        String given = bindAddress;
        bindAddress = Rules.at("operations.bind-address", () -> Rules.bindAddress(given));
        Rules.between("operations.port", port, 0, 65535);
    }

    /** Whether only this machine can reach the endpoint. */
    public boolean isLoopback() {
        return Rules.isLoopback(bindAddress);
    }
}
