package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which repository files a pull keeps, and what it says about the rest. */
class FileSelectionTest {
    private static final RepoRef REF = RepoRef.parse("owner/sd@onnx");
    private static final String HASH = "a".repeat(64);

    /** The files of an SD 1.5 repository whose revision holds both the ONNX export and PyTorch weights. */
    private static final List<String> MIXED = List.of(".gitattributes", "README.md", "v1-5-pruned.ckpt",
            "model_index.json", "feature_extractor/preprocessor_config.json", "safety_checker/model.onnx",
            "safety_checker/pytorch_model.bin", "scheduler/scheduler_config.json", "text_encoder/model.onnx",
            "text_encoder/pytorch_model.bin", "tokenizer/merges.txt", "tokenizer/special_tokens_map.json",
            "tokenizer/tokenizer_config.json", "tokenizer/vocab.json", "unet/model.onnx", "unet/weights.pb",
            "unet/diffusion_pytorch_model.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors",
            "vae/diffusion_pytorch_model.bin", "vae/config.json", "vae_decoder/model.onnx", "vae_encoder/model.onnx");

    private static List<RemoteFile> files(List<String> paths) {
        return paths.stream().map(p -> new RemoteFile(p, 100, p.endsWith(".json") || p.endsWith(".txt") ? null : HASH,
                null)).toList();
    }

    private static List<RemoteFile> withCore(String... extra) {
        List<String> paths = new ArrayList<>(List.of("model_index.json", "scheduler/scheduler_config.json",
                "tokenizer/vocab.json", "tokenizer/merges.txt", "text_encoder/model.onnx", "vae_decoder/model.onnx"));
        paths.addAll(List.of(extra));
        return files(paths);
    }

    private static Map<String, String> localToRemote(FileSelection.Selection selection) {
        return selection.files().stream().collect(Collectors.toMap(FileSelection.Wanted::localPath,
                w -> w.remote().path()));
    }

    @Test
    void keepsTheOnnxPipelineWithItsSafetyCheckerAndLeavesOutPytorchWeights() {
        FileSelection.Selection selection = FileSelection.select(REF, files(MIXED), null);

        assertThat(selection.files()).extracting(FileSelection.Wanted::localPath).containsExactly(
                "feature_extractor/preprocessor_config.json", "model_index.json", "safety_checker/model.onnx",
                "scheduler/scheduler_config.json", "text_encoder/model.onnx", "tokenizer/merges.txt",
                "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json", "tokenizer/vocab.json",
                "unet/model.onnx", "unet/weights.pb", "vae_decoder/model.onnx", "vae_encoder/model.onnx");
        // Weights in the kept folders or at the top: v1-5-pruned.ckpt, text_encoder/pytorch_model.bin,
        // safety_checker/pytorch_model.bin and both unet safetensors, 5 files of 100 bytes; other folders are named
        // whole (2 files of 100 bytes).
        assertThat(selection.notes()).containsExactly(
                "left out 5 PyTorch/safetensors weight files (500 B): imagine uses the ONNX files",
                "left out vae/ (200 B)");
        assertThat(selection.totalBytes()).isEqualTo(1300);
    }

    @Test
    void withoutTheSafetyCheckerItsFoldersAreLeftOutAndNamed() {
        FileSelection.Selection selection = FileSelection.select(REF, files(MIXED), null, false);

        assertThat(selection.files()).extracting(FileSelection.Wanted::localPath)
                .doesNotContain("safety_checker/model.onnx", "feature_extractor/preprocessor_config.json")
                .contains("unet/model.onnx", "vae_encoder/model.onnx");
        assertThat(selection.notes()).containsExactly(
                "left out 4 PyTorch/safetensors weight files (400 B): imagine uses the ONNX files",
                "left out feature_extractor/ (100 B): --no-safety-checker",
                "left out safety_checker/ (200 B): --no-safety-checker",
                "left out vae/ (200 B)");
        assertThat(selection.totalBytes()).isEqualTo(1100);
    }

    @Test
    void picksTheRequestedPrecisionAndStoresItsGraphAsModelOnnx() {
        List<RemoteFile> repo = withCore("unet/model.onnx", "unet/model.onnx_data", "unet/model_fp16.onnx",
                "unet/model_fp16.onnx_data", "unet/config.json");

        assertThat(localToRemote(FileSelection.select(REF, repo, null))).containsEntry("unet/model.onnx", "unet/model.onnx")
                .containsEntry("unet/model.onnx_data", "unet/model.onnx_data").containsKey("unet/config.json")
                .doesNotContainKey("unet/model_fp16.onnx_data");
        assertThat(FileSelection.select(REF, repo, Precision.FP32).notes())
                .contains("left out other variants: unet/model_fp16.onnx, unet/model_fp16.onnx_data");

        // The graph is renamed; its external data keeps the name the graph refers to.
        Map<String, String> fp16 = localToRemote(FileSelection.select(REF, repo, Precision.FP16));
        assertThat(fp16).containsEntry("unet/model.onnx", "unet/model_fp16.onnx")
                .containsEntry("unet/model_fp16.onnx_data", "unet/model_fp16.onnx_data")
                .containsKey("unet/config.json").doesNotContainKey("unet/model.onnx_data");
    }

    @Test
    void understandsTheDiffusersVariantInfix() {
        List<RemoteFile> repo = withCore("unet/model.onnx", "unet/weights.pb", "unet/model.fp16.onnx");

        assertThat(localToRemote(FileSelection.select(REF, repo, Precision.FP16)))
                .containsEntry("unet/model.onnx", "unet/model.fp16.onnx").containsKey("unet/weights.pb");
        assertThat(FileSelection.tag("model.fp16.onnx")).isEqualTo("fp16");
        assertThat(FileSelection.tag("model_quantized.onnx")).isEqualTo("quantized");
        assertThat(FileSelection.tag("model.onnx")).isNull();
        assertThat(FileSelection.tag("my_model.onnx")).isNull();
    }

    @Test
    void aLoneTaggedGraphIsTakenButSeveralNeedAVariant() {
        assertThat(localToRemote(FileSelection.select(REF, withCore("unet/model_fp16.onnx"), null)))
                .containsEntry("unet/model.onnx", "unet/model_fp16.onnx");

        assertThatThrownBy(() -> FileSelection.select(REF, withCore("unet/model_fp16.onnx", "unet/model_int8.onnx"), null))
                .isInstanceOf(ModelException.class)
                .hasMessage("owner/sd@onnx holds several variants of unet/ (fp16, int8); choose one with --variant fp32 "
                        + "or --variant fp16");
    }

    @Test
    void aRepositoryWithoutOnnxSuggestsTheOnnxRevisionOrAnExport() {
        List<RemoteFile> pytorch = files(List.of("model_index.json", "unet/diffusion_pytorch_model.safetensors",
                "text_encoder/model.safetensors", "tokenizer/vocab.json"));

        assertThatThrownBy(() -> FileSelection.select(RepoRef.parse("owner/sd"), pytorch, null))
                .hasMessage("owner/sd has no ONNX files; it holds 2 PyTorch/safetensors weight files. imagine runs ONNX "
                        + "exports: many Stable Diffusion repositories keep an ONNX export in a revision named onnx: "
                        + "try imagine models pull owner/sd@onnx; or export it yourself with optimum: "
                        + "optimum-cli export onnx --model owner/sd DIR");
        assertThatThrownBy(() -> FileSelection.select(RepoRef.parse("owner/sd@fp16"), pytorch, null))
                .hasMessageContaining("try another revision");
    }

    @Test
    void sdxlFetchesBothEncodersAndTokenizersAndSkipsPyTorchWeights() {
        FileSelection.Selection selection = FileSelection.select(REF, withCore("unet/model.onnx",
                "unet/model.onnx_data", "unet/config.json", "text_encoder_2/model.onnx", "text_encoder_2/model.onnx_data",
                "text_encoder_2/config.json", "tokenizer_2/vocab.json", "tokenizer_2/merges.txt",
                "tokenizer_2/special_tokens_map.json", "tokenizer_2/tokenizer_config.json",
                "text_encoder_2/model.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors"), null);
        assertThat(selection.files()).extracting(FileSelection.Wanted::localPath).contains("text_encoder/model.onnx",
                "text_encoder_2/model.onnx", "text_encoder_2/model.onnx_data", "tokenizer_2/vocab.json",
                "tokenizer_2/merges.txt", "tokenizer_2/special_tokens_map.json", "tokenizer_2/tokenizer_config.json",
                "tokenizer/vocab.json", "unet/model.onnx_data")
                .noneMatch(path -> path.endsWith(".safetensors"));
        assertThat(selection.notes()).anyMatch(note -> note.startsWith("left out 2 PyTorch/safetensors weight files"));
    }

    @Test
    void anSdxlRepositoryWithoutItsSecondEncoderOrFirstEncoderIsRefused() {
        assertThatThrownBy(() -> FileSelection.select(REF, withCore("unet/model.onnx", "tokenizer_2/vocab.json",
                "tokenizer_2/merges.txt"), null))
                .hasMessage("owner/sd@onnx has ONNX files but not a complete Stable Diffusion XL ONNX folder: it lacks "
                        + "text_encoder_2/model.onnx");
        assertThatThrownBy(() -> FileSelection.select(REF, files(List.of("model_index.json",
                "scheduler/scheduler_config.json", "tokenizer_2/vocab.json", "tokenizer_2/merges.txt",
                "text_encoder_2/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx")), null))
                .hasMessageContaining("lacks tokenizer/vocab.json, tokenizer/merges.txt, text_encoder/model.onnx (the "
                        + "SDXL refiner, which has only text_encoder_2, is not supported)");
    }

    @Test
    void incompleteFoldersAreRefusedBeforeDownloading() {

        assertThatThrownBy(() -> FileSelection.select(REF, files(List.of("model_index.json", "unet/model.onnx",
                "text_encoder/model.onnx")), null))
                .hasMessage("owner/sd@onnx has ONNX files but not a complete Stable Diffusion ONNX folder: it lacks "
                        + "scheduler/scheduler_config.json, tokenizer/vocab.json, tokenizer/merges.txt, "
                        + "vae_decoder/model.onnx");
    }

    @Test
    void filesDeeperInsideAComponentAreLeftOut() {
        FileSelection.Selection selection = FileSelection.select(REF, withCore("unet/model.onnx", "unet/old/model.onnx"),
                null);

        assertThat(selection.files()).extracting(FileSelection.Wanted::localPath).doesNotContain("unet/old/model.onnx");
    }
}
