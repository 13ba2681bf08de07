package dev.imagine.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A picture decoded for later conversion waits in an output buffer of its own: it must come out with the pixels of
 * an immediate decode however many pictures are decoded after it, on whichever thread converts it, and also when the
 * size changes or the decoder closes while it waits.
 */
class VaeDecoderTest {
    @TempDir
    Path dir;

    static Stream<Arguments> precisions() {
        return Stream.of(Arguments.of(TinyModelSpec.Precision.FP32), Arguments.of(TinyModelSpec.Precision.FP16));
    }

    private VaeDecoder open(TinyModelSpec.Precision precision) throws Exception {
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().precision(precision).build());
        return VaeDecoder.open(new SessionFactory(ExecutionSettings.cpu()), dir.resolve("vae_decoder/model.onnx"));
    }

    private static float[] latents(long seed, int height, int width) {
        Random random = new Random(seed);
        float[] values = new float[4 * height * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @ParameterizedTest
    @MethodSource("precisions")
    void picturesLeftForLaterHaveTheirOwnPixelsWhateverIsDecodedAfterThem(TinyModelSpec.Precision precision)
            throws Exception {
        try (VaeDecoder decoder = open(precision)) {
            int count = VaeDecoder.OUTPUT_BUFFERS + 2;
            int[][] expected = new int[count][];
            for (int i = 0; i < count; i++) {
                expected[i] = pixels(decoder.decode(latents(i, 8, 8), 8, 8));
            }
            assertThat(expected[0]).isNotEqualTo(expected[1]);

            @SuppressWarnings("unchecked")
            Supplier<BufferedImage>[] later = new Supplier[count];
            for (int i = 0; i < count; i++) {
                // past OUTPUT_BUFFERS pictures, each further decode reuses the oldest waiting picture's buffer
                later[i] = decoder.decodeLater(latents(i, 8, 8), 8, 8);
            }
            // the newest ones are converted on another thread, as the engine's PNG encoder does
            for (int i = count - 1; i >= 0; i--) {
                Supplier<BufferedImage> picture = later[i];
                BufferedImage image = CompletableFuture.supplyAsync(picture::get).get();
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(pixels(image)).as("picture %d", i).isEqualTo(expected[i]);
                assertThat(picture.get()).as("converted once").isSameAs(image);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("precisions")
    void aWaitingPictureKeepsItsPixelsWhenTheSizeChangesAndTheDecoderCloses(
            TinyModelSpec.Precision precision) throws Exception {
        int[] small;
        int[] large;
        Supplier<BufferedImage> first;
        Supplier<BufferedImage> second;
        try (VaeDecoder decoder = open(precision)) {
            small = pixels(decoder.decode(latents(7, 8, 8), 8, 8));
            large = pixels(decoder.decode(latents(8, 16, 8), 16, 8));
            first = decoder.decodeLater(latents(7, 8, 8), 8, 8);
            second = decoder.decodeLater(latents(8, 16, 8), 16, 8); // another size: new buffers
        }
        assertThat(pixels(first.get())).isEqualTo(small);
        BufferedImage image = second.get();
        assertThat(image.getHeight()).isEqualTo(128);
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(pixels(image)).isEqualTo(large);
    }
}
