package dev.imagine.bot.cli;

import dev.imagine.bot.models.Environment;
import dev.imagine.bot.models.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR|NAME}, shared by the commands that run a model. */
final class ModelOption {

    @Option(names = "--model", required = true, paramLabel = "DIR|NAME",
            description = "Stable Diffusion ONNX folder, or the name of a model pulled into the models directory "
                    + "($IMAGINE_MODELS_DIR, else ./models).")
    String model;

    /** The model folder: the path itself, or a pulled model's folder (the command's parent gives the environment). */
    Path folder(ImagineCommand parent) {
        return resolve(parent == null ? null : parent.environment(), model);
    }

    static Path resolve(Environment environment, String model) {
        return ModelStore.fromEnvironment(environment == null ? Environment.system() : environment).resolve(model);
    }
}
