package dev.imagine.bot.service;

import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Checks, before storage and the engine open, that the ports the service will listen on are free, so a second
 * {@code imagine run} on a taken port names the key to change instead of failing after the model loaded. The
 * listeners still report a port taken between this check and their start.
 */
final class Ports {

    private Ports() {
    }

    /**
     * Tries to bind each configured fixed port (0 picks a free one and needs no check).
     *
     * @throws IllegalStateException naming the address, the port and the key to change
     */
    static void requireFree(ImagineConfig config, List<Platform> platforms) {
        if (config.operations().enabled()) {
            requireFree("The operations endpoints", config.operations().bindAddress(), config.operations().port(),
                    "operations.port", "operations.enabled");
        }
        if (platforms.contains(Platform.WEB)) {
            requireFree("The web chat", config.web().bindAddress(), config.web().port(), "web.port", "web.enabled");
        }
    }

    private static void requireFree(String what, String address, int port, String key, String switchKey) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (IOException e) {
            throw new IllegalStateException(what + " cannot listen on " + address + " port " + port + " (another "
                    + "program, perhaps another imagine run, uses it, or the address is not this machine's); set " + key
                    + " to a free port (0 picks one) or " + switchKey + " to false");
        }
    }
}
