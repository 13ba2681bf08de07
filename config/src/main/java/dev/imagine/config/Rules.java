package dev.imagine.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The wording and the checks shared by the file reader and the records' constructors. */
final class Rules {

    private static final int SHOWN_CHARS = 60;
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}");
    static final int MAX_CUDA_INDEX = 63;

    private Rules() {
    }

    /** A text value as a message shows it: quoted, control characters escaped, cut after 60 characters. */
    static String show(String text) {
        if (text == null) {
            return "nothing";
        }
        StringBuilder shown = new StringBuilder("\"");
        text.codePoints().limit(SHOWN_CHARS).forEach(c -> {
            if (c == '"' || c == '\\') {
                shown.append('\\').appendCodePoint(c);
            } else if (Character.isISOControl(c)) {
                shown.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        if (text.codePointCount(0, text.length()) > SHOWN_CHARS) {
            shown.append("...");
        }
        return shown.append('"').toString();
    }

    /** {@code <shown> is not allowed; <allowed>}. */
    static String notAllowed(String shown, String allowed) {
        return shown + " is not allowed; " + allowed;
    }

    static String wholeNumber(long min, long max) {
        return "use a whole number from " + min + " to " + max;
    }

    static String durationRange(Duration min, Duration max) {
        return "use a duration from " + Durations.format(min) + " to " + Durations.format(max) + ", such as 90s, 10m or 1h";
    }

    static String sizeRange(long min, long max, String example) {
        return "use a size from " + ByteSizes.format(min) + " to " + ByteSizes.format(max) + ", such as " + example;
    }

    /** Runs a check and puts the key in front of its message. */
    static <T> T at(String key, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + notAllowed(Integer.toString(value), wholeNumber(min, max)));
        }
        return value;
    }

    static long between(String key, long value, long min, long max, String allowed) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + notAllowed(Long.toString(value), allowed));
        }
        return value;
    }

    static Duration between(String key, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + ": " + notAllowed(value == null ? "nothing" : Durations.format(value),
                    durationRange(min, max)));
        }
        return value;
    }

    static <T> T present(String key, T value) {
        if (value == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return value;
    }

    /** The allowed devices, for messages. */
    static final String DEVICES = "use cpu, cuda, cuda:N (N from 0 to " + MAX_CUDA_INDEX + ") or auto";

    /** Normalizes {@code cpu}, {@code auto}, {@code cuda} and {@code cuda:N} to {@code cpu}, {@code auto}, {@code cuda:N}. */
    static String device(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu") || value.equals("auto")) {
            return value;
        }
        if (value.equals("cuda")) {
            return "cuda:0";
        }
        if (value.matches("cuda:[0-9]{1,2}") && Integer.parseInt(value.substring(5)) <= MAX_CUDA_INDEX) {
            return "cuda:" + Integer.parseInt(value.substring(5));
        }
        throw new IllegalArgumentException(notAllowed(show(text), DEVICES));
    }

    /** An http(s) URL with a host and no user, query or fragment, without a trailing slash. */
    static URI httpUrl(String text, String example) {
        String allowed = "use an http or https URL such as " + example;
        URI uri;
        try {
            uri = new URI(text == null ? "" : text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(notAllowed(show(text), allowed), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(notAllowed(show(text), allowed + ", with no user, query or fragment"));
        }
        String normal = uri.toString();
        while (normal.endsWith("/")) {
            normal = normal.substring(0, normal.length() - 1);
        }
        return URI.create(normal);
    }

    static final String BIND_ADDRESSES = "use an IP address such as 127.0.0.1 (this machine only), ::1 or 0.0.0.0, or localhost";

    /** An IPv4 or IPv6 literal or {@code localhost}, checked without any name lookup. */
    static String bindAddress(String text) {
        String value = text == null ? "" : text.trim();
        if (value.equalsIgnoreCase("localhost")) {
            return "localhost";
        }
        if (IPV4.matcher(value).matches() || (IPV6.matcher(value).matches() && validIpv6(value))) {
            return value;
        }
        throw new IllegalArgumentException(notAllowed(show(text), BIND_ADDRESSES));
    }

    private static boolean validIpv6(String value) {
        int doubleColons = value.split("::", -1).length - 1;
        int groups = value.split(":", -1).length;
        return doubleColons == 1 ? groups <= 8 && !value.contains(":::") : doubleColons == 0 && groups == 8;
    }

    /** Whether a host name or literal is this machine, judged by its spelling alone. */
    static boolean isLoopback(String host) {
        String value = host == null ? "" : host.toLowerCase(Locale.ROOT);
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.equals("localhost") || value.startsWith("127.") || value.equals("::1");
    }
}
