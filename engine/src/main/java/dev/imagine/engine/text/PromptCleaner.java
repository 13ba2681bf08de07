package dev.imagine.engine.text;

import java.nio.charset.Charset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Entities;

/**
 * CLIP's prompt clean-up without ftfy: HTML-unescape twice, strip, collapse whitespace runs to one space,
 * strip, lower-case. Python's {@code str.strip} also strips U+001C..U+001F, which are not White_Space.
 *
 * <p>{@link #unescapeHtml} follows Python's {@code html.unescape} rule for rule (numeric references with
 * the HTML5 replacement table, legacy entities without {@code ;}, longest legacy prefix), taking only the
 * entity table from jsoup. jsoup's own {@code Parser.unescapeEntities} differs from Python for
 * {@code &#0;} (U+0000 instead of U+FFFD), surrogates (a lone surrogate instead of U+FFFD) and
 * non-characters such as {@code &#1;} or {@code &#xFFFE;} (kept instead of dropped).
 */
final class PromptCleaner {
    private static final Pattern CHAR_REF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final String REPLACEMENT = "\uFFFD";

    private PromptCleaner() {
    }

    /** The text CLIP tokenizes: unescaped, whitespace-collapsed, stripped and lower-cased. */
    static String clean(String text) {
        String unescaped = stripPython(unescapeHtml(unescapeHtml(text)));
        return stripPython(collapseWhiteSpace(unescaped)).toLowerCase(Locale.ROOT);
    }

    /**
     * Python's {@code re.sub(r'\s+', ' ', text)} with the {@code regex} module: every run of White_Space
     * characters becomes one space. (White_Space lies in the BMP, so scanning chars is enough.)
     */
    static String collapseWhiteSpace(String text) {
        StringBuilder out = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!PromptSplitter.isWhiteSpace(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            int end = i + 1;
            while (end < length && PromptSplitter.isWhiteSpace(text.charAt(end))) {
                end++;
            }
            if (out == null) {
                if (c == ' ' && end == i + 1) {
                    continue;
                }
                out = new StringBuilder(length).append(text, 0, i);
            }
            out.append(' ');
            i = end - 1;
        }
        return out == null ? text : out.toString();
    }

    /** One pass of Python's {@code html.unescape}. */
    static String unescapeHtml(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher matcher = CHAR_REF.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (matcher.find()) {
            out.append(text, last, matcher.start()).append(replacement(matcher.group(1)));
            last = matcher.end();
        }
        return out.append(text, last, text.length()).toString();
    }

    private static String replacement(String reference) {
        if (reference.charAt(0) == '#') {
            return numericReplacement(reference);
        }
        boolean terminated = reference.endsWith(";");
        String name = terminated ? reference.substring(0, reference.length() - 1) : reference;
        if (terminated ? Entities.isNamedEntity(name) : Entities.isBaseNamedEntity(name)) {
            return Entities.getByName(name);
        }
        for (int end = reference.length() - 1; end > 1; end--) {
            String prefix = reference.substring(0, end);
            if (Entities.isBaseNamedEntity(prefix)) {
                return Entities.getByName(prefix) + reference.substring(end);
            }
        }
        return "&" + reference;
    }

    private static String numericReplacement(String reference) {
        boolean hex = reference.charAt(1) == 'x' || reference.charAt(1) == 'X';
        int end = reference.endsWith(";") ? reference.length() - 1 : reference.length();
        int codePoint = parseCodePoint(reference.substring(hex ? 2 : 1, end), hex ? 16 : 10);
        if (codePoint == 0) {
            return REPLACEMENT;
        }
        if (codePoint == '\r') {
            return "\r";
        }
        if (codePoint >= 0x80 && codePoint <= 0x9F) {
            String windows = new String(new byte[] {(byte) codePoint}, WINDOWS_1252);
            return windows.equals(REPLACEMENT) ? String.valueOf((char) codePoint) : windows;
        }
        if (codePoint < 0 || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
            return REPLACEMENT;
        }
        if (isNonCharacterReference(codePoint)) {
            return "";
        }
        return new String(Character.toChars(codePoint));
    }

    /** The code point of a digit string, or -1 when it is above U+10FFFF. */
    private static int parseCodePoint(String digits, int radix) {
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        if (digits.length() - start > 8) {
            return -1;
        }
        long value = Long.parseLong(digits.substring(start), radix);
        return value > Character.MAX_CODE_POINT ? -1 : (int) value;
    }

    /** Code points Python's {@code html.unescape} drops: controls and Unicode non-characters. */
    private static boolean isNonCharacterReference(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    /** Python's {@code str.strip()}: removes characters for which Python's {@code str.isspace()} holds. */
    static String stripPython(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Python's definition: bidirectional class WS, B or S, or general category Zs (all in the BMP). */
    private static boolean isPythonSpace(char c) {
        byte direction = Character.getDirectionality(c);
        return direction == Character.DIRECTIONALITY_WHITESPACE
                || direction == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || direction == Character.DIRECTIONALITY_SEGMENT_SEPARATOR
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}
