package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations such as {@code 10m} and sizes such as {@code 6G}; expected values are unit arithmetic. */
class DurationsAndSizesTest {

    @ParameterizedTest
    @CsvSource({
        "90s, 90000",
        "10m, 600000",
        "1h, 3600000",
        "1h30m, 5400000",
        "'1h 30m', 5400000",
        "2d, 172800000",
        "500ms, 500",
        "1m30s250ms, 90250",
        "10M, 600000",
        "0s, 0",
    })
    void durationsParse(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"600", "10", "", " ", "1.5h", "-1m", "10 minutes", "1y", "m10", "10mm"})
    void durationsNeedAWholeNumberAndAUnit(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is not a duration; use a number and a unit (ms, s, m, h or d), such as 90s, "
                        + "10m or 1h30m");
    }

    @ParameterizedTest
    @CsvSource({"90000, 1m30s", "600000, 10m", "5400000, 1h30m", "86400000, 1d", "500, 500ms", "0, 0s",
        "90061001, 1d1h1m1s1ms"})
    void durationsFormatInTheFormTheyParse(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1048576, 1048576",
        "100B, 100",
        "1K, 1024",
        "512k, 524288",
        "10MB, 10485760",
        "10 MiB, 10485760",
        "6G, 6442450944",
        "6gb, 6442450944",
        "1.5G, 1610612736",
        "1T, 1099511627776",
        "0.5K, 512",
        "1.0001K, 1024",
    })
    void sizesParseInPowersOf1024(String text, long bytes) {
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "-1M", "10 gigs", "10X", "1e6", "10iB", "99999999999T"})
    void sizesRefuseOtherText(String text) {
        assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"10485760, 10M", "6442450944, 6G", "1024, 1K", "1000, 1000", "1536, 1536", "0, 0",
        "1099511627776, 1T"})
    void sizesFormatWithTheLargestExactUnit(long bytes, String text) {
        assertThat(ByteSizes.format(bytes)).isEqualTo(text);
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
    }
}
