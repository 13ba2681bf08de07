package dev.imagine.bot.cli;

import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.GenerationRepository;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code imagine history}: the command line's recent generations, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List recent generations made from the command line, newest first.")
final class HistoryCommand implements Callable<Integer> {
    private static final int PROMPT_CHARS = 60;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "How many, 1.." + GenerationRepository.MAX_PAGE + " (default 20).")
    int limit;

    @CommandLine.Mixin
    StorageMixin storage;

    @Override
    public Integer call() {
        if (limit < 1 || limit > GenerationRepository.MAX_PAGE) {
            throw new UserException("--limit must be between 1 and " + GenerationRepository.MAX_PAGE + ", got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Storage storage = this.storage.openShared()) {
            List<Generation> page = storage.generations().history(Recorder.localUser(storage), null, limit);
            if (page.isEmpty()) {
                spec.commandLine().getErr().println("no generations recorded in " + storage.dataDirectory());
            }
            for (Generation g : page) {
                out.println(line(g));
            }
        }
        return 0;
    }

    /**
     * {@code ID  TIME  seed N  SAMPLER  WxH  [STATUS  ][flagged N of M  ]PROMPT}, with {@code -} for values the engine
     * never set; the flag counts the pictures the safety checker flagged.
     */
    static String line(Generation g) {
        GenerationParameters p = g.parameters();
        String size = p.get("width") == null || p.get("height") == null ? "-" : p.get("width") + "x" + p.get("height");
        String status = g.status() == GenerationStatus.DONE ? "" : g.status().id() + "  ";
        long flagged = g.images().stream().filter(image -> image.nsfw()).count();
        if (flagged > 0) {
            status += "flagged " + flagged + " of " + g.images().size() + "  ";
        }
        String prompt = Objects.toString(p.get("prompt"), "");
        if (g.kind() == GenerationKind.ANIMATION) {
            status += "animation of " + Math.max(0, g.images().size() - 1) + " frames  ";
            for (int k = 1; p.get("to" + k) != null; k++) {
                prompt += " -> " + p.get("to" + k);
            }
        }
        prompt = prompt.replaceAll("\\s+", " ").strip();
        if (prompt.length() > PROMPT_CHARS) {
            prompt = prompt.substring(0, PROMPT_CHARS - 3) + "...";
        }
        // Escaped after cutting, so an escape is never cut in half; the stored prompt stays as typed.
        prompt = TerminalText.escape(prompt);
        return String.format("%d  %s  seed %s  %s  %s  %s%s", g.id(), g.queuedAt().truncatedTo(ChronoUnit.SECONDS),
                Objects.toString(p.get("seed"), "-"), TerminalText.escape(Objects.toString(p.get("sampler"), "-")),
                size, status, prompt);
    }
}
