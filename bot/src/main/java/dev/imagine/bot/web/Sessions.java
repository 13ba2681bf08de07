package dev.imagine.bot.web;

import dev.imagine.config.Secret;
import dev.imagine.config.WebSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is on the page. Without a password (this machine only) everyone is the one local user, who manages the web
 * chat. With a password each sign-in is a session under a name, held in memory (a restart signs everyone out), kept
 * while used and dropped after {@link #IDLE} without a request. Every session has its own CSRF token, which the page
 * reads from {@code /api/session} and sends back in a header with every state-changing request. Wrong passwords are
 * counted: after {@value #MAX_FAILURES} in a minute, sign-ins wait for the minute to pass. Thread-safe.
 */
final class Sessions {
    /** The session cookie's name. */
    static final String COOKIE = "imagine_session";
    /** A session not used for this long is dropped. */
    static final Duration IDLE = Duration.ofDays(7);
    /** The name of the one user without a password. */
    static final String LOCAL_NAME = "local";
    static final int MAX_FAILURES = 10;
    static final int MAX_SESSIONS = 10_000;
    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    /**
     * A signed-in visitor.
     *
     * @param token the cookie's value, or {@code null} for the local user (who has no cookie)
     * @param csrf the token state-changing requests must carry
     * @param name the sign-in name, which is the user id on the web platform
     * @param manager whether the user may cancel and delete others' pictures and change the web chat's defaults
     */
    record Session(String token, String csrf, String name, boolean manager) {
    }

    /** The answer to a sign-in. */
    sealed interface SignIn {
        /** Signed in. */
        record Done(Session session) implements SignIn {
        }

        /** Refused, with the HTTP status and a sentence. */
        record Refused(int status, String message) implements SignIn {
        }
    }

    private record Entry(Session session, Instant lastSeen) {
    }

    private final WebSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
    private final Deque<Instant> failures = new ArrayDeque<>();
    private final Session local;

    Sessions(WebSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.local = settings.signIn() ? null : new Session(null, newToken(), LOCAL_NAME, true);
    }

    /** Whether visitors sign in (a password is set). */
    boolean signInNeeded() {
        return settings.signIn();
    }

    /** The session for a request's cookie value (may be {@code null}): the local user without a password. */
    Optional<Session> find(String cookie) {
        if (local != null) {
            return Optional.of(local);
        }
        if (cookie == null) {
            return Optional.empty();
        }
        Entry entry = byToken.get(cookie);
        Instant now = clock.instant();
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.lastSeen().plus(IDLE).isBefore(now)) {
            byToken.remove(cookie, entry);
            return Optional.empty();
        }
        byToken.replace(cookie, entry, new Entry(entry.session(), now));
        return Optional.of(entry.session());
    }

    /** Signs in under {@code name} when {@code password} is right. */
    SignIn signIn(String name, String password) {
        if (local != null) {
            return new SignIn.Refused(400, "This page has no password: there is nothing to sign in to.");
        }
        Optional<String> normalized = WebSettings.normalizeName(name);
        if (normalized.isEmpty()) {
            return new SignIn.Refused(400, "That name cannot be used; " + WebSettings.NAME_ALLOWED + ".");
        }
        Instant now = clock.instant();
        synchronized (failures) {
            while (!failures.isEmpty() && failures.peekFirst().plus(FAILURE_WINDOW).isBefore(now)) {
                failures.removeFirst();
            }
            if (failures.size() >= MAX_FAILURES) {
                return new SignIn.Refused(429, "Too many wrong passwords; wait a minute and try again.");
            }
            Secret expected = settings.password().orElseThrow();
            if (password == null || password.isBlank() || !expected.equals(Secret.of(password))) {
                failures.addLast(now);
                return new SignIn.Refused(401, "That password is not right.");
            }
        }
        if (byToken.size() >= MAX_SESSIONS) {
            byToken.values().removeIf(entry -> entry.lastSeen().plus(IDLE).isBefore(now));
            if (byToken.size() >= MAX_SESSIONS) {
                return new SignIn.Refused(503, "Too many people are signed in right now; try again later.");
            }
        }
        Session session = new Session(newToken(), newToken(), normalized.get(),
                settings.managers().contains(normalized.get()));
        byToken.put(session.token(), new Entry(session, now));
        return new SignIn.Done(session);
    }

    /** Ends a session; the local user cannot sign out. */
    void signOut(Session session) {
        if (session.token() != null) {
            byToken.remove(session.token());
        }
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    static boolean csrfMatches(Session session, String given) {
        return given != null && !given.isBlank() && Secret.of(session.csrf()).equals(Secret.of(given));
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
