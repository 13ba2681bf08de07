package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.Ort.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code imagine demo-model} folder: small on disk, SD 1.x shapes, runs at 512x512. Prints the time of
 * one UNet step (batch 2, 64x64 latents) for the benchmark notes; asserts only shapes and sizes.
 */
class DemoModelTest {

    @TempDir
    Path dir;

    @Test
    void demoModelIsSmallAndRunsAtFullSize() throws Exception {
        TinyModelSpec spec = TinyModelSpec.demo();
        try (Pipeline p = new Pipeline(dir, spec)) {
            long bytes = 0;
            for (String file : TinyModelWriterTest.files(dir)) {
                bytes += Files.size(dir.resolve(file));
            }
            System.out.printf("demo model folder: %.2f MB%n", bytes / 1e6);
            assertThat(bytes).isBetween(1_000_000L, 16_000_000L);

            var text = p.encodeText(Pipeline.prompt(), Pipeline.prompt(2368, 539, 320, 2368));
            assertThat(text.get("last_hidden_state").shape()).containsExactly(2, 77, 768);
            float[] states = text.get("last_hidden_state").values();

            int n = 64;
            float[] sample = Ort.gaussian(new Random(11), 2 * 4 * n * n, 1.0);
            float[] timesteps = {901, 901};
            Output out = p.predict(sample, 2, n, n, timesteps, states);
            assertThat(out.shape()).containsExactly(2, 4, n, n);

            double[] millis = new double[7];
            for (int i = 0; i < millis.length; i++) {
                long start = System.nanoTime();
                p.predict(sample, 2, n, n, timesteps, states);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            System.out.printf("demo UNet step, batch 2, 64x64 latents, 2 threads: median %.1f ms (min %.1f, max %.1f)%n",
                    millis[millis.length / 2], millis[0], millis[millis.length - 1]);

            Output image = p.decode(Arrays.copyOf(out.values(), 4 * n * n), 1, n, n);
            assertThat(image.shape()).containsExactly(1, 3, 8 * n, 8 * n);
        }
    }

    @Test
    void demoUnetBatchRowsMatchSingleRowsAtFullSize() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.demo())) {
            float[] states = p.encodeText(Pipeline.prompt(), Pipeline.prompt(1929, 2153)).get("last_hidden_state").values();
            int n = 64;
            int row = 4 * n * n;
            float[] sample = Ort.gaussian(new Random(12), 2 * row, 1.0);
            float[] both = p.predict(sample, 2, n, n, new float[] {501, 501}, states).values();
            float[] second = p.predict(Arrays.copyOfRange(sample, row, 2 * row), 1, n, n, new float[] {501},
                    Arrays.copyOfRange(states, 77 * 768, 2 * 77 * 768)).values();
            assertThat(Arrays.copyOfRange(both, row, 2 * row)).containsExactly(second);
        }
    }

    @Test
    void cheapUnetsSeparableBlurPredictsWhatTheTwoDimensionalKernelDoes(@TempDir Path other) throws Exception {
        TinyModelSpec cheap = TinyModelSpec.cheapUnet();
        try (Pipeline separable = new Pipeline(dir, cheap);
                Pipeline square = new Pipeline(other, cheap.toBuilder().separableBlur(false).build())) {
            float[] states = separable.encodeText(Pipeline.prompt(), Pipeline.prompt(1929, 2153))
                    .get("last_hidden_state").values();
            int n = 24;
            float[] sample = Ort.gaussian(new Random(13), 2 * 4 * n * n, 10.0);
            float[] timesteps = {701, 701};
            float[] fast = separable.predict(sample, 2, n, n, timesteps, states).values();
            float[] slow = square.predict(sample, 2, n, n, timesteps, states).values();
            assertThat(fast).hasSameSizeAs(slow).isNotEqualTo(sample);
            for (int i = 0; i < fast.length; i++) {
                assertThat(fast[i]).as("value %d", i).isCloseTo(slow[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void demoVocabularyIsTheSmallSyntheticOne() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.demo());
        assertThat(Files.size(dir.resolve("tokenizer/vocab.json"))).isLessThan(100_000L);
        assertThat(Files.readString(dir.resolve("tokenizer/merges.txt"))).startsWith("#version: 0.2\n");
    }
}
