package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.onnx.InferenceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The sentences users read when ONNX Runtime fails while loading a model or running a job. */
class EngineErrorsTest {

    @Test
    void anOperatorTheCpuCannotRunSuggestsFp32OrCuda() {
        EngineException e = EngineErrors.loading(InferenceException.Kind.UNSUPPORTED_OPERATOR,
                "loading unet failed: ONNX Runtime's CPU provider cannot run this graph (Could not find an "
                        + "implementation for Conv(11) node)", Path.of("models/sd15-fp16"), false, null);
        assertThat(e.reason()).isEqualTo(EngineException.Reason.UNSUPPORTED_MODEL);
        assertThat(e.getMessage()).isEqualTo("this model cannot run on the CPU, probably because it is a float16 (fp16) "
                + "export: use an fp32 export or run on a CUDA GPU (device cuda). loading unet failed: ONNX Runtime's "
                + "CPU provider cannot run this graph (Could not find an implementation for Conv(11) node)");
        assertThat(EngineErrors.loading(InferenceException.Kind.UNSUPPORTED_OPERATOR, "x", Path.of("m"), true, null)
                .getMessage()).isEqualTo("x");
    }

    @Test
    void outOfMemoryDuringAJobNamesTheSizeAndCount() {
        GenerationRequest job = GenerationRequest.builder("a").size(512, 768).count(2).build();
        EngineException gpu = EngineErrors.running(InferenceException.Kind.OUT_OF_MEMORY, "GPU out of memory", job,
                true, null);
        assertThat(gpu.reason()).isEqualTo(EngineException.Reason.OUT_OF_MEMORY);
        assertThat(gpu.getMessage()).isEqualTo("GPU out of memory at 512x768 with 2 images; try a smaller size or fewer "
                + "images");
        GenerationRequest upscaled = GenerationRequest.builder("a").size(512, 512).upscale(2.0).build();
        assertThat(EngineErrors.running(InferenceException.Kind.OUT_OF_MEMORY, "", upscaled, false, null).getMessage())
                .isEqualTo("Host out of memory at 1024x1024 with 1 image; try a smaller size or fewer images");
    }

    @Test
    void otherFailuresKeepOnnxRuntimesFirstLine() {
        GenerationRequest job = GenerationRequest.builder("a").size(512, 512).build();
        assertThat(EngineErrors.running(InferenceException.Kind.RUNTIME, "running unet failed: status 6", job, true,
                null).getMessage()).isEqualTo("the engine failed: running unet failed: status 6");
        assertThat(EngineErrors.loading(InferenceException.Kind.OUT_OF_MEMORY, "", Path.of("sd"), true, null)
                .getMessage()).isEqualTo("GPU out of memory while loading sd; free memory, use an fp16 export or set a "
                + "smaller engine.cuda.memory-limit");
    }
}
