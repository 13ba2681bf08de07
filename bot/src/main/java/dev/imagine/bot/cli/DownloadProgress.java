package dev.imagine.bot.cli;

import dev.imagine.bot.models.HumanSizes;
import dev.imagine.bot.models.PullListener;
import dev.imagine.bot.models.PullPlan;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a pull on stderr: on a terminal, one bar per file redrawn in place (at most ten times a second) with
 * size, speed and time left; otherwise a plain line when each file starts and ends. Used from the pulling thread
 * only.
 */
final class DownloadProgress implements PullListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long startedAt;
    private long resumedAt;
    private long lastDraw;
    private boolean barShown;

    DownloadProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    @Override
    public void planned(PullPlan plan) {
        plan.notes().forEach(note -> err.println("note: " + note));
        if (plan.toFetch() == 0) {
            err.println("all " + plan.files() + " files are already here");
        } else {
            err.println(plan.toFetch() + " of " + plan.files() + " files to fetch, " + HumanSizes.format(plan.bytesToFetch())
                    + (plan.bytesPresent() > 0 ? " (" + HumanSizes.format(plan.bytesPresent()) + " already here)" : ""));
        }
        err.flush();
    }

    @Override
    public void fileStarted(String path, long size, long resumed) {
        startedAt = nanoTime.getAsLong();
        resumedAt = resumed;
        lastDraw = 0;
        if (terminal) {
            draw(path, resumed, size);
        } else {
            err.println("fetching " + path + " (" + HumanSizes.format(size) + ")"
                    + (resumed > 0 ? ", resuming at " + HumanSizes.format(resumed) : ""));
            err.flush();
        }
    }

    @Override
    public void bytesReceived(String path, long done, long size) {
        long now = nanoTime.getAsLong();
        if (terminal && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(path, done, size);
        }
    }

    @Override
    public void fileFinished(String path, long size) {
        if (terminal) {
            draw(path, size, size);
            endBar();
        } else {
            double seconds = (nanoTime.getAsLong() - startedAt) / 1e9;
            err.println("done " + path + " (" + HumanSizes.format(size) + (seconds >= 0.5
                    ? String.format(Locale.ROOT, " in %.1f s, %s/s", seconds,
                            HumanSizes.format((long) ((size - resumedAt) / seconds))) : "") + ")");
            err.flush();
        }
    }

    @Override
    public void note(String message) {
        endBar();
        err.println("note: " + message);
        err.flush();
    }

    /** Ends a bar left on the line. */
    void finish() {
        endBar();
    }

    private void draw(String path, long done, long size) {
        double seconds = (nanoTime.getAsLong() - startedAt) / 1e9;
        double speed = seconds >= 0.5 ? (done - resumedAt) / seconds : -1;
        err.print("\r" + render(path, done, size, speed) + "\u001b[K");
        err.flush();
        barShown = true;
    }

    private void endBar() {
        if (barShown) {
            err.println();
            err.flush();
            barShown = false;
        }
    }

    /**
     * One bar: {@code [=====>      ]  45%  1.20 GB / 3.44 GB  12.3 MB/s  eta 3m02s  unet/weights.pb}.
     *
     * @param bytesPerSecond the speed, or a negative number while it is not known yet
     */
    static String render(String path, long done, long size, double bytesPerSecond) {
        int percent = size == 0 ? 100 : (int) (100 * done / size);
        int filled = size == 0 ? WIDTH : (int) (WIDTH * done / size);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        String speed = bytesPerSecond > 0 ? HumanSizes.format((long) bytesPerSecond) + "/s" : "--/s";
        String eta = bytesPerSecond > 0 ? duration(Math.round((size - done) / bytesPerSecond)) : "--";
        return String.format(Locale.ROOT, "[%s] %3d%%  %s / %s  %s  eta %s  %s", bar, percent, HumanSizes.format(done),
                HumanSizes.format(size), speed, eta, path);
    }

    /** {@code 42s}, {@code 3m02s} or {@code 1h05m}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
