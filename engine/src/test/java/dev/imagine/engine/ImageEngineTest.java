package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.imagine.engine.image.PngCodec;
import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.awt.image.BufferedImage;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The whole pipeline on generated SD-layout models: real ONNX Runtime sessions, real samplers, real noise. */
class ImageEngineTest {
    private static ImageEngine engine;

    @BeforeAll
    static void openTinyModel() {
        engine = TestModels.open(TinyModelSpec.tiny());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest.Builder small(String prompt) {
        return GenerationRequest.builder(prompt).size(96, 64).steps(4).seed(42L);
    }

    static Stream<TinyModelSpec> exportVariants() {
        TinyModelSpec tiny = TinyModelSpec.tiny();
        return Stream.of(
                tiny,
                tiny.toBuilder().idsType(TinyModelSpec.IdsType.INT64).build(),
                tiny.toBuilder().timestep(TinyModelSpec.Timestep.FLOAT32_1).build(),
                tiny.toBuilder().timestep(TinyModelSpec.Timestep.INT64_BATCH).build(),
                tiny.toBuilder().timestep(TinyModelSpec.Timestep.FLOAT32_SCALAR).build(),
                tiny.toBuilder().precision(TinyModelSpec.Precision.FP16).timestep(TinyModelSpec.Timestep.FLOAT16_1).build(),
                tiny.toBuilder().precision(TinyModelSpec.Precision.FP16).build(),
                tiny.toBuilder().externalWeights(TinyModelSpec.ExternalWeights.WEIGHTS_PB).build(),
                tiny.toBuilder().externalWeights(TinyModelSpec.ExternalWeights.ONNX_DATA).build(),
                tiny.toBuilder().unetBatchFixedToOne(true).build(),
                tiny.toBuilder().textEncoderBatchFixedToOne(true).build(),
                tiny.toBuilder().vaeEncoder(TinyModelSpec.VaeEncoder.LATENT_PARAMETERS).build(),
                tiny.toBuilder().hiddenSize(768).scalingFactor(0.13025).build(),
                tiny.toBuilder().hiddenSize(1024).padToken(TinyModelSpec.PadToken.EXCLAMATION).build());
    }

    @ParameterizedTest
    @MethodSource("exportVariants")
    void everyExportVariantLoadsAndGeneratesBothWays(TinyModelSpec spec) {
        try (ImageEngine variant = TestModels.open(spec)) {
            GenerationResult text = variant.generate(small("a red fox in the snow").build());
            BufferedImage image = text.images().get(0).image();
            assertThat(image.getWidth()).isEqualTo(96);
            assertThat(image.getHeight()).isEqualTo(64);
            assertThat(distinctColours(image)).isGreaterThan(10);

            GenerationResult fromImage = variant.generate(small("a red fox in the snow").width(null).height(null)
                    .initImage(gradient(123, 77)).strength(0.6).build());
            assertThat(fromImage.request().width()).isEqualTo(120);
            assertThat(fromImage.request().height()).isEqualTo(72);
            assertThat(distinctColours(fromImage.images().get(0).image())).isGreaterThan(10);
        }
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDiffers() {
        byte[] first = engine.generate(small("a lighthouse").build()).images().get(0).png();
        byte[] again = engine.generate(small("a lighthouse").build()).images().get(0).png();
        byte[] other = engine.generate(small("a lighthouse").seed(43L).build()).images().get(0).png();
        assertThat(pixelHash(engine.generate(small("a lighthouse").seed(43L).build()).images().get(0).image()))
                .isNotEqualTo(pixelHash(engine.generate(small("a lighthouse").build()).images().get(0).image()));
        assertThat(sha256(again)).isEqualTo(sha256(first));
        assertThat(sha256(other)).isNotEqualTo(sha256(first));
    }

    @ParameterizedTest
    @EnumSource(SamplerKind.class)
    void batchOneUnetGivesTheSameImageInTwoCallsPerStep(SamplerKind sampler) {
        try (ImageEngine batchOne = TestModels.open(TinyModelSpec.tiny().toBuilder().unetBatchFixedToOne(true).build())) {
            GenerationRequest request = small("a castle on a hill").sampler(sampler).build();
            GenerationResult batched = engine.generate(request);
            GenerationResult split = batchOne.generate(request);
            assertThat(pixelHash(split.images().get(0).image())).isEqualTo(pixelHash(batched.images().get(0).image()));
            assertThat(batched.timings().unetCalls()).isEqualTo(batched.timings().steps());
            assertThat(split.timings().unetCalls()).isEqualTo(2 * split.timings().steps());
        }
    }

    @Test
    void aFullSizeUnetOnTheCpuRunsEachRowInACallOfItsOwnAndGivesTheSameImages(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("model");
        TinyModelWriter.write(folder, TinyModelSpec.tiny());
        // A sparse file: the UNet's folder counts as full-size (a GiB of weights) without taking the disk space.
        try (RandomAccessFile padding = new RandomAccessFile(folder.resolve("unet/padding.bin").toFile(), "rw")) {
            padding.setLength(1L << 30);
        }
        try (ImageEngine full = ImageEngine.open(folder, new EngineOptions(ExecutionDevice.cpu(), 1, 1, null))) {
            for (SamplerKind sampler : List.of(SamplerKind.EULER_ANCESTRAL, SamplerKind.DPMPP_2M)) {
                GenerationRequest request = small("two boats").sampler(sampler).count(2).build();
                GenerationResult batched = engine.generate(request);
                GenerationResult rowByRow = full.generate(request);
                assertThat(batched.timings().unetCalls()).isEqualTo(batched.timings().steps());
                assertThat(rowByRow.timings().unetCalls()).as("4 rows: 2 images, each with and without the prompt")
                        .isEqualTo(4 * rowByRow.timings().steps());
                for (int i = 0; i < 2; i++) {
                    assertThat(pixelHash(rowByRow.images().get(i).image())).as("%s image %d", sampler, i)
                            .isEqualTo(pixelHash(batched.images().get(i).image()));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SamplerKind.class)
    void imageIOfABatchEqualsSeedPlusIAlone(SamplerKind sampler) {
        GenerationResult batch = engine.generate(small("three ships").sampler(sampler).seed(1000L).count(4).build());
        assertThat(batch.images()).extracting(GeneratedImage::seed).containsExactly(1000L, 1001L, 1002L, 1003L);
        for (int i = 0; i < 4; i++) {
            GenerationResult alone = engine.generate(small("three ships").sampler(sampler).seed(1000L + i).build());
            assertThat(sha256(batch.images().get(i).png())).as("image %d", i).isEqualTo(sha256(alone.images().get(0).png()));
        }
    }

    @Test
    void guidanceAtOrBelowOneSkipsTheUnconditionalHalf() {
        try (ImageEngine batchOne = TestModels.open(TinyModelSpec.tiny().toBuilder().unetBatchFixedToOne(true).build())) {
            GenerationResult unguided = batchOne.generate(small("a tree").sampler(SamplerKind.DDIM).guidance(1.0).build());
            GenerationResult guided = batchOne.generate(small("a tree").sampler(SamplerKind.DDIM).guidance(7.5).build());
            assertThat(unguided.timings().unetCalls()).isEqualTo(4);
            assertThat(guided.timings().unetCalls()).isEqualTo(8);
            assertThat(pixelHash(unguided.images().get(0).image())).isNotEqualTo(pixelHash(guided.images().get(0).image()));
        }
    }

    @Test
    void negativePromptChangesTheImageUnderGuidance() {
        String plain = pixelHash(engine.generate(small("a portrait").build()).images().get(0).image());
        String negative = pixelHash(engine.generate(small("a portrait").negativePrompt("blurry, low quality").build())
                .images().get(0).image());
        assertThat(negative).isNotEqualTo(plain);
    }

    @Test
    void img2imgAtFullStrengthRunsEveryStepAndLowerStrengthFewer() {
        List<Progress> full = new ArrayList<>();
        engine.generate(small("x").width(null).height(null).sampler(SamplerKind.DDIM).steps(10)
                .initImage(gradient(64, 64)).strength(1.0).build(), full::add, new CancellationToken());
        assertThat(full).hasSize(10);
        assertThat(full.get(9).totalSteps()).isEqualTo(10);

        List<Progress> partial = new ArrayList<>();
        engine.generate(small("x").width(null).height(null).sampler(SamplerKind.DDIM).steps(10)
                .initImage(gradient(64, 64)).strength(0.3).build(), partial::add, new CancellationToken());
        assertThat(partial).hasSize(3);
    }

    @Test
    void img2imgAtLowStrengthStaysCloseToTheInitImage() {
        BufferedImage init = gradient(128, 96);
        double low = meanAbsoluteDifference(init, engine.generate(GenerationRequest.builder("a field").seed(7L)
                .steps(20).sampler(SamplerKind.DDIM).initImage(init).strength(0.2).build()).images().get(0).image());
        double high = meanAbsoluteDifference(init, engine.generate(GenerationRequest.builder("a field").seed(7L)
                .steps(20).sampler(SamplerKind.DDIM).initImage(init).strength(1.0).build()).images().get(0).image());
        double text = meanAbsoluteDifference(init, engine.generate(GenerationRequest.builder("a field").seed(7L)
                .steps(20).sampler(SamplerKind.DDIM).size(128, 96).build()).images().get(0).image());
        assertThat(low).isLessThan(20.0);
        assertThat(low).isLessThan(high / 2);
        assertThat(low).isLessThan(text / 2);
    }

    @Test
    void progressSeesEveryStepAndCancellationStopsBetweenSteps() {
        List<Progress> seen = new ArrayList<>();
        engine.generate(small("a bridge").steps(6).sampler(SamplerKind.EULER).build(), seen::add, new CancellationToken());
        assertThat(seen).extracting(Progress::step).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(seen).allMatch(p -> p.totalSteps() == 6);

        CancellationToken token = new CancellationToken();
        List<Progress> beforeCancel = new ArrayList<>();
        assertThatThrownBy(() -> engine.generate(small("a bridge").steps(6).build(), p -> {
            beforeCancel.add(p);
            if (p.step() == 2) {
                token.cancel("stopped by the test");
            }
        }, token)).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.reason()).isEqualTo(EngineException.Reason.CANCELLED);
            assertThat(e.getMessage()).isEqualTo("stopped by the test");
        });
        assertThat(beforeCancel).hasSize(2);
    }

    @Test
    void aFailingProgressListenerDoesNotStopTheJob() {
        Logger pipelineLog = (Logger) LoggerFactory.getLogger(DiffusionPipeline.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        pipelineLog.addAppender(lines);
        GenerationResult result;
        try {
            result = engine.generate(small("a bridge").build(), p -> {
                throw new IllegalStateException("listener bug");
            }, new CancellationToken());
        } finally {
            pipelineLog.detachAppender(lines);
        }
        assertThat(result.images()).hasSize(1);
        assertThat(lines.list).isNotEmpty().allSatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).isEqualTo("A progress listener failed; generation goes on");
            assertThat(line.getThrowableProxy().getMessage()).isEqualTo("listener bug");
        });
    }

    @Test
    void longPlainPromptStillGeneratesAndReportsTheCutWords() {
        String longPrompt = "a very detailed painting of a quiet harbour town ".repeat(12) + "with a purple elephant";
        GenerationResult result = engine.generate(small(longPrompt).promptSyntax(PromptSyntax.PLAIN).build());
        assertThat(result.images()).hasSize(1);
        assertThat(result.truncatedPrompt()).endsWith("purple elephant");
        assertThat(result.truncated()).isTrue();
        assertThat(engine.generate(small("short").build()).truncated()).isFalse();
    }

    @Test
    void defaultsAreFilledInSoTheResultRerunsExactly() {
        GenerationResult first = engine.generate(GenerationRequest.builder("an owl").size(64, 64).steps(3).build());
        GenerationRequest resolved = first.request();
        assertThat(resolved.seed()).isNotNull().isBetween(0L, GenerationRequest.MAX_SEED);
        assertThat(resolved.sampler()).isEqualTo(SamplerKind.PNDM);
        assertThat(resolved.guidance()).isEqualTo(7.5);
        GenerationResult rerun = engine.generate(resolved);
        assertThat(sha256(rerun.images().get(0).png())).isEqualTo(sha256(first.images().get(0).png()));
    }

    @Test
    void pngCarriesAutomatic1111Parameters() {
        GenerationResult result = engine.generate(small("a cat, sitting").negativePrompt("dog").sampler(SamplerKind.EULER_ANCESTRAL).build());
        String parameters = PngCodec.readPngText(result.images().get(0).png()).get("parameters");
        assertThat(parameters).startsWith("a cat, sitting\nNegative prompt: dog\n")
                .contains("Steps: 4, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 96x64, Model: ");
    }

    @Test
    void modelInfoDescribesTheFolder() {
        ModelInfo info = engine.model();
        assertThat(info.hiddenSize()).isEqualTo(32);
        assertThat(info.idsType()).isEqualTo("int32");
        assertThat(info.defaultSampler()).isEqualTo(SamplerKind.PNDM);
        assertThat(info.defaultWidth()).isEqualTo(512);
        assertThat(info.imageToImage()).isTrue();
        assertThat(info.device()).isEqualTo("CPU");
        assertThat(info.fingerprint()).hasSize(16);
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pixelHash(BufferedImage image) {
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(rgb.length * 4);
        bytes.asIntBuffer().put(rgb);
        return image.getWidth() + "x" + image.getHeight() + ":" + sha256(bytes.array());
    }

    static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 255 * x / (width - 1);
                int g = 255 * y / (height - 1);
                int b = 128;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    static int distinctColours(BufferedImage image) {
        return (int) java.util.Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0,
                image.getWidth())).distinct().count();
    }

    static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
