package dev.imagine.engine.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The emphasis rules of AUTOMATIC1111's {@code parse_prompt_attention}; each expected weight is worked out here
 * from the rules ((x) times 1.1, [x] divided by 1.1, (x:w) times w, nesting multiplies, open brackets close at the
 * end, equal neighbours join), not taken from the parser.
 */
class EmphasisParserTest {
    private static final double UP = 1.1;
    private static final double DOWN = 1 / 1.1;
    private static final double BREAK = WeightedText.BREAK_WEIGHT;

    private static List<WeightedText> runs(Object... textThenWeight) {
        List<WeightedText> runs = new ArrayList<>();
        for (int i = 0; i < textThenWeight.length; i += 2) {
            runs.add(new WeightedText((String) textThenWeight[i], ((Number) textThenWeight[i + 1]).doubleValue()));
        }
        return runs;
    }

    private static void check(String prompt, Object... expected) {
        assertThat(EmphasisParser.parse(prompt)).as(prompt).containsExactlyElementsOf(runs(expected));
    }

    @Test
    void plainTextIsOneRunOfWeightOne() {
        check("normal text", "normal text", 1.0);
    }

    @Test
    void emptyPromptIsOneEmptyRun() {
        check("", "", 1.0);
    }

    @Test
    void roundBracketsMultiplyByOnePointOne() {
        check("an (important) word", "an ", 1.0, "important", UP, " word", 1.0);
    }

    @Test
    void squareBracketsDivideByOnePointOne() {
        check("a [blurry] photo", "a ", 1.0, "blurry", DOWN, " photo", 1.0);
    }

    @Test
    void anExplicitWeightReplacesTheDefaultMultiplier() {
        check("(detailed face:1.3), masterpiece", "detailed face", 1.3, ", masterpiece", 1.0);
    }

    @Test
    void nestedBracketsMultiply() {
        check("(((sky)))", "sky", UP * UP * UP);
        check("((a:1.5))", "a", 1.5 * UP);
        check("[[a]]", "a", DOWN * DOWN);
        check("([a])", "a", DOWN * UP);
    }

    @Test
    void a1111sDocumentedExample() {
        // (((house:1.3)) -> house 1.3 * 1.1, then the first ( stays open to the end: everything after it * 1.1.
        check("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
                "a ", 1.0,
                "house", 1.3 * UP * UP,
                " ", UP,
                "on", DOWN * UP,
                " a ", UP,
                "hill", 0.5 * UP,
                ", sun, ", UP,
                "sky", UP * UP * UP * UP,
                ".", UP);
    }

    @Test
    void weightsWrittenWithoutALeadingDigitOrNegativeOrWithSpaces() {
        check("(a:.5)", "a", 0.5);
        check("(a:-1)", "a", -1.0);
        check("(a: 2 )", "a", 2.0);
        check("(a:+1.25)", "a", 1.25);
        check("(a:1.)", "a", 1.0);
    }

    @Test
    void aWeightOfOneJoinsTheNeighbours() {
        check("x (a:1) y", "x a y", 1.0);
    }

    @Test
    void unbalancedOpenBracketsCloseAtTheEnd() {
        check("(unbalanced", "unbalanced", UP);
        check("a [b (c", "a ", 1.0, "b ", DOWN, "c", UP * DOWN);
    }

    @Test
    void closingBracketsWithoutAnOpeningOneAreText() {
        check("a) b] c", "a) b] c", 1.0);
    }

    @Test
    void aWeightWithoutAnOpenBracketIsText() {
        check("a:1.5) b", "a:1.5) b", 1.0);
    }

    @Test
    void escapedBracketsAndBackslashesAreLiterals() {
        check("\\(literal\\]", "(literal]", 1.0);
        check("a \\\\ b", "a \\ b", 1.0);
        check("\\[x\\)", "[x)", 1.0);
        // A lone backslash before an ordinary character disappears.
        check("a\\b", "ab", 1.0);
    }

    @Test
    void adjacentRunsOfEqualWeightMerge() {
        check("(unnecessary)(parens)", "unnecessaryparens", UP);
    }

    @Test
    void aColonOutsideAWeightIsText() {
        check("time: noon", "time: noon", 1.0);
        check("(a:b)", "a:b", UP);
    }

    @Test
    void breakStartsANewChunkAndSwallowsTheSpaceAroundIt() {
        check("a BREAK b", "a", 1.0, "BREAK", BREAK, "b", 1.0);
    }

    @Test
    void breakAtTheStartAndAtTheEnd() {
        check("BREAK a", "", 1.0, "BREAK", BREAK, "a", 1.0);
        check("a BREAK", "a", 1.0, "BREAK", BREAK, "", 1.0);
    }

    @Test
    void breakTwiceLeavesAnEmptyRunBetween() {
        check("a BREAK BREAK b", "a", 1.0, "BREAK", BREAK, "", 1.0, "BREAK", BREAK, "b", 1.0);
    }

    @Test
    void breakMustBeUpperCaseAndAWordOfItsOwn() {
        check("a break b", "a break b", 1.0);
        check("aBREAK b", "aBREAK b", 1.0);
        check("BREAKING news", "BREAKING news", 1.0);
        assertThat(EmphasisParser.parse("a BREAK, b").get(1).isBreak()).isTrue();
    }

    @Test
    void breakInsideBracketsIsMultipliedAndSoReadAsAWord() {
        List<WeightedText> runs = EmphasisParser.parse("(a BREAK b)");
        assertThat(runs).containsExactlyElementsOf(runs("a", UP, "BREAK", BREAK * UP, "b", UP));
        assertThat(runs.get(1).isBreak()).isFalse();
    }

    @Test
    void aWeightThatIsNotANumberIsRefusedWithASentence() {
        assertThatThrownBy(() -> EmphasisParser.parse("(a:1.2.3)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the emphasis weight '1.2.3' is not a number; write it like (word:1.2)");
    }

    /**
     * The scanner against A1111's own {@code re_attention} expression (written out here as the oracle, with Java's
     * {@code UNICODE_CHARACTER_CLASS} for Python's Unicode {@code \\s} and {@code \\d}) on random prompts made of the
     * characters that matter: brackets, escapes, colons, signs, dots, ASCII and other Unicode digits (one outside the
     * BMP), Unicode white space and a zero-width space that is not white space, {@code BREAK} and letters.
     */
    @Test
    void theScannerReadsEveryPromptAsA1111sExpressionDoes() {
        String[] pieces = {"a", "b c", " ", "\u00a0", "\u2003", "\n", "\u0085", "\u200b", "(", ")", "[", "]", ":", "\\",
            "1", "0", ".", "+", "-", "BREAK", "xBREAK", "\u0661", "\ud835\udfce", "\u00e9"};
        java.util.Random random = new java.util.Random(17);
        int compared = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder prompt = new StringBuilder();
            for (int k = random.nextInt(14); k > 0; k--) {
                prompt.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = prompt.toString();
            List<WeightedText> expected;
            try {
                expected = ReAttention.parse(text);
            } catch (IllegalArgumentException e) {
                assertThatThrownBy(() -> EmphasisParser.parse(text)).as(text).hasMessage(e.getMessage());
                continue;
            }
            assertThat(EmphasisParser.parse(text)).as(text).containsExactlyElementsOf(expected);
            compared++;
        }
        assertThat(compared).isGreaterThan(15_000);
    }

    /**
     * A1111's {@code parse_prompt_attention} on its {@code re_attention} expression, the oracle for the scanner's
     * pieces (a weight's number is read by the parser's own conversion).
     */
    private static final class ReAttention {
        private static final java.util.regex.Pattern PIECE = java.util.regex.Pattern.compile(
                "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:",
                java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
        private static final java.util.regex.Pattern BREAK_WORD = java.util.regex.Pattern.compile(
                "\\s*\\bBREAK\\b\\s*", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS | java.util.regex.Pattern.DOTALL);

        static List<WeightedText> parse(String prompt) {
            List<String> texts = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            List<Integer> round = new ArrayList<>();
            List<Integer> square = new ArrayList<>();
            java.util.regex.Matcher m = PIECE.matcher(prompt);
            while (m.find()) {
                String piece = m.group();
                String weight = m.group(1);
                if (piece.startsWith("\\")) {
                    texts.add(piece.substring(1));
                    weights.add(1.0);
                } else if (piece.equals("(")) {
                    round.add(texts.size());
                } else if (piece.equals("[")) {
                    square.add(texts.size());
                } else if (weight != null && !round.isEmpty()) {
                    multiply(weights, round.remove(round.size() - 1), EmphasisParser.number(weight));
                } else if (piece.equals(")") && !round.isEmpty()) {
                    multiply(weights, round.remove(round.size() - 1), UP);
                } else if (piece.equals("]") && !square.isEmpty()) {
                    multiply(weights, square.remove(square.size() - 1), DOWN);
                } else {
                    String[] parts = BREAK_WORD.split(piece, -1);
                    for (int i = 0; i < parts.length; i++) {
                        if (i > 0) {
                            texts.add(WeightedText.BREAK);
                            weights.add(BREAK);
                        }
                        texts.add(parts[i]);
                        weights.add(1.0);
                    }
                }
            }
            round.forEach(start -> multiply(weights, start, UP));
            square.forEach(start -> multiply(weights, start, DOWN));
            if (texts.isEmpty()) {
                texts.add("");
                weights.add(1.0);
            }
            List<WeightedText> merged = new ArrayList<>();
            StringBuilder text = new StringBuilder(texts.get(0));
            double current = weights.get(0);
            for (int i = 1; i < texts.size(); i++) {
                if (weights.get(i) == current) {
                    text.append(texts.get(i));
                } else {
                    merged.add(new WeightedText(text.toString(), current));
                    text = new StringBuilder(texts.get(i));
                    current = weights.get(i);
                }
            }
            merged.add(new WeightedText(text.toString(), current));
            return merged;
        }

        private static void multiply(List<Double> weights, int start, double by) {
            for (int i = start; i < weights.size(); i++) {
                weights.set(i, weights.get(i) * by);
            }
        }
    }
}
