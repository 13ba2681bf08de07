package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.testmodel.TinyModelSpec;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, problem 1: a shutdown closed the ONNX sessions while the engine's thread still ran them, and the JVM died
 * with SIGSEGV in libonnxruntime at the next session call. Closing now waits for the running generation.
 */
class EngineCloseTest {

    @Test
    void closeDuringAGenerationWaitsForItAndNoSessionIsUsedAfterRelease() throws Exception {
        ImageEngine engine = TestModels.open(TinyModelSpec.tiny());
        AtomicReference<Thread> closer = new AtomicReference<>();
        AtomicReference<Thread.State> closerWhileRunning = new AtomicReference<>();
        GenerationResult result = engine.generate(GenerationRequest.builder("a fox").size(64, 64).steps(4).seed(1L)
                .build(), progress -> {
                    if (progress.step() == 2) {
                        Thread thread = new Thread(engine::close, "test-closer");
                        closer.set(thread);
                        thread.start();
                        // Until the closer either finished (the old behaviour) or parks waiting for this generation.
                        Thread.State state;
                        while ((state = thread.getState()) != Thread.State.WAITING
                                && state != Thread.State.TERMINATED) {
                            Thread.onSpinWait();
                        }
                        closerWhileRunning.set(state);
                    }
                }, new CancellationToken());
        closer.get().join();
        assertThat(closerWhileRunning.get()).isEqualTo(Thread.State.WAITING);
        assertThat(result.images()).hasSize(1);
        assertThat(result.images().get(0).png()).isNotEmpty();
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder("a fox").size(64, 64).steps(2).build()))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("the engine is stopping; try again after the restart"));
        engine.close();
    }
}
