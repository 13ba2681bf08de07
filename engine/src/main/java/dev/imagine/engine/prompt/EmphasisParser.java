package dev.imagine.engine.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
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

    /** The pieces a prompt is read in, in A1111's order of preference. */
    private static final Pattern PIECE = Pattern.compile(
            "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);

    private EmphasisParser() {
    }

    /**
     * The runs of {@code prompt} with their weights; never empty (an empty prompt is one empty run of weight 1).
     *
     * @throws IllegalArgumentException when an explicit weight such as {@code (a:1.2.3)} is not a number
     */
    public static List<WeightedText> parse(String prompt) {
        List<Run> runs = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> square = new ArrayList<>();
        Matcher m = PIECE.matcher(prompt);
        while (m.find()) {
            String piece = m.group();
            String weight = m.group(1);
            if (piece.startsWith("\\")) {
                runs.add(new Run(piece.substring(1), 1.0));
            } else if (piece.equals("(")) {
                round.add(runs.size());
            } else if (piece.equals("[")) {
                square.add(runs.size());
            } else if (weight != null && !round.isEmpty()) {
                multiply(runs, round.remove(round.size() - 1), number(weight));
            } else if (piece.equals(")") && !round.isEmpty()) {
                multiply(runs, round.remove(round.size() - 1), ROUND);
            } else if (piece.equals("]") && !square.isEmpty()) {
                multiply(runs, square.remove(square.size() - 1), SQUARE);
            } else {
                String[] parts = BREAK.split(piece, -1);
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) {
                        runs.add(new Run(WeightedText.BREAK, WeightedText.BREAK_WEIGHT));
                    }
                    runs.add(new Run(parts[i], 1.0));
                }
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

    private static void multiply(List<Run> runs, int start, double multiplier) {
        for (int i = start; i < runs.size(); i++) {
            runs.get(i).weight *= multiplier;
        }
    }

    /** Python's {@code float()} of what {@code [+-]?[.\d]+} matched, any Unicode decimal digit included. */
    private static double number(String text) {
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
