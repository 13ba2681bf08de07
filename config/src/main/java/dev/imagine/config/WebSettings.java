package dev.imagine.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web chat (key {@code web}): the bot as a page in the browser, served by {@code imagine run}. On this machine
 * only and without a password there is one local user; with a password every visitor signs in under a name, and each
 * name is its own user for limits and history. A name is a label, not an account: whoever knows the password may use
 * any name.
 *
 * @param enabled whether to serve the page (key {@code web.enabled}, default true)
 * @param bindAddress the address to listen on: an IP literal or {@code localhost} (key {@code web.bind-address},
 *     default {@value #DEFAULT_BIND_ADDRESS}); any other than this machine's needs a password
 * @param port the port, 1 to 65535, or 0 for any free port (key {@code web.port}, default {@value #DEFAULT_PORT})
 * @param password the password of the sign-in form, {@value #MIN_PASSWORD_CHARS} to {@value #MAX_PASSWORD_CHARS}
 *     characters; {@code IMAGINE_WEB_PASSWORD} wins over the file (key {@code web.password}, default none)
 * @param managers sign-in names that may cancel and delete others' pictures and change the web chat's defaults (key
 *     {@code web.managers}, default none); the local user is always one
 */
public record WebSettings(boolean enabled, String bindAddress, int port, Optional<Secret> password,
        List<String> managers) {

    /** Default {@code bind-address}: this machine only. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default {@code port}. */
    public static final int DEFAULT_PORT = 8080;
    /** The environment variable that holds the password. */
    public static final String PASSWORD_VARIABLE = "IMAGINE_WEB_PASSWORD";
    /** Shortest password. */
    public static final int MIN_PASSWORD_CHARS = 8;
    /** Longest password. */
    public static final int MAX_PASSWORD_CHARS = 200;
    /** What a sign-in name may be, for messages. */
    public static final String NAME_ALLOWED = "use 1 to 32 letters, digits, dots, dashes or underscores, starting "
            + "with a letter or digit";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

    /** Checks every value; a non-loopback address without a password is refused. */
    public WebSettings {
        String given = bindAddress;
        bindAddress = Rules.at("web.bind-address", () -> Rules.bindAddress(given));
        Rules.between("web.port", port, 0, 65535);
        Rules.present("web.password", password);
        managers = List.copyOf(Rules.present("web.managers", managers)).stream().map(name -> Rules.at("web.managers",
                () -> normalizeName(name).orElseThrow(() -> new IllegalArgumentException(
                        Rules.notAllowed(Rules.show(name), NAME_ALLOWED))))).toList();
        if (enabled && password.isEmpty() && !Rules.isLoopback(bindAddress)) {
            throw new IllegalArgumentException("web.password: " + openWithoutPassword(bindAddress));
        }
    }

    /** Web chat on this machine only, no password, on {@code port}. */
    public static WebSettings local(int port) {
        return new WebSettings(true, DEFAULT_BIND_ADDRESS, port, Optional.empty(), List.of());
    }

    /** Whether only this machine can reach the page. */
    public boolean isLoopback() {
        return Rules.isLoopback(bindAddress);
    }

    /** Whether visitors sign in: when a password is set. */
    public boolean signIn() {
        return password.isPresent();
    }

    /**
     * A sign-in name in its one form (lower case, trimmed), or empty when it is not allowed ({@link #NAME_ALLOWED}).
     */
    public static Optional<String> normalizeName(String name) {
        String value = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return NAME.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

    static String openWithoutPassword(String bindAddress) {
        return "missing; web.bind-address is " + bindAddress + ", which other machines can reach, and without a "
                + "password anyone who reaches the port could make pictures as you: set " + PASSWORD_VARIABLE
                + " (or web.password), bind to 127.0.0.1, or set web.enabled to false";
    }
}
