package dev.imagine.engine.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prompt editing and alternation as AUTOMATIC1111 schedules them at 10 steps (unless said otherwise). The expected
 * schedules are worked out from the rules in {@link PromptSchedule}'s documentation; several are the examples of
 * A1111's own {@code get_learned_conditioning_prompt_schedules} documentation.
 */
class PromptScheduleTest {
    private static List<PromptSchedule.Entry> schedule(Object... stepThenText) {
        List<PromptSchedule.Entry> entries = new ArrayList<>();
        for (int i = 0; i < stepThenText.length; i += 2) {
            entries.add(new PromptSchedule.Entry((Integer) stepThenText[i], (String) stepThenText[i + 1]));
        }
        return entries;
    }

    private static void check(String prompt, Object... expected) {
        assertThat(PromptSchedule.of(prompt, 10).entries()).as(prompt).containsExactlyElementsOf(schedule(expected));
    }

    @Test
    void aPromptWithoutEditsIsOneTextForAllSteps() {
        check("test", 10, "test");
        check("", 10, "");
        assertThat(PromptSchedule.of("test", 10).isConstant()).isTrue();
    }

    @Test
    void withoutASquareBracketEveryPromptIsItselfAtEveryStepWhateverElseItHolds() {
        for (String prompt : new String[] {"(a:1.2) b", "a | b", "a:0.5]", "\\( x \\)", "((a)", "a)b:c(", " \n "}) {
            check(prompt, 10, prompt);
        }
    }

    @Test
    void toWhenAddsTextAfterAnIntegerStep() {
        check("a [b:3]", 3, "a ", 10, "a b");
        check("a [b: 3]", 3, "a ", 10, "a b");
        check("a [b:3 ]", 3, "a ", 10, "a b");
    }

    @Test
    void fromToWhenKeepsTheSpacesAroundTheParts() {
        check("a [b : c : 1] d", 1, "a b  d", 10, "a  c  d");
    }

    @Test
    void fromEmptyToRemovesText() {
        check("a [b::4] c", 4, "a b c", 10, "a  c");
    }

    @Test
    void aNumberWithADecimalPointIsAFractionOfTheSteps() {
        // int(0.5 * 10) = 5; int(0.25 * 10) = 2 (truncated).
        check("a [b:.5] c", 5, "a  c", 10, "a b c");
        check("[x:y:0.25]", 2, "x", 10, "y");
        // "1.0" has a decimal point: 1.0 * 10 = 10, the whole run.
        check("[x:y:1.0]", 10, "x");
        // "1" has none: step 1.
        check("[x:y:1]", 1, "x", 10, "y");
    }

    @Test
    void aStepPastTheEndIsCappedAndOneBelowOneAddsNoStep() {
        check("[x:y:25]", 10, "x");
        check("[x:y:0]", 10, "y");
        check("[x:y:-3]", 10, "y");
        check("[x:y:0.05]", 10, "y");
    }

    @Test
    void fractionsScaleWithTheStepCount() {
        assertThat(PromptSchedule.of("[x:y:0.4]", 25).entries())
                .containsExactlyElementsOf(schedule(10, "x", 25, "y"));
        assertThat(PromptSchedule.of("[x:y:0.33]", 20).entries())
                .containsExactlyElementsOf(schedule(6, "x", 20, "y"));
    }

    @Test
    void emphasisInsideEditsPassesThrough() {
        check("a [[[b]]:2]", 2, "a ", 10, "a [[b]]");
        check("[(a:2):3]", 3, "", 10, "(a:2)");
    }

    @Test
    void nestedEdits() {
        check("a[b:[c:d:2]:1]e", 1, "abe", 2, "ace", 10, "ade");
    }

    @Test
    void unbalancedBracketsAreText() {
        check("a [unbalanced", 10, "a [unbalanced");
        check("((a][:b:c [d:3]", 3, "((a][:b:c ", 10, "((a][:b:c d");
    }

    @Test
    void aBarThatIsNotAnAlternationMakesThePromptUnreadable() {
        // "|" only separates options of [a|b]; here it sits inside an edit's text, which the grammar cannot read.
        check("a [{b|d{:.5] c", 10, "a [{b|d{:.5] c");
    }

    @Test
    void anEditNextToAStrayBracketIsReadAsAnEdit() {
        // A1111's grammar reads these two ways and its parser picks one by Python's per-process hash seed.
        check("[b:3]:", 3, ":", 10, "b:");
        check("x)[b:3]", 3, "x)", 10, "x)b");
    }

    @Test
    void alternationTakesOneOptionPerStep() {
        check("[a|(b:1.1)]", 1, "a", 2, "(b:1.1)", 3, "a", 4, "(b:1.1)", 5, "a", 6, "(b:1.1)", 7, "a", 8, "(b:1.1)",
                9, "a", 10, "(b:1.1)");
    }

    @Test
    void emptyAlternativesAreEmptyText() {
        check("[fe|]male", 1, "female", 2, "male", 3, "female", 4, "male", 5, "female", 6, "male", 7, "female",
                8, "male", 9, "female", 10, "male");
        check("[fe|||]male", 1, "female", 2, "male", 3, "male", 4, "male", 5, "female", 6, "male", 7, "male",
                8, "male", 9, "female", 10, "male");
    }

    @Test
    void aPromptTheGrammarCannotReadIsUsedAsWritten() {
        check("a | b [c:2]", 10, "a | b [c:2]");
        check("a [b:2] \\", 10, "a [b:2] \\");
    }

    @Test
    void aWeightLookingLikeAnEditIsEmphasis() {
        check("(a:1.2) [b]", 10, "(a:1.2) [b]");
        check("[a:b]", 10, "[a:b]");
    }

    @Test
    void escapedBracketsAreNotEdits() {
        check("\\[a:3\\]", 10, "\\[a:3\\]");
    }

    @Test
    void theEntryForASamplerCallIsTheFirstWhoseLastStepIsNotBeforeIt() {
        PromptSchedule s = PromptSchedule.of("a [b:3]", 10);
        // A1111 counts calls from 0 and compares with <=: calls 0..3 use "a ", 4..9 use "a b".
        assertThat(s.entryAt(0)).isZero();
        assertThat(s.entryAt(3)).isZero();
        assertThat(s.entryAt(4)).isEqualTo(1);
        assertThat(s.entryAt(9)).isEqualTo(1);
        // Past the last step (PNDM's extra call) the first entry is used, as A1111's fallback does.
        assertThat(s.entryAt(11)).isZero();
        assertThat(s.distinctTexts()).containsExactly("a ", "a b");
    }

    @Test
    void distinctTextsOfAnAlternationAppearOnce() {
        assertThat(PromptSchedule.of("[cat|dog] photo", 10).distinctTexts()).containsExactly("cat photo", "dog photo");
    }
}
