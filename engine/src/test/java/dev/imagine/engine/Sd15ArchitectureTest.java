package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.Sd15Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SD 1.5 structure writer ({@code imagine demo-model --architecture sd15}): a scaled-down variant runs through
 * the real engine; the full size (slow lane: {@code -Dgroups=slow -Dtest=Sd15ArchitectureTest}) has SD 1.5's
 * parameter counts.
 */
class Sd15ArchitectureTest {

    @TempDir
    Path dir;

    @Test
    void scaledDownStructureRunsOneStepThroughTheEngine() throws Exception {
        for (boolean fp16 : new boolean[] {false, true}) {
            Path folder = dir.resolve(fp16 ? "fp16" : "fp32");
            Sd15Writer.Parameters parameters = Sd15Writer.writeScaledDown(folder, fp16);
            assertThat(parameters.unet()).isPositive();
            assertThat(folder.resolve("unet/model.onnx_data")).isNotEmptyFile();
            assertThat(folder.resolve("text_encoder/model.onnx_data")).isNotEmptyFile();
            long weightBytes = Files.size(folder.resolve("unet/model.onnx_data"));
            assertThat(weightBytes).isBetween(parameters.unet() * (fp16 ? 2 : 4) * 9 / 10,
                    parameters.unet() * (fp16 ? 2 : 4));

            try (ImageEngine engine = ImageEngine.open(folder,
                    new EngineOptions(ExecutionDevice.cpu(), 1, 1, null))) {
                GenerationResult result = engine.generate(GenerationRequest.builder("a lighthouse at dusk")
                        .size(64, 64).steps(1).seed(7L).build());
                var image = result.images().get(0).image();
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(image.getHeight()).isEqualTo(64);
                int[] rgb = image.getRGB(0, 0, 64, 64, null, 0, 64);
                assertThat(Arrays.stream(rgb).distinct().count())
                        .as("a random network's picture is not one flat colour").isGreaterThan(1);
            }
        }
    }

    @Test
    @Tag("slow")
    void fullSizeHasStableDiffusion15sParameterCounts() throws Exception {
        Sd15Writer.Parameters parameters = Sd15Writer.writeFullSize(dir, true);
        System.out.println("SD 1.5 structure parameters: " + parameters);
        assertThat(parameters.unet()).isBetween(840_000_000L, 880_000_000L);
        assertThat(parameters.textEncoder()).isBetween(120_000_000L, 126_000_000L);
        assertThat(parameters.vaeDecoder()).isBetween(48_000_000L, 51_000_000L);
        assertThat(parameters.vaeEncoder()).isBetween(33_000_000L, 36_000_000L);
        assertThat(Files.size(dir.resolve("unet/model.onnx_data"))).isBetween(2 * parameters.unet() * 99 / 100,
                2 * parameters.unet());
    }
}
