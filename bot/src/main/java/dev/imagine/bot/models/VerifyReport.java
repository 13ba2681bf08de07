package dev.imagine.bot.models;

import dev.imagine.engine.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@code models verify}.
 *
 * @param name the model as named on the command line
 * @param folder its folder
 * @param origin {@code owner/name[@revision]} it was pulled from, when there is a pull record
 * @param filesChecked files whose size and SHA-256 matched the pull record
 * @param model what the engine found when it opened the folder on the CPU, when it could
 * @param problems what is wrong; empty when the model is fine
 * @param notes what could not be checked
 */
public record VerifyReport(String name, Path folder, Optional<String> origin, int filesChecked,
        Optional<ModelInfo> model, List<String> problems, List<String> notes) {
    /** Copies the lists. */
    public VerifyReport {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** Whether nothing is wrong. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
