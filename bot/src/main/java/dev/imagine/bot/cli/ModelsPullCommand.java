package dev.imagine.bot.cli;

import dev.imagine.bot.models.Environment;
import dev.imagine.bot.models.HfToken;
import dev.imagine.bot.models.HubSettings;
import dev.imagine.bot.models.HumanSizes;
import dev.imagine.bot.models.ModelPuller;
import dev.imagine.bot.models.ModelStore;
import dev.imagine.bot.models.Precision;
import dev.imagine.bot.models.PullResult;
import dev.imagine.bot.models.RepoRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code imagine models pull REPO[@REVISION]}: fetches an ONNX Stable Diffusion folder; prints its path on stdout. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a Stable Diffusion ONNX model from Hugging Face (or HF_ENDPOINT) into the models "
                + "directory: only the files the ONNX pipeline needs, every file checked against the hub's hash.",
                "Interrupted downloads resume where they stopped when you run the same command again; a complete "
                        + "model is not downloaded twice.",
                "Gated models (e.g. SD 1.x): accept the licence on the model's page, then set HF_TOKEN."})
final class ModelsPullCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    private ModelsCommand models;

    @Parameters(index = "0", paramLabel = "REPO[@REVISION]",
            description = "e.g. stable-diffusion-v1-5/stable-diffusion-v1-5@onnx")
    String repo;

    @CommandLine.Mixin
    ModelsDirOption dir;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Folder name in the models directory (default: the repository's name, plus -REVISION "
                    + "when not main).")
    String name;

    @Option(names = "--variant", paramLabel = "fp32|fp16", converter = PrecisionConverter.class,
            description = "Precision to take when the repository holds several (files named like model_fp16.onnx).")
    Precision variant;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Hub or mirror URL (default: $HF_ENDPOINT, else https://huggingface.co).")
    String endpoint;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the access token from FILE instead of $HF_TOKEN.")
    Path tokenFile;

    @Option(names = "--no-safety-checker", description = "Leave out safety_checker/ and feature_extractor/ (fetched "
            + "by default: the engine runs the checker on every picture).")
    boolean noSafetyChecker;

    @Option(names = "--no-progress", description = "Print a line per file instead of a progress bar.")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Environment environment = models.environment();
        RepoRef ref = RepoRef.parse(repo);
        HubSettings settings = HubSettings.resolve(environment, endpoint, tokenFile == null ? null : readToken());
        ModelStore store = dir.store(environment);
        Path folder = store.folderFor(name != null ? name : ref.folderName());
        err.println("pulling " + ref + " from " + settings.endpoint() + " into " + folder);
        DownloadProgress progress = new DownloadProgress(err, !noProgress && System.console() != null, System::nanoTime);
        PullResult result;
        try {
            result = ModelPuller.create(settings).pull(ref, folder, variant, !noSafetyChecker, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted; run the same command again to resume");
        } finally {
            progress.finish();
        }
        err.println(result.downloaded() == 0
                ? "already complete: " + result.alreadyPresent() + " files checked, nothing downloaded"
                : "done: " + result.downloaded() + " files (" + HumanSizes.format(result.bytesDownloaded())
                        + ") downloaded, " + result.alreadyPresent() + " already present");
        boolean inDefaultStore = folder.getParent() != null
                && folder.getParent().equals(ModelStore.fromEnvironment(environment).dir());
        String argument = inDefaultStore ? folder.getFileName().toString() : folder.toString();
        err.println("try: imagine generate --model " + argument + " --prompt \"a lighthouse at dawn\"");
        out.println(folder);
        return 0;
    }

    private HfToken readToken() {
        try {
            return HfToken.of(Files.readString(tokenFile));
        } catch (IOException e) {
            throw new UserException("cannot read the token file " + tokenFile + ": " + e.getMessage());
        }
    }
}
