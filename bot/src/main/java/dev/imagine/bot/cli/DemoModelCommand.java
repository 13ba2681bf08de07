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

    @Option(names = "--unet-cost", defaultValue = "demo", paramLabel = "demo|cheap",
            converter = UnetCostConverter.class,
            description = "demo (default): about 15 ms per UNet step at 512x512 on 2 cores; cheap: well under 1 ms, "
                    + "to measure the pipeline's own cost with imagine bench.")
    DemoModel.UnetCost unetCost;

    @Option(names = "--architecture", defaultValue = "demo", paramLabel = "demo|sd15",
            description = {"demo (default): the small demo graphs; sd15: Stable Diffusion 1.5's real graph structure "
                    + "and sizes (CLIP ViT-L/14, the 860M-parameter UNet, VAE decoder and encoder) with random "
                    + "weights, about 4.3 GB in fp32, for benchmarks and memory tests only."})
    String architecture;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|fp16",
            description = "Precision of the graphs (default fp32); fp16 writes an fp16 export's float16 inputs and "
                    + "weights, for --architecture sd15 and the demo models of every --family (not --unet-cost cheap).")
    String precision;

    @Override
    public Integer call() throws IOException {
        String arch = architecture.trim().toLowerCase(java.util.Locale.ROOT);
        String bits = precision.trim().toLowerCase(java.util.Locale.ROOT);
        if (!arch.equals("demo") && !arch.equals("sd15")) {
            throw new UserException("--architecture must be demo or sd15, got '" + architecture + "'");
        }
        if (!bits.equals("fp32") && !bits.equals("fp16")) {
            throw new UserException("--precision must be fp32 or fp16, got '" + precision + "'");
        }
        if (arch.equals("sd15")) {
            if (family != Family.sd1 || unetCost != DemoModel.UnetCost.DEMO) {
                throw new UserException("--architecture sd15 takes neither --family nor --unet-cost");
            }
            long unet = DemoModel.writeSd15(dir, bits.equals("fp16"));
            spec.commandLine().getOut().println(dir);
            spec.commandLine().getErr().printf(java.util.Locale.ROOT, "wrote Stable Diffusion 1.5's graph structure "
                    + "(UNet %.1fM parameters, %s) with random weights to %s; for benchmarks only: its pictures are "
                    + "noise-like patterns%n", unet / 1e6, bits, dir);
            return 0;
        }
        boolean fp16 = bits.equals("fp16");
        if (fp16 && unetCost == DemoModel.UnetCost.CHEAP) {
            throw new UserException("--precision fp16 is not for --unet-cost cheap");
        }
        if (unetCost == DemoModel.UnetCost.CHEAP && family != Family.sd1) {
            throw new UserException("--unet-cost cheap is only for --family sd1");
        }
        PathChecks.writableFolder("the model folder", dir);
        if (family == Family.sd1 && !fp16) {
            DemoModel.write(dir, unetCost);
        } else {
            DemoModel.write(dir, family.family, fp16);
        }
        spec.commandLine().getOut().println(dir);
        spec.commandLine().getErr().println("wrote a demo model with random weights (abstract pictures) to " + dir
                + "; try: imagine generate --model " + dir + " --prompt \"a red fox\" --out fox.png");
        return 0;
    }

    /** Accepts {@code demo} and {@code cheap}, case-insensitively. */
    static final class UnetCostConverter implements CommandLine.ITypeConverter<DemoModel.UnetCost> {
        @Override
        public DemoModel.UnetCost convert(String value) {
            for (DemoModel.UnetCost cost : DemoModel.UnetCost.values()) {
                if (cost.name().equalsIgnoreCase(value.trim())) {
                    return cost;
                }
            }
            throw new CommandLine.TypeConversionException("--unet-cost must be demo or cheap, got '" + value + "'");
        }
    }
}
