package dev.imagine.bot.cli;

import dev.imagine.bot.models.Environment;
import dev.imagine.bot.models.ModelException;
import dev.imagine.engine.EngineException;
import dev.imagine.storage.StorageException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code imagine} command line: {@code run}, {@code generate}, {@code animate}, {@code rerun}, {@code history},
 * {@code db}, {@code demo-model},
 * {@code bench}, {@code models}.
 */
@Command(name = "imagine",
        mixinStandardHelpOptions = true,
        versionProvider = ImagineCommand.Version.class,
        description = "Self-hosted Stable Diffusion on ONNX Runtime.",
        subcommands = {RunCommand.class, GenerateCommand.class, AnimateCommand.class, RerunCommand.class,
                HistoryCommand.class, DbCommand.class, ClusterCommand.class, DemoModelCommand.class, BenchCommand.class,
                ModelsCommand.class, CommandLine.HelpCommand.class})
public final class ImagineCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Environment environment = Environment.system();

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with the given streams and returns the exit status: 0 on success, 2 for a bad
     * argument, request or model (the message says which), 1 for other failures (a storage failure prints its
     * message, e.g. a database in use by another process).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Environment.system());
    }

    /** Runs the command line as {@link #run(String[], PrintWriter, PrintWriter)} does, reading {@code environment}. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Environment environment) {
        ImagineCommand root = new ImagineCommand();
        root.environment = environment;
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof EngineException || e instanceof IllegalArgumentException || e instanceof UserException
                    || e instanceof ModelException) {
                err.println("error: " + TerminalText.escapeKeepingLines(e.getMessage()));
                return 2;
            }
            if (e instanceof StorageException) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            if (e instanceof IOException io) {
                err.println("error: " + PathChecks.reason(io));
                return 1;
            }
            // No exception's class name reaches the user: the message alone, or a sentence when there is none.
            err.println("error: " + (e.getMessage() == null || e.getMessage().isBlank()
                    ? "imagine failed unexpectedly and has no details to give; please report it" : e.getMessage()));
            return 1;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The environment variables the commands read (HF_ENDPOINT, HF_TOKEN, IMAGINE_MODELS_DIR). */
    Environment environment() {
        return environment;
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ImagineCommand.class.getPackage().getImplementationVersion();
            return new String[] {"imagine " + (version == null ? "development build" : version)};
        }
    }
}
