package dev.imagine.bot.cli;

import dev.imagine.bot.models.HumanSizes;
import dev.imagine.bot.models.LocalModel;
import dev.imagine.bot.models.ModelStore;
import dev.imagine.engine.ModelFamily;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code imagine models list}: a table of the models in the models directory. Family and precision come from the
 * UNet's declared inputs, read without loading weights, so listing stays fast for multi-gigabyte models.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the models in the models directory: name, family, precision, size on disk, source.")
final class ModelsListCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ModelsCommand models;

    @CommandLine.Mixin
    ModelsDirOption dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelStore store = dir.store(models.environment());
        List<LocalModel> list = store.list();
        if (list.isEmpty()) {
            err.println("no models in " + store.dir() + " yet; pull one, e.g.: imagine models pull "
                    + "stable-diffusion-v1-5/stable-diffusion-v1-5@onnx");
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "FAMILY", "PRECISION", "SIZE", "SOURCE"});
        for (LocalModel model : list) {
            String family = model.family().map(ModelFamily::displayName).orElse("not usable (see note)");
            String source = model.origin().orElse("-") + (model.unfinished() ? " (unfinished: pull again)" : "");
            rows.add(new String[] {model.name(), family, model.precision().map(p -> p.id()).orElse("?"),
                    HumanSizes.format(model.sizeBytes()), source});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        list.stream().filter(m -> m.problem().isPresent())
                .forEach(m -> err.println("note: " + m.name() + ": " + m.problem().get()));
        return 0;
    }
}
