package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.fake.FakeClock;
import dev.imagine.config.Secret;
import dev.imagine.config.WebSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sign-in sessions: names, managers, CSRF tokens, idle expiry and the brake on wrong passwords, on a fake clock. */
class SessionsTest {
    private static final String PASSWORD = "the right password";
    private final FakeClock clock = new FakeClock();
    private final Sessions sessions = new Sessions(new WebSettings(true, "0.0.0.0", 0,
            Optional.of(Secret.of(PASSWORD)), List.of("mo")), clock);

    private Sessions.Session signIn(String name) {
        Sessions.SignIn result = sessions.signIn(name, PASSWORD);
        assertThat(result).isInstanceOf(Sessions.SignIn.Done.class);
        return ((Sessions.SignIn.Done) result).session();
    }

    @Test
    void eachSignInIsItsOwnSessionUnderItsNameWithItsOwnCsrfToken() {
        Sessions.Session alice = signIn(" Alice ");
        Sessions.Session mo = signIn("mo");

        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.manager()).isFalse();
        assertThat(mo.manager()).isTrue();
        assertThat(alice.token()).isNotEqualTo(mo.token()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(alice.csrf()).isNotEqualTo(mo.csrf());
        assertThat(sessions.find(alice.token())).contains(alice);
        assertThat(sessions.find("made-up")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(Sessions.csrfMatches(alice, alice.csrf())).isTrue();
        assertThat(Sessions.csrfMatches(alice, mo.csrf())).isFalse();
        assertThat(Sessions.csrfMatches(alice, " ")).isFalse();
        assertThat(Sessions.csrfMatches(alice, null)).isFalse();

        sessions.signOut(alice);
        assertThat(sessions.find(alice.token())).isEmpty();
    }

    @Test
    void aSessionUnusedForAWeekEndsAndUseKeepsItAlive() {
        Sessions.Session used = signIn("used");
        Sessions.Session idle = signIn("idle");

        clock.advance(Sessions.IDLE.minusHours(1));
        assertThat(sessions.find(used.token())).isPresent();
        clock.advance(Duration.ofHours(2));

        assertThat(sessions.find(used.token())).isPresent();
        assertThat(sessions.find(idle.token())).isEmpty();
    }

    @Test
    void wrongPasswordsAndBadNamesAreRefusedAndTenInAMinuteMakeSignInsWait() {
        assertThat(sessions.signIn("not a name!", PASSWORD)).isEqualTo(new Sessions.SignIn.Refused(400,
                "That name cannot be used; " + WebSettings.NAME_ALLOWED + "."));
        for (int i = 0; i < Sessions.MAX_FAILURES; i++) {
            assertThat(sessions.signIn("alice", "guess " + i)).isEqualTo(new Sessions.SignIn.Refused(401,
                    "That password is not right."));
        }
        assertThat(sessions.signIn("alice", PASSWORD)).isEqualTo(new Sessions.SignIn.Refused(429,
                "Too many wrong passwords; wait a minute and try again."));

        clock.advance(Duration.ofSeconds(61));
        assertThat(sessions.signIn("alice", PASSWORD)).isInstanceOf(Sessions.SignIn.Done.class);
    }

    @Test
    void withoutAPasswordEveryoneIsTheLocalManager() {
        Sessions local = new Sessions(WebSettings.local(0), clock);

        Sessions.Session session = local.find(null).orElseThrow();
        assertThat(session.name()).isEqualTo(Sessions.LOCAL_NAME);
        assertThat(session.manager()).isTrue();
        assertThat(local.find("anything")).contains(session);
        assertThat(local.signIn("alice", "whatever")).isInstanceOf(Sessions.SignIn.Refused.class);
    }

    @Test
    void onlyLoopbackHostNamesCountAsThisMachine() {
        assertThat(List.of("localhost:8080", "127.0.0.1", "127.1.2.3:80", "[::1]:8080", "LOCALHOST"))
                .allMatch(WebAdapter::loopbackHost);
        assertThat(List.of("evil.example", "localhost.evil.example:8080", "127.0.0.1.evil.example", "[::2]", ""))
                .noneMatch(WebAdapter::loopbackHost);
        assertThat(WebAdapter.loopbackHost(null)).isFalse();
    }
}
