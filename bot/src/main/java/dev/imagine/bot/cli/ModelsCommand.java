package dev.imagine.bot.cli;

import dev.imagine.bot.models.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code imagine models}: the parent of the model commands. A new subcommand is one more class in
 * {@code subcommands}; it reaches the environment through {@link #environment()} via {@code @ParentCommand}.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Fetch, list and check Stable Diffusion ONNX models.",
        subcommands = {ModelsPullCommand.class, ModelsListCommand.class, ModelsVerifyCommand.class,
                ModelsInfoCommand.class})
final class ModelsCommand implements Runnable {

    @CommandLine.ParentCommand
    private ImagineCommand parent;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The environment the command line runs with (the process's, or a test's). */
    Environment environment() {
        return parent == null ? Environment.system() : parent.environment();
    }
}
