package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {

    @Test
    void readsVmHwmInMebibytes() {
        assertThat(PeakMemory.describe(List.of("Name:\tjava", "VmPeak:\t 9000000 kB", "VmHWM:\t  524288 kB",
                "VmRSS:\t  100 kB"))).isEqualTo("512 MiB");
    }

    @Test
    void saysWhenTheLineIsMissingOrOdd() {
        assertThat(PeakMemory.describe(List.of("Name:\tjava"))).startsWith("unknown");
        assertThat(PeakMemory.describe(List.of("VmHWM:\t  lots kB"))).startsWith("unknown");
    }
}
