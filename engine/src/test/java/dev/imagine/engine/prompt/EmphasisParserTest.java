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
}
