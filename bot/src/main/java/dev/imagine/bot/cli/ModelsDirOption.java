package dev.imagine.bot.cli;

import dev.imagine.bot.models.Environment;
import dev.imagine.bot.models.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir}: the models directory shared by the {@code models} subcommands. */
final class ModelsDirOption {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Models directory (default: $IMAGINE_MODELS_DIR, else ./models).")
    Path dir;

    ModelStore store(Environment environment) {
        return dir != null ? new ModelStore(dir) : ModelStore.fromEnvironment(environment);
    }
}
