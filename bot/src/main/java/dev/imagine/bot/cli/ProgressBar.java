package dev.imagine.bot.cli;

import dev.imagine.engine.Progress;
import dev.imagine.engine.ProgressListener;
import java.io.PrintWriter;

/** A one-line terminal progress bar redrawn in place with a carriage return. */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintWriter terminal;

    ProgressBar(PrintWriter terminal) {
        this.terminal = terminal;
    }

    @Override
    public void onProgress(Progress progress) {
        terminal.print("\r" + render(progress));
        terminal.flush();
    }

    static String render(Progress progress) {
        int filled = progress.totalSteps() == 0 ? WIDTH : WIDTH * progress.step() / progress.totalSteps();
        double seconds = progress.elapsed().toMillis() / 1000.0;
        double perStep = progress.step() == 0 ? 0 : seconds / progress.step();
        double eta = perStep * (progress.totalSteps() - progress.step());
        return String.format("[%s%s] %3d%% step %d/%d  %.1fs  eta %.1fs", "=".repeat(filled),
                " ".repeat(WIDTH - filled), progress.percent(), progress.step(), progress.totalSteps(), seconds, eta);
    }

    void finish() {
        terminal.println();
        terminal.flush();
    }
}
