package dev.imagine.bot.models;

import dev.imagine.engine.EngineException;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelFamily;
import dev.imagine.engine.ModelInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The models directory ({@code ./models} unless {@code IMAGINE_MODELS_DIR} or an option says otherwise): turns a
 * model argument into a folder, lists the folders, and verifies one. A model argument is a folder path, or the
 * name of a folder in the models directory, which is what {@code models pull} creates. Reads only; safe to share.
 */
public final class ModelStore {
    /** The environment variable naming the models directory. */
    public static final String DIR_VARIABLE = "IMAGINE_MODELS_DIR";
    /** The models directory when nothing names one, relative to the working directory. */
    public static final Path DEFAULT_DIR = Path.of("models");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");
    private final Path dir;

    /** A store over {@code dir}, which need not exist yet. */
    public ModelStore(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("the models directory is required");
        }
        this.dir = dir;
    }

    /** The store named by {@code IMAGINE_MODELS_DIR}, else {@code ./models}. */
    public static ModelStore fromEnvironment(Environment environment) {
        return new ModelStore(environment.get(DIR_VARIABLE).map(Path::of).orElse(DEFAULT_DIR));
    }

    /** The models directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The folder a model argument means: an existing folder path as given, else the pulled model of that name.
     *
     * @throws ModelException saying that neither exists, with the names that do
     */
    public Path resolve(String model) {
        String value = model == null ? "" : model.strip();
        if (value.isEmpty()) {
            throw new ModelException("name a model: a folder, or a model pulled into " + dir);
        }
        Path path = Path.of(value);
        if (Files.isDirectory(path)) {
            return path;
        }
        if (NAME.matcher(value).matches() && !value.contains("..")) {
            Path pulled = dir.resolve(value);
            if (Files.isDirectory(pulled)) {
                return pulled;
            }
        }
        if (value.contains("/") || value.contains("\\") || value.startsWith(".") || !NAME.matcher(value).matches()) {
            throw new ModelException("model folder " + value + " does not exist or is not a folder");
        }
        List<String> names = list().stream().map(LocalModel::name).toList();
        throw new ModelException("no model '" + value + "': it is not a folder here nor a model in " + dir
                + (names.isEmpty() ? " (none yet: imagine models pull OWNER/NAME)"
                        : " (there: " + String.join(", ", names) + ")"));
    }

    /** The folder {@code models pull} writes a model called {@code name} to. */
    public Path folderFor(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new ModelException("'" + name + "' is not a model name: use letters, digits, '.', '_', '-' or '@'");
        }
        return dir.resolve(name);
    }

    /**
     * The model folders in the directory (those with a {@code model_index.json} or a pull record), by name. Reads
     * each UNet's inputs, not its weights, and asks the engine's family detection ({@link ModelFamily#detect}), so a
     * folder the engine would refuse (FLUX, the SDXL refiner, no tokenizer) is listed with that sentence as its problem.
     *
     * @throws ModelException if the directory cannot be read
     */
    public List<LocalModel> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<LocalModel> models = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path folder : entries.sorted().toList()) {
                if (Files.isDirectory(folder) && (Files.isRegularFile(folder.resolve("model_index.json"))
                        || Manifest.exists(folder))) {
                    models.add(describe(folder));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ModelException("cannot read the models directory " + dir + ": " + e.getMessage(), e);
        }
        return models;
    }

    private static LocalModel describe(Path folder) throws IOException {
        long size = 0;
        boolean unfinished = false;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                size += Files.size(file);
                unfinished |= file.getFileName().toString().endsWith(FileDownloader.PART_SUFFIX);
            }
        }
        int hidden = 0;
        boolean guidanceEmbedding = false;
        Optional<Precision> precision = Optional.empty();
        Optional<String> problem = Optional.empty();
        Path unet = folder.resolve("unet/model.onnx");
        if (Files.isRegularFile(unet)) {
            try {
                OnnxInputs inputs = OnnxInputs.read(unet);
                hidden = inputs.hiddenSize();
                guidanceEmbedding = inputs.inputs().containsKey("timestep_cond");
                precision = inputs.precision();
            } catch (IOException e) {
                problem = Optional.of(e.getMessage());
            }
        }
        Optional<ModelFamily> family = Optional.empty();
        try {
            family = Optional.of(ModelFamily.detect(folder, hidden, guidanceEmbedding));
        } catch (EngineException e) {
            problem = problem.or(() -> Optional.of(e.getMessage()));
        }
        return new LocalModel(folder.getFileName().toString(), folder, family, hidden,
                precision, size, Manifest.read(folder).origin(), unfinished, problem);
    }

    /**
     * Checks a model: every file against the pull record (size and a full SHA-256), leftover partial downloads,
     * then the engine's own checks by opening it on the CPU and closing it again.
     *
     * @param progress sees each file's path before it is hashed
     */
    public VerifyReport verify(String model, Consumer<String> progress) {
        Path folder = resolve(model);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int checked = 0;
        Manifest manifest = Manifest.read(folder);
        if (!Manifest.exists(folder)) {
            notes.add("no pull record in " + folder + " (imagine did not pull it): file hashes not checked");
        }
        try {
            for (Map.Entry<String, Manifest.Entry> entry : manifest.files().entrySet()) {
                Path file = ModelPuller.resolveInside(folder, entry.getKey());
                Manifest.Entry expected = entry.getValue();
                progress.accept(entry.getKey());
                if (!Files.isRegularFile(file)) {
                    problems.add(entry.getKey() + " is missing");
                } else if (Files.size(file) != expected.size()) {
                    problems.add(entry.getKey() + " has " + Files.size(file) + " bytes; the pull recorded "
                            + expected.size());
                } else {
                    String sha256 = Hashing.hashFile(file).sha256();
                    if (!sha256.equals(expected.sha256())) {
                        problems.add(entry.getKey() + " is corrupt or changed: SHA-256 " + Hashing.shortHex(sha256)
                                + " instead of " + Hashing.shortHex(expected.sha256()) + " (pull it again to repair)");
                    } else {
                        checked++;
                    }
                }
            }
            try (Stream<Path> files = Files.walk(folder)) {
                files.filter(f -> f.getFileName().toString().endsWith(FileDownloader.PART_SUFFIX))
                        .forEach(f -> problems.add("unfinished download " + folder.relativize(f)
                                + ": run imagine models pull again to finish it"));
            }
        } catch (IOException e) {
            problems.add("cannot read " + folder + ": " + e.getMessage());
        }
        Optional<ModelInfo> info = Optional.empty();
        try (ImageEngine engine = ImageEngine.open(folder, EngineOptions.defaults().withDevice(ExecutionDevice.cpu()))) {
            info = Optional.of(engine.model());
        } catch (EngineException e) {
            problems.add("the engine cannot open it: " + e.getMessage());
        }
        return new VerifyReport(model, folder, manifest.origin(), checked, info, problems, notes);
    }
}
