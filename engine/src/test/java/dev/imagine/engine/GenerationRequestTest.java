package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every limit of a request, with the message a chat user sees. */
class GenerationRequestTest {

    static Stream<Arguments> invalidRequests() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        return Stream.of(
                bad(b -> b.width(500), "width must be a multiple of 8 between 64 and 2048, got 500"),
                bad(b -> b.width(56), "width must be a multiple of 8 between 64 and 2048, got 56"),
                bad(b -> b.width(2056), "width must be a multiple of 8 between 64 and 2048, got 2056"),
                bad(b -> b.height(30), "height must be a multiple of 8 between 64 and 2048, got 30"),
                bad(b -> b.height(4096), "height must be a multiple of 8 between 64 and 2048, got 4096"),
                bad(b -> b.steps(0), "steps must be between 1 and 150, got 0"),
                bad(b -> b.steps(151), "steps must be between 1 and 150, got 151"),
                bad(b -> b.guidance(-0.5), "guidance must be between 0 and 30, got -0.5"),
                bad(b -> b.guidance(30.5), "guidance must be between 0 and 30, got 30.5"),
                bad(b -> b.guidance(Double.NaN), "guidance must be between 0 and 30, got NaN"),
                bad(b -> b.count(0), "count must be between 1 and 8, got 0"),
                bad(b -> b.count(9), "count must be between 1 and 8, got 9"),
                bad(b -> b.seed(-1L), "seed must be between 0 and 4294967295, got -1"),
                bad(b -> b.seed(4_294_967_296L), "seed must be between 0 and 4294967295, got 4294967296"),
                bad(b -> b.seed(4_294_967_295L).count(2), "goes past 4294967295"),
                bad(b -> b.initImage(image).strength(1.5), "strength must be between 0 and 1, got 1.5"),
                bad(b -> b.initImage(image).strength(-0.1), "strength must be between 0 and 1, got -0.1"),
                bad(b -> b.strength(0.5), "strength applies only to image-to-image"),
                bad(b -> b.prompt(null), "a prompt is required"),
                bad(b -> b.prompt("x".repeat(4001)), "the prompt is 4001 characters long; the limit is 4000"),
                bad(b -> b.negativePrompt("x".repeat(4001)), "the negative prompt is 4001 characters long"),
                bad(b -> b.subseed(-5L), "subseed must be between 0 and 4294967295, got -5"),
                bad(b -> b.subseedStrength(1.5), "subseed strength must be between 0 and 1, got 1.5"),
                bad(b -> b.upscale(1.2), "upscale must be between 1.5 and 4, got 1.2"),
                bad(b -> b.upscale(4.5), "upscale must be between 1.5 and 4, got 4.5"),
                bad(b -> b.upscale(2.0).hiresStrength(2.0), "hires strength must be between 0 and 1, got 2.0"),
                bad(b -> b.hiresStrength(0.3), "hires strength applies only with upscale"));
    }

    private static Arguments bad(UnaryOperator<GenerationRequest.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void outOfRangeParametersAreRefusedWithTheirRange(UnaryOperator<GenerationRequest.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(GenerationRequest.builder("a cat")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void limitsThemselvesAreAccepted() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        GenerationRequest request = GenerationRequest.builder("x".repeat(4000)).size(2048, 64).steps(150)
                .guidance(30.0).count(8).seed(4_294_967_287L).initImage(image).strength(0.0).build();
        assertThat(request.count()).isEqualTo(8);
        assertThat(GenerationRequest.builder("").size(64, 2048).steps(1).guidance(0.0).seed(0L).build().prompt()).isEmpty();
    }

    @Test
    void upscaledSizeIsSnappedToEight() {
        GenerationRequest request = GenerationRequest.builder("a").size(512, 320).upscale(1.5).build();
        assertThat(request.outputWidth()).isEqualTo(768);
        assertThat(request.outputHeight()).isEqualTo(480);
        GenerationRequest odd = GenerationRequest.builder("a").size(72, 64).upscale(1.7).build();
        assertThat(odd.outputWidth()).isEqualTo(120);
        assertThat(odd.outputHeight()).isEqualTo(104);
    }

    @Test
    void nullNegativePromptMeansNone() {
        assertThat(GenerationRequest.builder("a").negativePrompt(null).build().negativePrompt()).isEmpty();
    }

    @Test
    void samplerNamesAndAliasesParse() {
        assertThat(SamplerKind.parse("PLMS")).isEqualTo(SamplerKind.PNDM);
        assertThat(SamplerKind.parse(" euler-a ")).isEqualTo(SamplerKind.EULER_ANCESTRAL);
        assertThat(SamplerKind.parse("euler_a")).isEqualTo(SamplerKind.EULER_ANCESTRAL);
        assertThatThrownBy(() -> SamplerKind.parse("heun"))
                .hasMessage("unknown sampler 'heun'; choose one of ddim, pndm, euler, euler-a, lms, dpmpp-2m, "
                        + "dpmpp-2m-karras, lcm");
    }

    @Test
    void devicesParse() {
        assertThat(ExecutionDevice.parse("cuda:1")).isEqualTo(new ExecutionDevice(ExecutionDevice.Kind.CUDA, 1));
        assertThat(ExecutionDevice.parse("CPU")).isEqualTo(ExecutionDevice.cpu());
        assertThat(ExecutionDevice.parse("auto").toString()).isEqualTo("auto");
        assertThatThrownBy(() -> ExecutionDevice.parse("tpu"))
                .hasMessage("device 'tpu' is not one of cpu, cuda, cuda:N (N = 0, 1, ...) or auto");
        assertThatThrownBy(() -> ExecutionDevice.parse("cuda:x")).hasMessageContaining("cuda:N");
    }
}
