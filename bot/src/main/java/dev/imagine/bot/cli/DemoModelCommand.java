package dev.imagine.bot.cli;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ModelFamily;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    /** The demo model families {@code --family} takes. */
    enum Family {
        sd1(ModelFamily.SD1), sdxl(ModelFamily.SDXL), sdxl_turbo(ModelFamily.SDXL_TURBO);

        private final ModelFamily family;

        Family(ModelFamily family) {
            this.family = family;
        }
    }

    @Option(names = "--family", paramLabel = "FAMILY", converter = FamilyConverter.class,
            description = "Layout to write: sd1 (default), sdxl or sdxl-turbo.")
    Family family = Family.sd1;

    /** Reads {@code sd1}, {@code sdxl}, {@code sdxl-turbo}; says which exist otherwise. */
    static final class FamilyConverter implements CommandLine.ITypeConverter<Family> {
        @Override
        public Family convert(String value) {
            try {
                return Family.valueOf(value.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown family '" + value
                        + "'; choose sd1, sdxl or sdxl-turbo");
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        DemoModel.write(dir, family.family);
        spec.commandLine().getOut().println(dir);
        spec.commandLine().getErr().println("wrote a demo model with random weights (abstract pictures) to " + dir
                + "; try: imagine generate --model " + dir + " --prompt \"a red fox\" --out fox.png");
        return 0;
    }
}
