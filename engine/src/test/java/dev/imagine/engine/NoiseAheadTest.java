package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.noise.TorchGenerator;
import org.junit.jupiter.api.Test;

/** Noise drawn ahead on the worker thread is exactly the stream a direct draw gives, whatever the calls. */
class NoiseAheadTest {

    @Test
    void drawsAheadGiveTheSequentialStream() {
        TorchGenerator reference = new TorchGenerator(42);
        TorchGenerator generator = new TorchGenerator(42);
        try (NoiseAhead ahead = new NoiseAhead()) {
            NoiseAhead.Source source = ahead.source(generator);
            for (int step = 0; step < 5; step++) {
                assertThat(source.randn(1024)).as("step %d", step).containsExactly(reference.randn(1024));
            }
            // Another count is drawn directly, after the draw made ahead is dropped.
            assertThat(source.randn(20)).containsExactly(reference.randn(20));
            assertThat(source.randn(20)).containsExactly(reference.randn(20));
            source.stop();
            // The generator itself stands where the last step left it.
            assertThat(generator.randn(64)).containsExactly(reference.randn(64));
        }
    }

    @Test
    void afterCloseTheSourceStillDrawsDirectly() {
        TorchGenerator reference = new TorchGenerator(7);
        NoiseAhead ahead = new NoiseAhead();
        NoiseAhead.Source source = ahead.source(new TorchGenerator(7));
        assertThat(source.randn(256)).containsExactly(reference.randn(256));
        ahead.close();
        assertThat(source.randn(256)).containsExactly(reference.randn(256));
        assertThat(source.randn(256)).containsExactly(reference.randn(256));
    }
}
