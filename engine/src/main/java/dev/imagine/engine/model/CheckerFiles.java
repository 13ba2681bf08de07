package dev.imagine.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A safety checker's files in diffusers' layout: {@code safety_checker/model.onnx} and, beside it in the model
 * folder, {@code feature_extractor/preprocessor_config.json}.
 *
 * @param model the checker's graph
 * @param preprocessorConfig the feature extractor's parsed configuration, when the folder has one
 * @param configPath where that configuration was read from, or the place it was looked for
 */
public record CheckerFiles(Path model, Optional<JsonNode> preprocessorConfig, Path configPath) {
    static final String MODEL = "safety_checker/model.onnx";
    static final String CONFIG = "feature_extractor/preprocessor_config.json";

    /**
     * The checker of a model folder, if it has one.
     *
     * @throws ModelFolderException when its preprocessor configuration is not valid JSON
     */
    public static Optional<CheckerFiles> inModel(Path root) throws ModelFolderException {
        if (!Files.isRegularFile(root.resolve(MODEL))) {
            return Optional.empty();
        }
        return Optional.of(new CheckerFiles(root.resolve(MODEL), config(root, CONFIG), root.resolve(CONFIG)));
    }

    /**
     * The checker in a folder given on purpose: a model folder holding {@code safety_checker/model.onnx}, or a
     * {@code safety_checker} folder itself (its {@code preprocessor_config.json} beside {@code model.onnx} or in
     * {@code ../feature_extractor/}).
     *
     * @throws ModelFolderException naming the folder and the layout when it holds no checker
     */
    public static CheckerFiles inFolder(Path folder) throws ModelFolderException {
        Optional<CheckerFiles> layout = inModel(folder);
        if (layout.isPresent()) {
            return layout.get();
        }
        Path model = folder.resolve("model.onnx");
        if (!Files.isRegularFile(model)) {
            throw new ModelFolderException("safety checker folder " + folder + " holds neither " + MODEL
                    + " nor model.onnx; point safety.checker at a model folder with a safety_checker/ folder, or at "
                    + "the safety_checker folder itself", false);
        }
        if (Files.isRegularFile(folder.resolve("preprocessor_config.json"))) {
            return new CheckerFiles(model, config(folder, "preprocessor_config.json"),
                    folder.resolve("preprocessor_config.json"));
        }
        Path parent = folder.toAbsolutePath().normalize().getParent();
        if (parent != null) {
            return new CheckerFiles(model, config(parent, CONFIG), parent.resolve(CONFIG));
        }
        return new CheckerFiles(model, Optional.empty(), folder.resolve("preprocessor_config.json"));
    }

    private static Optional<JsonNode> config(Path root, String relative) throws ModelFolderException {
        if (!Files.isRegularFile(root.resolve(relative))) {
            return Optional.empty();
        }
        return Optional.of(ModelFolder.readJson(root, relative));
    }
}
