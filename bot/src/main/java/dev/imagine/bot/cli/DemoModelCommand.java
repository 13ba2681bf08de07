package dev.imagine.bot.cli;

import dev.imagine.engine.DemoModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code imagine demo-model DIR}: writes a tiny model so the whole pipeline runs with no download. */
@Command(name = "demo-model", mixinStandardHelpOptions = true,
        description = {"Write a tiny Stable-Diffusion-layout ONNX model folder (a few MB) that runs the whole "
                + "pipeline with no download.", "Its weights are random: its pictures are abstract colour fields, "
                + "not what the prompt says."})
final class DemoModelCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder to write (created; files in it are replaced).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        DemoModel.write(dir);
        spec.commandLine().getOut().println(dir);
        spec.commandLine().getErr().println("wrote a demo model with random weights (abstract pictures) to " + dir
                + "; try: imagine generate --model " + dir + " --prompt \"a red fox\" --out fox.png");
        return 0;
    }
}
