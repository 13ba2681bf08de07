package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-user and per-role overrides, admins, and which limit applies to whom. */
class LimitSettingsTest {

    private static final PlatformUser ALICE = new PlatformUser(Platform.TELEGRAM, 111);
    private static final PlatformUser BOB = new PlatformUser(Platform.DISCORD, 222);
    private static final PlatformUser CAROL = new PlatformUser(Platform.DISCORD, 333);

    private static LimitSettings limits() {
        return ImagineConfig.parse("""
                engine: {model: m}
                limits:
                  rate: {burst: 3, refill: 6, refill-period: 30m}
                  admins: [discord:333, "telegram:999"]
                  users:
                    "telegram:111": {burst: 20}
                  roles:
                    "500": {refill: 12}
                    "600": {burst: 9, refill: 24, refill-period: 2h}
                    "700": {burst: 50, refill: 6, refill-period: 30m}
                """, "imagine.yaml", Path.of("/w"), Map.of()).limits();
    }

    @Test
    void overridesTakeLeftOutKeysFromTheDefaultRate() {
        LimitSettings limits = limits();

        assertThat(limits.users()).containsExactly(Map.entry(ALICE, new RateLimit(20, 6, Duration.ofMinutes(30))));
        assertThat(limits.roles()).containsExactly(
                Map.entry(500L, new RateLimit(3, 12, Duration.ofMinutes(30))),
                Map.entry(600L, new RateLimit(9, 24, Duration.ofHours(2))),
                Map.entry(700L, new RateLimit(50, 6, Duration.ofMinutes(30))));
    }

    @Test
    void aUsersOwnEntryWinsOverTheirRoles() {
        assertThat(limits().rateFor(ALICE, List.of(500L, 700L))).isEqualTo(new RateLimit(20, 6, Duration.ofMinutes(30)));
    }

    @Test
    void theMostGenerousRoleWins() {
        LimitSettings limits = limits();

        // Role 500 refills 12 per 30 min (0.4/min); role 600 refills 24 per 2 h (0.2/min): 500 is faster.
        assertThat(limits.rateFor(BOB, List.of(600L, 500L))).isEqualTo(limits.roles().get(500L));
        // Roles 600 (24 per 2 h) and 700 (6 per 30 min) both refill 0.2 per minute: 700's bigger burst wins.
        assertThat(limits.rateFor(BOB, List.of(600L, 700L))).isEqualTo(limits.roles().get(700L));
        assertThat(limits.rateFor(BOB, List.of(404L))).isEqualTo(limits.rate());
        assertThat(limits.rateFor(BOB, List.of())).isEqualTo(new RateLimit(3, 6, Duration.ofMinutes(30)));
    }

    @Test
    void adminsAreListedByPlatformAndId() {
        LimitSettings limits = limits();

        assertThat(limits.isAdmin(CAROL)).isTrue();
        assertThat(limits.isAdmin(new PlatformUser(Platform.TELEGRAM, 999))).isTrue();
        assertThat(limits.isAdmin(new PlatformUser(Platform.TELEGRAM, 333))).isFalse();
        assertThat(limits.isAdmin(ALICE)).isFalse();
    }

    @Test
    void imagesPerSecondIsRefillOverPeriod() {
        // 10 images per 600 s.
        assertThat(RateLimit.DEFAULT.imagesPerSecond()).isEqualTo(10.0 / 600.0);
    }

    @Test
    void platformUsersParseAndPrintTheSameForm() {
        assertThat(PlatformUser.parse(" Discord:42 ")).isEqualTo(new PlatformUser(Platform.DISCORD, 42));
        assertThat(PlatformUser.parse("telegram:7")).hasToString("telegram:7");
    }
}
