package dev.imagine.engine.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits cleaned text into CLIP's words, matching what the case-insensitive, Unicode-aware pattern
 * {@link #PATTERN} finds, without the cost of a regex engine (about ten times faster).
 *
 * <p>At each position the first alternative that matches wins: the two special token names, the
 * contractions {@code 's 't 're 've 'm 'll 'd}, a run of letters, a single number character, a run of
 * characters that are neither whitespace, letters nor numbers. Whitespace separates and is dropped.
 */
public final class PromptSplitter {
    /** The pattern of openai/CLIP, the specification this class implements. */
    static final String PATTERN =
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    private static final String[] LITERALS = {
        ClipTokenizer.START_OF_TEXT, ClipTokenizer.END_OF_TEXT, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"
    };

    private PromptSplitter() {
    }

    /** The words of {@code text}, in order. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int length = text.length();
        int i = 0;
        while (i < length) {
            int end = literalEnd(text, i);
            if (end < 0) {
                int cp = text.codePointAt(i);
                end = i + Character.charCount(cp);
                if (Character.isLetter(cp)) {
                    while (end < length && Character.isLetter(text.codePointAt(end))) {
                        end += Character.charCount(text.codePointAt(end));
                    }
                } else if (isNumber(cp)) {
                    // one number character per word
                } else if (isWhiteSpace(cp)) {
                    i = end;
                    continue;
                } else {
                    while (end < length && isOther(text.codePointAt(end))) {
                        end += Character.charCount(text.codePointAt(end));
                    }
                }
            }
            words.add(text.substring(i, end));
            i = end;
        }
        return words;
    }

    /** The end of the first of {@link #LITERALS} found at {@code start}, ignoring case; -1 if none. */
    private static int literalEnd(String text, int start) {
        char first = text.charAt(start);
        if (first != '<' && first != '\'') {
            return -1;
        }
        for (String literal : LITERALS) {
            if (matchesIgnoringCase(text, start, literal)) {
                return start + literal.length();
            }
        }
        return -1;
    }

    private static boolean matchesIgnoringCase(String text, int start, String literal) {
        if (start + literal.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < literal.length(); k++) {
            char c = text.charAt(start + k);
            char wanted = literal.charAt(k);
            if (c != wanted && Character.toLowerCase(Character.toUpperCase(c)) != wanted) {
                return false;
            }
        }
        return true;
    }

    /** Unicode general category N (Nd, Nl, No), i.e. {@code \p{N}}. */
    static boolean isNumber(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /**
     * The Unicode White_Space property, i.e. {@code \s} with {@code UNICODE_CHARACTER_CLASS} (also the emphasis
     * parser's white space).
     */
    public static boolean isWhiteSpace(int cp) {
        if (cp >= 0x09 && cp <= 0x0D || cp == 0x85) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean isOther(int cp) {
        return !Character.isLetter(cp) && !isNumber(cp) && !isWhiteSpace(cp);
    }
}
