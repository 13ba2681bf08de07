package dev.imagine.bot.cli;

import dev.imagine.bot.models.VerifyReport;
import dev.imagine.engine.ModelInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine models verify NAME}: hashes every file against the pull record and lets the engine open the model
 * on the CPU. Exit status 0 when all is well, 2 with the problems listed otherwise.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a model: file sizes and SHA-256 against what the pull recorded, leftover partial "
                + "downloads, and the engine's own checks (it opens the model on the CPU).")
final class ModelsVerifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ModelsCommand models;

    @Parameters(index = "0", paramLabel = "NAME|DIR", description = "A pulled model's name, or a model folder.")
    String model;

    @CommandLine.Mixin
    ModelsDirOption dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerifyReport report = dir.store(models.environment()).verify(model, path -> {
            err.println("checking " + path);
            err.flush();
        });
        report.notes().forEach(note -> err.println("note: " + note));
        report.model().ifPresent(info -> out.println("engine: " + describe(info)));
        if (report.ok()) {
            String checked = report.filesChecked() == 0 ? "" : ": " + report.filesChecked()
                    + " files match the pull record" + report.origin().map(o -> " of " + o).orElse("");
            out.println(report.name() + " is fine" + checked);
            return 0;
        }
        report.problems().forEach(problem -> out.println("problem: " + problem));
        throw new UserException(report.name() + " has " + report.problems().size() + " problem"
                + (report.problems().size() == 1 ? "" : "s")
                + report.origin().map(o -> "; pulling it again (imagine models pull " + o + ", same --dir and --name) "
                        + "repairs the files that came from the hub").orElse(""));
    }

    private static String describe(ModelInfo info) {
        return String.format("%s, %s (width %d), %s, %s, default %s with %d steps", info.pipelineClass(),
                info.family().displayName(), info.hiddenSize(), info.halfPrecision() ? "fp16" : "fp32",
                info.imageToImage() ? "text and image to image" : "text to image", info.defaultSampler().id(),
                info.defaultSteps());
    }
}
