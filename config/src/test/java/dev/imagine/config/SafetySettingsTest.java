package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code safety} keys: defaults, each form of {@code checker}, and a sentence for every mistake. */
class SafetySettingsTest {

    private static ImagineConfig parse(String safety, Path work) {
        return ImagineConfig.parse("engine: {model: m}\nsafety:\n" + safety, "imagine.yaml", work, Map.of());
    }

    private static List<String> problems(String safety, Path work) {
        return catchThrowableOfType(ConfigException.class, () -> parse(safety, work)).problems().stream()
                .map(ConfigProblem::toString).toList();
    }

    @Test
    void defaultsCheckWithTheModelsCheckerAndSpoilerFlaggedPictures() {
        SafetySettings safety = ImagineConfig.parse("engine: {model: m}\n", "imagine.yaml", Path.of("/srv"), Map.of())
                .safety();

        assertThat(safety).isEqualTo(SafetySettings.defaults());
        assertThat(safety.checkerMode()).isEqualTo(SafetySettings.Checker.AUTO);
        assertThat(safety.checkerFolder()).isEmpty();
        assertThat(safety.nsfw()).isEqualTo(SafetySettings.NsfwAction.SPOILER);
        assertThat(safety.blockedWords()).isEmpty();
        assertThat(safety.allowInNsfwChannels()).isTrue();
    }

    @Test
    void everyKeyIsRead(@TempDir Path work) throws Exception {
        Files.createDirectories(work.resolve("checkers/sd"));
        SafetySettings safety = parse("  checker: checkers/sd\n  nsfw: block\n  allow-in-nsfw-channels: false\n"
                + "  blocked-words: [Gore, \"blood bath\", gore, \"Ärger\"]\n", work).safety();

        assertThat(safety.checkerMode()).isEqualTo(SafetySettings.Checker.FOLDER);
        assertThat(safety.checkerFolder()).isEqualTo(Optional.of(work.resolve("checkers/sd")));
        assertThat(safety.nsfw()).isEqualTo(SafetySettings.NsfwAction.BLOCK);
        assertThat(safety.allowInNsfwChannels()).isFalse();
        // A repeat in another case is dropped; the first spelling stays.
        assertThat(safety.blockedWords()).containsExactly("Gore", "blood bath", "Ärger");
        assertThat(parse("  checker: OFF\n  nsfw: allow\n", work).safety().checkerMode())
                .isEqualTo(SafetySettings.Checker.OFF);
    }

    @Test
    void mistakesAreNamedWithWhatIsAllowed(@TempDir Path work) {
        assertThat(problems("  checker: nowhere\n  nsfw: hide\n  blocked-words: [\"\", {a: b}]\n"
                + "  allow-in-nsfw-channels: maybe\n", work)).containsExactly(
                "safety.checker: \"nowhere\" is not allowed; the folder " + work.resolve("nowhere") + " does not "
                        + "exist; use auto (the model folder's safety_checker/ when it has one), off, or a folder "
                        + "holding safety_checker/model.onnx or model.onnx",
                "safety.nsfw: \"hide\" is not allowed; use one of SPOILER, BLOCK, ALLOW",
                "safety.blocked-words[0]: \"\" is not allowed; use a word or phrase of 1 to 100 characters without "
                        + "control characters",
                "safety.blocked-words[1]: a mapping is not allowed; use a word or phrase of 1 to 100 characters "
                        + "without control characters",
                "safety.allow-in-nsfw-channels: \"maybe\" is not allowed; use true or false");
    }

    @Test
    void anUnknownKeyGetsASuggestion(@TempDir Path work) {
        assertThat(problems("  blocked-word: [x]\n", work)).singleElement().asString()
                .startsWith("safety.blocked-word:").contains("blocked-words");
    }
}
