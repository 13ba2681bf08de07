package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.noise.TorchGenerator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NoiseAheadTest {
    private final ExecutorService helper = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        helper.shutdownNow();
    }

    @Test
    void drawsTheSameValuesInTheSameOrderAsTheGeneratorOnTheCallersThread() {
        TorchGenerator direct = new TorchGenerator(42);
        NoiseAhead ahead = new NoiseAhead(new TorchGenerator(42), 16_384, 21, helper);
        for (int block = 0; block < 21; block++) {
            assertThat(ahead.randn(16_384)).as("block " + block).containsExactly(direct.randn(16_384));
        }
        // Past the announced blocks the stream goes on from the generator itself.
        assertThat(ahead.randn(5)).containsExactly(direct.randn(5));
        assertThat(ahead.randn(100)).containsExactly(direct.randn(100));
    }

    @Test
    void anotherCountWhileBlocksAreDrawnAheadIsRefused() {
        NoiseAhead ahead = new NoiseAhead(new TorchGenerator(7), 64, 3, helper);
        ahead.randn(64);
        assertThatThrownBy(() -> ahead.randn(32)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("asked for 32 noise values while blocks of 64 are drawn ahead");
    }
}
