package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.engine.testmodel.Ort.Output;
import dev.imagine.engine.testmodel.TinyModelSpec.ExternalWeights;
import dev.imagine.engine.testmodel.TinyModelSpec.Precision;
import dev.imagine.engine.testmodel.TinyModelSpec.Timestep;
import dev.imagine.engine.testmodel.TinyModelSpec.VaeEncoder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the generated models in ONNX Runtime and checks what a pipeline relies on. */
class TinyModelRunTest {

    private static final int LATENT = 8;
    private static final long[] CAT = Pipeline.prompt(2368, 539, 320, 2368);
    private static final long[] DOG = Pipeline.prompt(1929, 2153);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.imagine.engine.testmodel.Variants#all")
    void everyVariantRunsOneTextToImagePass(String name, TinyModelSpec spec) throws Exception {
        try (Pipeline p = new Pipeline(dir, spec)) {
            int textBatch = spec.textEncoderBatchFixedToOne() ? 1 : 2;
            Output states = textBatch == 1
                    ? p.encodeText(CAT).get("last_hidden_state")
                    : p.encodeText(CAT, DOG).get("last_hidden_state");
            assertThat(states.shape()).containsExactly(textBatch, 77, spec.hiddenSize());
            assertFinite(states.values());

            int batch = spec.unetBatchFixedToOne() ? 1 : 2;
            float[] context = Arrays.copyOf(states.values(), batch * 77 * p.contextWidth());
            if (batch > textBatch) {
                System.arraycopy(states.values(), 0, context, states.values().length, states.values().length);
            }
            float[] sample = Ort.gaussian(new Random(7), batch * 4 * LATENT * LATENT, 1.0);
            Output early = p.predict(sample, batch, LATENT, LATENT, filled(batch, 981), context);
            Output late = p.predict(sample, batch, LATENT, LATENT, filled(batch, 21), context);
            assertThat(early.shape()).containsExactly(batch, 4, LATENT, LATENT);
            assertFinite(early.values());
            assertThat(maxAbsDifference(early.values(), late.values())).as("timestep changes the output").isGreaterThan(1e-3);

            Output image = p.decode(early.values(), batch, LATENT, LATENT);
            assertThat(image.shape()).containsExactly(batch, 3, 8 * LATENT, 8 * LATENT);
            assertFinite(image.values());

            if (p.encoder != null) {
                Output latents = p.encode(image.values(), batch, 8 * LATENT, 8 * LATENT);
                int channels = spec.vaeEncoder() == VaeEncoder.LATENT_PARAMETERS ? 8 : 4;
                assertThat(latents.shape()).containsExactly(batch, channels, LATENT, LATENT);
                assertFinite(latents.values());
            }
        }
    }

    @Test
    void unetOutputDependsOnSampleTimestepAndText() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            float[] cat = p.encodeText(CAT).get("last_hidden_state").values();
            float[] dog = p.encodeText(DOG).get("last_hidden_state").values();
            float[] sample = Ort.gaussian(new Random(1), 4 * LATENT * LATENT, 1.0);
            float[] otherSample = Ort.gaussian(new Random(2), 4 * LATENT * LATENT, 1.0);
            float[] t = {500};

            float[] base = p.predict(sample, 1, LATENT, LATENT, t, cat).values();
            float[] newSample = p.predict(otherSample, 1, LATENT, LATENT, t, cat).values();
            float[] newTime = p.predict(sample, 1, LATENT, LATENT, new float[] {100}, cat).values();
            float[] newText = p.predict(sample, 1, LATENT, LATENT, t, dog).values();

            assertThat(maxAbsDifference(base, newSample)).isGreaterThan(0.1);
            assertThat(maxAbsDifference(base, newTime)).isGreaterThan(1e-3);
            assertThat(maxAbsDifference(base, newText)).isGreaterThan(1e-3);
        }
    }

    @Test
    void sdxlUnetOutputDependsOnTextEmbedsAndEveryTimeId() throws Exception {
        TinyModelSpec spec = TinyModelSpec.sdxl();
        try (Pipeline p = new Pipeline(dir, spec)) {
            int width = p.contextWidth();
            float[] states = Ort.gaussian(new Random(4), 77 * width, 0.5);
            float[] sample = Ort.gaussian(new Random(5), 4 * LATENT * LATENT, 1.0);
            float[] pooled = Ort.gaussian(new Random(6), spec.secondHiddenSize(), 1.0);
            float[] ids = {1024, 1024, 0, 0, 1024, 1024};
            float[] t = {500};
            float[] base = p.predictSdxl(sample, 1, LATENT, LATENT, t, states, pooled, ids).values();
            float[] otherPooled = p.predictSdxl(sample, 1, LATENT, LATENT, t, states,
                    Ort.gaussian(new Random(7), spec.secondHiddenSize(), 1.0), ids).values();
            assertThat(maxAbsDifference(base, otherPooled)).as("text_embeds").isGreaterThan(1e-3);
            for (int k = 0; k < 6; k++) {
                float[] changed = ids.clone();
                changed[k] += 64;
                float[] out = p.predictSdxl(sample, 1, LATENT, LATENT, t, states, pooled, changed).values();
                assertThat(maxAbsDifference(base, out)).as("time id %d", k).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void sdxlEncodersGiveDistinctPenultimateAndLastStates() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.sdxl())) {
            var first = p.encodeText(CAT);
            assertThat(first.keySet()).contains("hidden_states.0", "hidden_states.1", "hidden_states.2",
                    "pooler_output").doesNotContain("hidden_states.3");
            assertThat(maxAbsDifference(first.get("hidden_states.1").values(), first.get("hidden_states.2").values()))
                    .isGreaterThan(1e-3);
            assertThat(maxAbsDifference(first.get("hidden_states.2").values(),
                    first.get("last_hidden_state").values())).isGreaterThan(1e-3);
        }
    }

    @ParameterizedTest
    @EnumSource(Timestep.class)
    void unetBatchRowsAreComputedIndependently(Timestep form) throws Exception {
        assertRowsIndependent(TinyModelSpec.tiny().toBuilder().timestep(form).unetLayers(2).build(), form);
    }

    @Test
    void unetBatchRowsAreIndependentInFp16() throws Exception {
        assertRowsIndependent(TinyModelSpec.tiny().toBuilder().precision(Precision.FP16).build(), Timestep.FLOAT32_BATCH);
    }

    private void assertRowsIndependent(TinyModelSpec spec, Timestep form) throws Exception {
        try (Pipeline p = new Pipeline(dir, spec)) {
            float[] states = p.encodeText(CAT, DOG).get("last_hidden_state").values();
            int rowSize = 4 * LATENT * LATENT;
            float[] sample = Ort.gaussian(new Random(3), 2 * rowSize, 1.0);
            boolean perRow = form == Timestep.FLOAT32_BATCH || form == Timestep.INT64_BATCH;
            float[] timesteps = perRow ? new float[] {801, 41} : new float[] {801};

            float[] both = p.predict(sample, 2, LATENT, LATENT, timesteps, states).values();
            int stateRow = 77 * spec.hiddenSize();
            float[] first = p.predict(Arrays.copyOf(sample, rowSize), 1, LATENT, LATENT, new float[] {801},
                    Arrays.copyOf(states, stateRow)).values();
            assertThat(Arrays.copyOf(both, rowSize)).containsExactly(first);

            float second0 = perRow ? 41 : 801;
            float[] second = p.predict(Arrays.copyOfRange(sample, rowSize, 2 * rowSize), 1, LATENT, LATENT,
                    new float[] {second0}, Arrays.copyOfRange(states, stateRow, 2 * stateRow)).values();
            assertThat(Arrays.copyOfRange(both, rowSize, 2 * rowSize)).containsExactly(second);
        }
    }

    @Test
    void textEncoderRowsAreIndependentAndEveryPositionSeesThePrompt() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            Output both = p.encodeText(CAT, DOG).get("last_hidden_state");
            Output cat = p.encodeText(CAT).get("last_hidden_state");
            Output dog = p.encodeText(DOG).get("last_hidden_state");
            int row = 77 * 32;
            assertThat(Arrays.copyOf(both.values(), row)).containsExactly(cat.values());
            assertThat(Arrays.copyOfRange(both.values(), row, 2 * row)).containsExactly(dog.values());

            int padPosition = 60 * 32;
            assertThat(maxAbsDifference(Arrays.copyOfRange(cat.values(), padPosition, padPosition + 32),
                    Arrays.copyOfRange(dog.values(), padPosition, padPosition + 32)))
                    .as("a padding position differs between prompts").isGreaterThan(1e-3);
            float[] catPooled = p.encodeText(CAT).get("pooler_output").values();
            float[] dogPooled = p.encodeText(DOG).get("pooler_output").values();
            assertThat(maxAbsDifference(catPooled, dogPooled)).isGreaterThan(1e-3);
        }
    }

    @Test
    void unetStaysFiniteAndBoundedForLargeInputs() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny().toBuilder().unetLayers(3).build())) {
            Random random = new Random(5);
            int row = 4 * 16 * 16;
            float[] sample = new float[2 * row];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = (float) ((random.nextDouble() * 2 - 1) * 15);
            }
            float[] states = Ort.gaussian(random, 2 * 77 * 32, 15);
            float[] out = p.predict(sample, 2, 16, 16, new float[] {999, 0}, states).values();
            assertFinite(out);
            // |out| <= (g_blurred(t) + 2 * g_detail(t)) * max|sample| + 0.06, gains from the SD1 schedule
            // (python3, see unetScalesBlurredAndDetailParts): t=999: 0.7292 + 2 * 1.0023; t=0: 0.0004 + 2 * 2.6892.
            for (int i = 0; i < out.length; i++) {
                double bound = i < row ? (0.7292 + 2 * 1.0023) * 15 + 0.061 : (0.0004 + 2 * 2.6892) * 15 + 0.061;
                assertThat(Math.abs(out[i])).isLessThanOrEqualTo((float) bound);
            }
        }
    }

    /**
     * Expected gains from a python3 one-off over the SD1 schedule (betas = linspace(sqrt(0.00085),
     * sqrt(0.012), 1000)^2, alphaBar = cumprod(1 - betas), s1 = sqrt(1 - alphaBar)): blurred part
     * {@code s1 / (80 alphaBar + s1^2)}, detail part {@code s1 / (0.01 alphaBar + s1^2)}; at t=999 they are
     * 0.72921 and 1.00229, at t=0 0.00036 and 2.68918. The random convolutions add at most 0.06.
     */
    @Test
    void unetScalesBlurredAndDetailPartsByTheScheduleGains() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            int size = 24;
            int plane = size * size;
            float[] states = p.encodeText(CAT).get("last_hidden_state").values();

            float[] constant = new float[4 * plane];
            Arrays.fill(constant, 2f);
            float[] flat = p.predict(constant, 1, size, size, new float[] {999}, states).values();
            for (float value : flat) {
                assertThat(value).isCloseTo(0.72921f * 2, within(0.061f));
            }

            float[] checkerboard = new float[4 * plane];
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        checkerboard[c * plane + y * size + x] = (x + y) % 2 == 0 ? 1f : -1f;
                    }
                }
            }
            float[] detailed = p.predict(checkerboard, 1, size, size, new float[] {0}, states).values();
            // Far enough from the border (blur radius 7) the Gaussian blur of a checkerboard is about 0.
            for (int c = 0; c < 4; c++) {
                for (int y = 8; y < size - 8; y++) {
                    for (int x = 8; x < size - 8; x++) {
                        int i = c * plane + y * size + x;
                        assertThat(detailed[i]).isCloseTo(2.68918f * checkerboard[i], within(0.062f));
                    }
                }
            }
        }
    }

    /**
     * What keeps image-to-image close to its init image: for a flat latent noised to t=151 the denoised
     * estimate {@code (x - s1 * eps) / s0} is much closer to the latent than the noised input is.
     * alphaBar(151) = 0.826399 (python3 over the SD1 schedule, see unetScalesBlurredAndDetailParts).
     */
    @Test
    void unetRemovesMostNoiseFromANoisedFlatLatent() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            int size = 16;
            int plane = size * size;
            float[] level = {0.8f, -0.5f, 0.3f, 0.1f};
            double s0 = Math.sqrt(0.826399);
            double s1 = Math.sqrt(1 - 0.826399);
            Random random = new Random(8);
            float[] noised = new float[4 * plane];
            for (int i = 0; i < noised.length; i++) {
                noised[i] = (float) (s0 * level[i / plane] + s1 * random.nextGaussian());
            }
            float[] states = p.encodeText(CAT).get("last_hidden_state").values();
            float[] eps = p.predict(noised, 1, size, size, new float[] {151}, states).values();
            double before = 0;
            double after = 0;
            for (int i = 0; i < noised.length; i++) {
                before += Math.pow(noised[i] / s0 - level[i / plane], 2);
                after += Math.pow((noised[i] - s1 * eps[i]) / s0 - level[i / plane], 2);
            }
            assertThat(Math.sqrt(after / noised.length)).isLessThan(0.3 * Math.sqrt(before / noised.length));
        }
    }

    @Test
    void decoderOfEncoderGivesTheBlockAveragesOfTheImage() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            int size = 32;
            float[] image = new float[3 * size * size];
            Random random = new Random(9);
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) (random.nextDouble() * 2 - 1);
            }
            // A pipeline multiplies encoder output by the scaling factor and divides by it before decoding,
            // so the decoder sees the encoder output unchanged.
            float[] latents = p.encode(image, 1, size, size).values();
            float[] decoded = p.decode(latents, 1, size / 8, size / 8).values();

            float[] expected = blockAverages(image, size);
            assertThat(decoded).hasSameSizeAs(image);
            for (int i = 0; i < decoded.length; i++) {
                assertThat(decoded[i]).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    @Test
    void scaledLatentsOfAnImageAreAboutUnitSize() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.tiny())) {
            int size = 64;
            float[] image = smoothImage(size);
            float[] latents = p.encode(image, 1, size, size).values();
            double sumSquares = 0;
            for (float latent : latents) {
                sumSquares += latent * 0.18215 * latent * 0.18215;
            }
            double rms = Math.sqrt(sumSquares / latents.length);
            // SD latents are about N(0, 1) once scaled; a picture spanning most of [-1, 1] should land near 1.
            assertThat(rms).isBetween(0.25, 2.0);
        }
    }

    @Test
    void smoothDecoderRoughlyInvertsTheEncoderOnASmoothImage() throws Exception {
        try (Pipeline p = new Pipeline(dir, TinyModelSpec.demo().toBuilder().hiddenSize(32).unetChannels(4).build())) {
            int size = 64;
            float[] image = smoothImage(size);
            float[] decoded = p.decode(p.encode(image, 1, size, size).values(), 1, size / 8, size / 8).values();
            double meanError = 0;
            for (int i = 0; i < image.length; i++) {
                meanError += Math.abs(decoded[i] - image[i]);
            }
            meanError /= image.length;
            // smoothImage changes by at most 0.07 per pixel; block averaging, bilinear upsampling and a 3x3 blur
            // move a pixel by a few times that at most, and the texture adds at most 0.08 (see VaeGraphs).
            assertThat(meanError).isLessThan(0.12);
        }
    }

    @Test
    void latentParametersAreTheMeanThenAConstantLogVariance() throws Exception {
        int size = 32;
        float[] image = smoothImage(size);
        float[] mean;
        try (Pipeline p = new Pipeline(dir.resolve("sample"), TinyModelSpec.tiny())) {
            mean = p.encode(image, 1, size, size).values();
        }
        TinyModelSpec spec = TinyModelSpec.tiny().toBuilder().vaeEncoder(VaeEncoder.LATENT_PARAMETERS).build();
        try (Pipeline p = new Pipeline(dir.resolve("parameters"), spec)) {
            float[] parameters = p.encode(image, 1, size, size).values();
            int plane = (size / 8) * (size / 8);
            assertThat(Arrays.copyOf(parameters, 4 * plane)).containsExactly(mean);
            for (int i = 4 * plane; i < 8 * plane; i++) {
                assertThat(parameters[i]).isEqualTo(-6f);
            }
        }
    }

    @Test
    void fp16ModelsAgreeWithFp32ModelsOfTheSameSeed() throws Exception {
        float[] sample = Ort.gaussian(new Random(4), 2 * 4 * LATENT * LATENT, 1.0);
        float[] full;
        float[] fullImage;
        try (Pipeline p = new Pipeline(dir.resolve("fp32"), TinyModelSpec.tiny())) {
            float[] states = p.encodeText(CAT, DOG).get("last_hidden_state").values();
            full = p.predict(sample, 2, LATENT, LATENT, new float[] {600, 600}, states).values();
            fullImage = p.decode(full, 2, LATENT, LATENT).values();
        }
        TinyModelSpec spec = TinyModelSpec.tiny().toBuilder().precision(Precision.FP16).build();
        try (Pipeline p = new Pipeline(dir.resolve("fp16"), spec)) {
            float[] states = p.encodeText(CAT, DOG).get("last_hidden_state").values();
            float[] half = p.predict(sample, 2, LATENT, LATENT, new float[] {600, 600}, states).values();
            float[] halfImage = p.decode(half, 2, LATENT, LATENT).values();
            // float16 keeps 11 significant bits (relative error 2^-11 per rounding) on values of order 1.
            assertThat(maxAbsDifference(full, half)).isLessThan(0.02);
            assertThat(maxAbsDifference(fullImage, halfImage)).isLessThan(0.05);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExternalWeights.class, names = {"WEIGHTS_PB", "ONNX_DATA"})
    void externalWeightsGiveTheSameOutputsAsInlineWeights(ExternalWeights form) throws Exception {
        TinyModelSpec inline = TinyModelSpec.tiny().toBuilder().unetChannels(16).build();
        float[] sample = Ort.gaussian(new Random(6), 4 * LATENT * LATENT, 1.0);
        float[] expected;
        float[] states;
        try (Pipeline p = new Pipeline(dir.resolve("inline"), inline)) {
            states = p.encodeText(CAT).get("last_hidden_state").values();
            expected = p.predict(sample, 1, LATENT, LATENT, new float[] {300}, states).values();
        }
        try (Pipeline p = new Pipeline(dir.resolve("external"), inline.toBuilder().externalWeights(form).build())) {
            float[] actual = p.predict(sample, 1, LATENT, LATENT, new float[] {300}, states).values();
            assertThat(actual).containsExactly(expected);
        }
    }

    static float[] smoothImage(int size) {
        float[] image = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (double) x / size;
                double v = (double) y / size;
                image[y * size + x] = (float) (0.8 * Math.sin(2 * Math.PI * u));
                image[size * size + y * size + x] = (float) (0.7 * Math.cos(2 * Math.PI * v));
                image[2 * size * size + y * size + x] = (float) (0.9 * (u - v));
            }
        }
        return image;
    }

    private static float[] blockAverages(float[] image, int size) {
        float[] result = new float[image.length];
        for (int c = 0; c < 3; c++) {
            for (int by = 0; by < size; by += 8) {
                for (int bx = 0; bx < size; bx += 8) {
                    double sum = 0;
                    for (int y = by; y < by + 8; y++) {
                        for (int x = bx; x < bx + 8; x++) {
                            sum += image[c * size * size + y * size + x];
                        }
                    }
                    for (int y = by; y < by + 8; y++) {
                        for (int x = bx; x < bx + 8; x++) {
                            result[c * size * size + y * size + x] = (float) (sum / 64);
                        }
                    }
                }
            }
        }
        return result;
    }

    private static float[] filled(int count, float value) {
        float[] values = new float[count];
        Arrays.fill(values, value);
        return values;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static void assertFinite(float[] values) {
        for (float value : values) {
            assertThat(Float.isFinite(value)).as("finite output").isTrue();
        }
    }
}
