package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ModelFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving, listing and verifying models in a models directory. */
class ModelStoreTest {
    @TempDir
    Path dir;
    private Path models;
    private ModelStore store;

    @BeforeEach
    void createStore() throws IOException {
        models = dir.resolve("models");
        Files.createDirectories(models);
        store = new ModelStore(models);
    }

    private Path pullTiny() throws Exception {
        Path source = dir.resolve("source");
        DemoModel.writeTiny(source);
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo("owner/tiny", source);
            HubSettings settings = HubSettings.resolve(Environment.of(Map.of("HF_ENDPOINT", hub.endpoint().toString())),
                    null, null);
            ModelPuller.create(settings).pull(RepoRef.parse("owner/tiny@main"), store.folderFor("tiny"), null,
                    PullListener.NONE);
        }
        return models.resolve("tiny");
    }

    @Test
    void aModelArgumentIsAFolderOrAPulledName() throws IOException {
        Path pulled = Files.createDirectories(models.resolve("sd15"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/sd"));

        assertThat(store.resolve("sd15")).isEqualTo(pulled);
        assertThat(store.resolve(elsewhere.toString())).isEqualTo(elsewhere);
        assertThatThrownBy(() -> store.resolve("nothing"))
                .isInstanceOf(ModelException.class)
                .hasMessage("no model 'nothing': it is not a folder here nor a model in " + models
                        + " (none yet: imagine models pull OWNER/NAME)");
        assertThatThrownBy(() -> store.resolve(dir.resolve("missing").toString()))
                .hasMessage("model folder " + dir.resolve("missing") + " does not exist or is not a folder");
        assertThatThrownBy(() -> store.folderFor("../escape")).hasMessageContaining("is not a model name");
    }

    @Test
    void anUnknownNameListsThePulledModels() throws IOException {
        DemoModel.writeTiny(models.resolve("b-model"));
        DemoModel.writeTiny(models.resolve("a-model"));

        assertThatThrownBy(() -> store.resolve("c-model")).hasMessageEndingWith("(there: a-model, b-model)");
    }

    @Test
    void listShowsFamilyPrecisionSizeAndOrigin() throws Exception {
        DemoModel.write(models.resolve("demo"));
        Path tiny = pullTiny();
        Files.createDirectories(models.resolve("not-a-model"));
        Files.writeString(tiny.resolve("unet/model.onnx.part"), "abc");

        List<LocalModel> list = store.list();

        assertThat(list).extracting(LocalModel::name).containsExactly("demo", "tiny");
        LocalModel demo = list.get(0);
        assertThat(demo.family()).contains(ModelFamily.SD1);
        assertThat(demo.hiddenSize()).isEqualTo(768);
        assertThat(demo.precision()).contains(Precision.FP32);
        assertThat(demo.sizeBytes()).isEqualTo(du(models.resolve("demo")));
        assertThat(demo.origin()).isEmpty();
        assertThat(demo.unfinished()).isFalse();
        LocalModel pulled = list.get(1);
        assertThat(pulled.family()).contains(ModelFamily.SD1);
        assertThat(pulled.hiddenSize()).isEqualTo(32);
        assertThat(pulled.origin()).contains("owner/tiny");
        assertThat(pulled.unfinished()).isTrue();
    }

    @Test
    void listUsesTheEnginesFamilyDetection() throws IOException {
        DemoModel.writeTiny(models.resolve("a-v"));
        setSchedulerKey(models.resolve("a-v"), "prediction_type", "v_prediction");
        DemoModel.writeTiny(models.resolve("b-turbo"));
        setSchedulerKey(models.resolve("b-turbo"), "timestep_spacing", "trailing");
        DemoModel.writeTiny(models.resolve("c-flux"));
        Files.writeString(models.resolve("c-flux/model_index.json"), "{\"_class_name\": \"FluxPipeline\"}");
        DemoModel.writeTiny(models.resolve("d-no-tokenizer"));
        Files.delete(models.resolve("d-no-tokenizer/tokenizer/merges.txt"));

        List<LocalModel> list = store.list();

        assertThat(list).extracting(LocalModel::name).containsExactly("a-v", "b-turbo", "c-flux", "d-no-tokenizer");
        assertThat(list.get(0).family()).contains(ModelFamily.SD2_V);
        assertThat(list.get(1).family()).contains(ModelFamily.TURBO);
        assertThat(list.get(2).family()).isEmpty();
        assertThat(list.get(2).problem()).hasValueSatisfying(p -> assertThat(p).contains("FLUX"));
        assertThat(list.get(3).family()).isEmpty();
        assertThat(list.get(3).problem()).hasValueSatisfying(p -> assertThat(p).contains("tokenizer/merges.txt"));
    }

    @Test
    void verifyChecksEveryRecordedFileAndOpensTheEngine() throws Exception {
        Path tiny = pullTiny();
        List<String> hashed = new ArrayList<>();

        VerifyReport report = store.verify("tiny", hashed::add);

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        // DemoModel.writeTiny writes 10 files (see ModelPullerTest), all recorded by the pull.
        assertThat(report.filesChecked()).isEqualTo(10).isEqualTo(hashed.size());
        assertThat(report.origin()).contains("owner/tiny");
        assertThat(report.model()).hasValueSatisfying(info -> assertThat(info.hiddenSize()).isEqualTo(32));

        byte[] vocab = Files.readAllBytes(tiny.resolve("tokenizer/vocab.json"));
        vocab[5] ^= 1;
        Files.write(tiny.resolve("tokenizer/vocab.json"), vocab);
        Files.delete(tiny.resolve("vae_encoder/model.onnx"));
        Files.writeString(tiny.resolve("unet/model.onnx.part"), "x");

        VerifyReport broken = store.verify("tiny", path -> { });

        assertThat(broken.ok()).isFalse();
        assertThat(broken.problems()).anyMatch(p -> p.startsWith("tokenizer/vocab.json is corrupt or changed: SHA-256"))
                .contains("vae_encoder/model.onnx is missing")
                .anyMatch(p -> p.startsWith("unfinished download unet"));
        assertThat(broken.filesChecked()).isEqualTo(8);
    }

    @Test
    void verifyWithoutPullRecordStillAsksTheEngine() throws IOException {
        DemoModel.writeTiny(models.resolve("copied"));

        VerifyReport fine = store.verify("copied", path -> { });
        assertThat(fine.ok()).isTrue();
        assertThat(fine.notes()).singleElement().asString().contains("no pull record");

        Files.delete(models.resolve("copied/unet/model.onnx"));
        VerifyReport broken = store.verify("copied", path -> { });
        assertThat(broken.problems()).singleElement().asString()
                .startsWith("the engine cannot open it: ").contains("unet/model.onnx");
        assertThat(broken.model()).isEmpty();
    }

    private static void setSchedulerKey(Path model, String key, String value) throws IOException {
        Path file = model.resolve("scheduler/scheduler_config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(file.toFile());
        config.put(key, value);
        json.writeValue(file.toFile(), config);
    }

    private static long du(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += file.toFile().length();
            }
            return total;
        }
    }
}
