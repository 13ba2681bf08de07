package dev.imagine.bot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The process's peak resident memory, as Linux reports it in {@code /proc/self/status} ({@code VmHWM}). */
final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {
    }

    /** {@code "1234 MB"}, or a sentence saying why it is unknown (not Linux, or the file is unreadable). */
    static String describe() {
        try {
            return describe(Files.readAllLines(STATUS));
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown (no /proc/self/status on this system)";
        }
    }

    /** The {@code VmHWM} line of a {@code /proc/PID/status} listing, in MiB. */
    static String describe(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    try {
                        return Math.round(Long.parseLong(parts[0]) / 1024.0) + " MiB";
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
        }
        return "unknown (/proc/self/status has no VmHWM line in kB)";
    }
}
