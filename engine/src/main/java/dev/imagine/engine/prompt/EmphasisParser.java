package dev.imagine.engine.prompt;

import dev.imagine.engine.text.PromptSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads emphasis the way AUTOMATIC1111's {@code parse_prompt_attention} does: {@code (text)} multiplies by 1.1,
 * {@code [text]} divides by 1.1, {@code (text:1.5)} multiplies by 1.5, nesting multiplies, {@code \(}, {@code \)},
 * {@code \[}, {@code \]} and {@code \\} are literal characters (a lone backslash disappears), brackets left open are
 * closed at the end of the prompt, a closing bracket without an opening one is text, {@code BREAK} (upper case, a
 * word of its own) becomes a chunk break, and neighbouring runs of equal weight are joined.
 */
public final class EmphasisParser {
    /** Multiplier of {@code (...)}. */
    public static final double ROUND = 1.1;
    /** Multiplier of {@code [...]}. */
    public static final double SQUARE = 1 / 1.1;

    /**
     * A1111's {@code BREAK} with the space around it; only tried on text holding the word, so most prompts are read
     * without a regular expression.
     */
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);

    private EmphasisParser() {
    }

    /**
     * The runs of {@code prompt} with their weights; never empty (an empty prompt is one empty run of weight 1).
     *
     * <p>Reads the pieces A1111's {@code re_attention} expression finds, in its order of preference, with a scanner
     * instead of that expression (a regular expression cost about 20 us per prompt once compiled and 0.4 ms before,
     * on every job): {@code \(}, {@code \)}, {@code \[}, {@code \]}, {@code \\} and a lone {@code \}; {@code (} and
     * {@code [}; {@code :} followed by optional white space, a number {@code [+-]?[.\d]+}, optional white space and
     * {@code )}; {@code )} and {@code ]}; a run of anything else; and a lone {@code :}. White space and digits are
     * Unicode's, as the expression's {@code \s} and {@code \d} with {@code UNICODE_CHARACTER_CLASS}.
     *
     * @throws IllegalArgumentException when an explicit weight such as {@code (a:1.2.3)} is not a number
     */
    public static List<WeightedText> parse(String prompt) {
        List<Run> runs = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> square = new ArrayList<>();
        int length = prompt.length();
        int pos = 0;
        while (pos < length) {
            char c = prompt.charAt(pos);
            if (c == '\\') {
                char next = pos + 1 < length ? prompt.charAt(pos + 1) : 0;
                boolean escape = next == '(' || next == ')' || next == '[' || next == ']' || next == '\\';
                runs.add(new Run(escape ? String.valueOf(next) : "", 1.0));
                pos += escape ? 2 : 1;
            } else if (c == '(') {
                round.add(runs.size());
                pos++;
            } else if (c == '[') {
                square.add(runs.size());
                pos++;
            } else if (c == ':') {
                int end = explicitWeightEnd(prompt, pos);
                if (end < 0) {
                    addText(runs, ":");
                    pos++;
                } else if (round.isEmpty()) {
                    addText(runs, prompt.substring(pos, end));
                    pos = end;
                } else {
                    multiply(runs, round.remove(round.size() - 1), number(weightOf(prompt, pos, end)));
                    pos = end;
                }
            } else if (c == ')' && !round.isEmpty()) {
                multiply(runs, round.remove(round.size() - 1), ROUND);
                pos++;
            } else if (c == ']' && !square.isEmpty()) {
                multiply(runs, square.remove(square.size() - 1), SQUARE);
                pos++;
            } else if (c == ')' || c == ']') {
                addText(runs, String.valueOf(c));
                pos++;
            } else {
                int end = pos + 1;
                while (end < length && !isSpecial(prompt.charAt(end))) {
                    end++;
                }
                addText(runs, prompt.substring(pos, end));
                pos = end;
            }
        }
        for (int start : round) {
            multiply(runs, start, ROUND);
        }
        for (int start : square) {
            multiply(runs, start, SQUARE);
        }
        if (runs.isEmpty()) {
            runs.add(new Run("", 1.0));
        }
        List<WeightedText> merged = new ArrayList<>(runs.size());
        Run current = runs.get(0);
        StringBuilder text = new StringBuilder(current.text);
        for (int i = 1; i < runs.size(); i++) {
            Run next = runs.get(i);
            if (next.weight == current.weight) {
                text.append(next.text);
            } else {
                merged.add(new WeightedText(text.toString(), current.weight));
                current = next;
                text = new StringBuilder(next.text);
            }
        }
        merged.add(new WeightedText(text.toString(), current.weight));
        return merged;
    }

    /** The characters that end a run of text: brackets, the backslash and the colon. */
    private static boolean isSpecial(char c) {
        return c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ':';
    }

    /** Text of weight 1, split at each {@code BREAK} (which becomes a break run of its own). */
    private static void addText(List<Run> runs, String piece) {
        if (!piece.contains("BREAK")) {
            runs.add(new Run(piece, 1.0));
            return;
        }
        String[] parts = BREAK.split(piece, -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                runs.add(new Run(WeightedText.BREAK, WeightedText.BREAK_WEIGHT));
            }
            runs.add(new Run(parts[i], 1.0));
        }
    }

    /**
     * Where {@code :\s*[+-]?[.\d]+\s*\)} starting at the colon at {@code colon} ends (just past its {@code )}), or -1
     * when the text there is not such a weight.
     */
    private static int explicitWeightEnd(String prompt, int colon) {
        int pos = skipWhiteSpace(prompt, colon + 1);
        if (pos < prompt.length() && (prompt.charAt(pos) == '+' || prompt.charAt(pos) == '-')) {
            pos++;
        }
        int digits = pos;
        while (pos < prompt.length()) {
            int cp = prompt.codePointAt(pos);
            if (cp != '.' && !Character.isDigit(cp)) {
                break;
            }
            pos += Character.charCount(cp);
        }
        if (pos == digits) {
            return -1;
        }
        pos = skipWhiteSpace(prompt, pos);
        return pos < prompt.length() && prompt.charAt(pos) == ')' ? pos + 1 : -1;
    }

    /** The number of the weight {@code prompt[colon, end)} (as {@link #explicitWeightEnd} found it). */
    private static String weightOf(String prompt, int colon, int end) {
        int from = skipWhiteSpace(prompt, colon + 1);
        int to = end - 1;
        while (to > from && PromptSplitter.isWhiteSpace(prompt.codePointBefore(to))) {
            to -= Character.charCount(prompt.codePointBefore(to));
        }
        return prompt.substring(from, to);
    }

    private static int skipWhiteSpace(String text, int pos) {
        while (pos < text.length() && PromptSplitter.isWhiteSpace(text.codePointAt(pos))) {
            pos += Character.charCount(text.codePointAt(pos));
        }
        return pos;
    }

    private static void multiply(List<Run> runs, int start, double multiplier) {
        for (int i = start; i < runs.size(); i++) {
            runs.get(i).weight *= multiplier;
        }
    }

    /** Python's {@code float()} of what {@code [+-]?[.\d]+} matched, any Unicode decimal digit included. */
    static double number(String text) {
        StringBuilder ascii = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> ascii.append(Character.isDigit(cp)
                ? (char) ('0' + Character.digit(cp, 10)) : (char) cp));
        try {
            return Double.parseDouble(ascii.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the emphasis weight '" + text + "' is not a number; write it like "
                    + "(word:1.2)", e);
        }
    }

    /** A run being built; its weight changes as brackets close. */
    private static final class Run {
        final String text;
        double weight;

        Run(String text, double weight) {
            this.text = text;
            this.weight = weight;
        }
    }
}
