package dev.imagine.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's error texts are sorted into the kinds the engine explains to users. */
class GraphTranslateTest {

    private static InferenceException translate(String message, boolean gpu) {
        return Graph.translate(new OrtException(OrtException.OrtErrorCode.ORT_FAIL, message), "running unet", gpu);
    }

    @Test
    void outOfMemoryInItsUsualSpellings() {
        for (String message : new String[] {
            "CUDA failure 2: out of memory ; GPU=0 ; hostname=x ; file=cuda_allocator.cc",
            "Failed to allocate memory for requested buffer of size 1073741824",
            "/onnxruntime/core/framework/bfc_arena.cc:376 BFCArena::AllocateRawInternal Failed to allocate memory",
            "std::bad_alloc"}) {
            InferenceException e = translate(message, true);
            assertThat(e.kind()).as(message).isEqualTo(InferenceException.Kind.OUT_OF_MEMORY);
            assertThat(e.getMessage()).isEqualTo("GPU out of memory while running unet");
        }
        assertThat(translate("std::bad_alloc", false).getMessage()).isEqualTo("host out of memory while running unet");
    }

    @Test
    void aMissingKernelIsAnUnsupportedOperator() {
        InferenceException e = Graph.translate(new OrtException(OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED,
                "Could not find an implementation for Conv(11) node with name '/conv_in/Conv'\nmore detail"),
                "loading unet", false);
        assertThat(e.kind()).isEqualTo(InferenceException.Kind.UNSUPPORTED_OPERATOR);
        assertThat(e.getMessage()).isEqualTo("loading unet failed: ONNX Runtime's CPU provider cannot run this graph "
                + "(Could not find an implementation for Conv(11) node with name '/conv_in/Conv')");
    }

    @Test
    void damagedFilesAndEverythingElse() {
        assertThat(translate("Load model from unet/model.onnx failed: Protobuf parsing failed.", false).kind())
                .isEqualTo(InferenceException.Kind.INVALID_MODEL);
        InferenceException other = translate("Non-zero status code returned while running Add node", false);
        assertThat(other.kind()).isEqualTo(InferenceException.Kind.RUNTIME);
        assertThat(translate("x".repeat(1000), false).getMessage()).hasSizeLessThan(450).endsWith("...");
    }
}
