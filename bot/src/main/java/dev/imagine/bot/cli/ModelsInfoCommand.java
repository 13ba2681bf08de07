package dev.imagine.bot.cli;

import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.ModelInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code imagine models info DIR}: what the engine finds in a model folder and the defaults it applies. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a model's family, precision, input types and defaults.")
final class ModelsInfoCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "DIR|NAME", description = "Stable Diffusion ONNX folder or pulled model name.")
    String model;

    @CommandLine.Mixin
    EngineOptionsMixin engineOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = ModelOption.resolve(parent == null ? null : parent.environment(), model);
        try (ImageEngine engine = ImageEngine.open(dir, engineOptions.toOptions())) {
            ModelInfo info = engine.model();
            row(out, "name", info.name());
            row(out, "path", info.path().toAbsolutePath().normalize().toString());
            row(out, "pipeline", info.pipelineClass());
            row(out, "family", info.family().displayName() + " (" + info.family().name().toLowerCase(Locale.ROOT) + ")");
            row(out, "precision", info.precision());
            row(out, "prediction", info.predictionType());
            if (info.family().isSdxl()) {
                row(out, "text encoders", "text_encoder and text_encoder_2, input_ids " + info.idsType()
                        + ", penultimate hidden states joined to " + info.hiddenSize()
                        + " values per token, pooled text_embeds of text_encoder_2");
                row(out, "sdxl", "sides from 512; time_ids from the size, --original-size WxH and --crop X,Y");
            } else {
                row(out, "text encoder", "input_ids " + info.idsType() + ", hidden size " + info.hiddenSize());
            }
            row(out, "unet inputs", info.unetInputs());
            row(out, "unet batch", info.fixedBatch() == 0 ? "dynamic" : "fixed to " + info.fixedBatch()
                    + " (guided steps make two calls)");
            row(out, "img2img", info.imageToImage() ? "yes (vae_encoder present)" : "no (no vae_encoder)");
            row(out, "safety", info.hasSafetyChecker() ? "checker present (" + info.safetyChecker() + ")"
                    : "no checker runs (" + (engineOptions.safetyCheckerOff() ? "--safety-checker off"
                            : "no safety_checker/ folder") + ")");
            row(out, "defaults", "sampler " + info.defaultSampler().id() + ", " + info.defaultSteps() + " steps, guidance "
                    + info.defaultGuidance() + ", " + info.defaultWidth() + "x" + info.defaultHeight());
            row(out, "fingerprint", info.fingerprint());
            row(out, "device", info.device());
        }
        return 0;
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-13s %s%n", key, value);
    }
}
