package dev.imagine.bot.models;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 1.5 KB}, {@code 3.44 GB} (binary units, 1 KB = 1024 B). */
public final class HumanSizes {
    private HumanSizes() {
    }

    /** Formats {@code bytes} with three significant digits above 1 KB. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String pattern = value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, pattern, value, units[unit]);
    }
}
