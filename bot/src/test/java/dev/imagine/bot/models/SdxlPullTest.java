package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ModelFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code models pull} of an SDXL repository from a fake hub fetches both text encoders and tokenizers and
 * no PyTorch weights, and {@code models list} and {@code models verify} then see an SDXL model.
 */
class SdxlPullTest {
    @TempDir
    Path dir;

    @Test
    void anSdxlRepositoryIsPulledWithBothEncodersAndTokenizersThenListedAndVerified() throws Exception {
        Path source = dir.resolve("source");
        DemoModel.write(source, ModelFamily.SDXL);
        Path models = Files.createDirectories(dir.resolve("models"));
        ModelStore store = new ModelStore(models);
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo("owner/xl", source);
            hub.putFile("owner/xl", "text_encoder_2/model.safetensors", new byte[64]);
            hub.putFile("owner/xl", "unet/diffusion_pytorch_model.fp16.safetensors", new byte[64]);
            HubSettings settings = HubSettings.resolve(Environment.of(Map.of("HF_ENDPOINT",
                    hub.endpoint().toString())), null, null);
            ModelPuller.create(settings).pull(RepoRef.parse("owner/xl@main"), store.folderFor("xl"), null,
                    PullListener.NONE);
        }
        Path xl = models.resolve("xl");
        for (String part : List.of("text_encoder", "text_encoder_2")) {
            assertThat(xl.resolve(part + "/model.onnx")).as(part).hasSameBinaryContentAs(
                    source.resolve(part + "/model.onnx"));
        }
        for (String part : List.of("tokenizer", "tokenizer_2")) {
            try (var files = Files.list(source.resolve(part))) {
                for (Path file : files.toList()) {
                    assertThat(xl.resolve(part).resolve(file.getFileName())).as(part + "/" + file.getFileName())
                            .hasSameBinaryContentAs(file);
                }
            }
        }
        assertThat(xl.resolve("text_encoder_2/model.safetensors")).doesNotExist();
        assertThat(xl.resolve("unet/diffusion_pytorch_model.fp16.safetensors")).doesNotExist();

        List<LocalModel> listed = store.list();
        assertThat(listed).singleElement().satisfies(model -> {
            assertThat(model.family()).contains(ModelFamily.SDXL);
            assertThat(model.problem()).isEmpty();
        });
        List<String> hashed = new ArrayList<>();
        VerifyReport report = store.verify("xl", hashed::add);
        assertThat(report.problems()).isEmpty();
        assertThat(hashed).contains("text_encoder_2/model.onnx", "tokenizer_2/vocab.json", "tokenizer_2/merges.txt");
        assertThat(report.model()).hasValueSatisfying(info -> assertThat(info.family()).isEqualTo(ModelFamily.SDXL));
    }
}
