package dev.imagine.bot.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared retry back-off: doubling, capped, shortened by jitter within its bound. */
class BackoffTest {
    @Test
    void doublesUpToTheCapWithoutJitter() {
        Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(5)).withRandom(() -> 0.0);

        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(40)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterTakesOffAtMostItsShare() {
        Backoff most = Backoff.of(Duration.ofSeconds(10), Duration.ofSeconds(10)).withRandom(() -> 0.999_999);
        Backoff half = Backoff.of(Duration.ofSeconds(10), Duration.ofSeconds(10)).withRandom(() -> 0.5);

        assertThat(most.delay(1)).isBetween(Duration.ofSeconds(8), Duration.ofMillis(8001));
        assertThat(half.delay(1)).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void systemJitterStaysInsideTheBound() {
        Backoff backoff = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30));
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.delay(3)).isBetween(Duration.ofMillis(3200), Duration.ofSeconds(4));
        }
    }

    @Test
    void badNumbersAreRefused() {
        assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("a back-off needs 0 <= first <= max, got PT2S and PT1S");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1.5, Backoff.SYSTEM_RANDOM))
                .hasMessage("jitter must be between 0 and 1, got 1.5");
    }
}
