package dev.imagine.bot.cli;

import java.util.Locale;

/**
 * Text made safe to print on a terminal: control characters (C0, DEL, C1, which carry escape sequences that move the
 * cursor, retitle the window or rewrite the screen) and the bidirectional controls that reorder what is shown (the
 * "Trojan Source" characters) are written as {@code \}{@code uXXXX}, so what a prompt holds is visible and
 * cannot act on the terminal. Only the display is escaped; the stored text stays as typed.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** {@code text} with every control and bidi control escaped, line breaks included. */
    static String escape(String text) {
        return escape(text, false);
    }

    /** {@code text} escaped as {@link #escape(String)} does, but keeping line breaks and tabs (for messages). */
    static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = unsafe(c) && !(keepLines && (c == '\n' || c == '\t'));
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** Whether {@code c} is a control character or a bidirectional formatting character. */
    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == '\u061c' || c == '\u200e' || c == '\u200f'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
