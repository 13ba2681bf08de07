package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DownloadProgressTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @Test
    void rendersSizeSpeedAndTimeLeft() {
        // 1 of 4 GiB at 16 MiB/s: 25 %, 6 of 24 cells filled, 3 GiB / 16 MiB/s = 192 s = 3m12s left.
        assertThat(DownloadProgress.render("unet/weights.pb", GIB, 4 * GIB, 16 * MIB))
                .isEqualTo("[======>                 ]  25%  1.00 GB / 4.00 GB  16.0 MB/s  eta 3m12s  unet/weights.pb");
        assertThat(DownloadProgress.render("a", 0, 100, -1))
                .isEqualTo("[>" + " ".repeat(23) + "]   0%  0 B / 100 B  --/s  eta --  a");
        assertThat(DownloadProgress.duration(59)).isEqualTo("59s");
        assertThat(DownloadProgress.duration(3725)).isEqualTo("1h02m");
    }

    @Test
    void plainLinesWhenNotATerminal() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong(5_000_000_000L);
        DownloadProgress progress = new DownloadProgress(new PrintWriter(text, true), false, now::get);

        progress.fileStarted("unet/model.onnx", 8 * MIB, 4 * MIB);
        progress.bytesReceived("unet/model.onnx", 6 * MIB, 8 * MIB);
        now.addAndGet(2_000_000_000L);
        progress.fileFinished("unet/model.onnx", 8 * MIB);

        // 4 MiB received in 2 s after resuming at 4 MiB: 2 MiB/s.
        assertThat(text.toString().lines()).containsExactly(
                "fetching unet/model.onnx (8.00 MB), resuming at 4.00 MB",
                "done unet/model.onnx (8.00 MB in 2.0 s, 2.00 MB/s)");
    }

    @Test
    void aTerminalBarIsRedrawnAtMostTenTimesASecond() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        DownloadProgress progress = new DownloadProgress(new PrintWriter(text, true), true, now::get);

        progress.fileStarted("f", 100, 0);
        for (int i = 1; i <= 50; i++) {
            now.addAndGet(10_000_000L);
            progress.bytesReceived("f", i, 100);
        }
        progress.fileFinished("f", 100);

        // 50 chunks 10 ms apart: redraws at the 1st, 11th, 21st, 31st and 41st; plus the start and the end.
        assertThat(text.toString().chars().filter(c -> c == '\r').count()).isEqualTo(7);
        assertThat(text.toString()).endsWith("100%  100 B / 100 B  200 B/s  eta 0s  f\u001b[K" + System.lineSeparator());
    }
}
