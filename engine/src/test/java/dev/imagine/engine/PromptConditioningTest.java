package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.text.ClipTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The states a job's prompts give, step by step, with a stand-in text encoder whose output is a known function of
 * the ids (each token's {@value #HIDDEN} values are {@code id}, {@code id + 0.5}, {@code position}), on the tiny
 * model's tokenizer. Expected values are worked out here from A1111's rules.
 */
class PromptConditioningTest {
    private static final int HIDDEN = 3;
    private static final PromptConditioning.ChunkLimit LIMIT = new PromptConditioning.ChunkLimit(8, "the limit");
    private static ClipTokenizer tokenizer;

    private final List<int[]> encoded = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ClipTokenizer.load(TestModels.folder(TinyModelSpec.tiny()).resolve("tokenizer"));
    }

    private List<float[]> encode(List<int[]> chunks) {
        encoded.addAll(chunks);
        List<float[]> states = new ArrayList<>();
        for (int[] ids : chunks) {
            states.add(raw(ids));
        }
        return states;
    }

    private static float[] raw(int[] ids) {
        float[] z = new float[ids.length * HIDDEN];
        for (int t = 0; t < ids.length; t++) {
            z[t * HIDDEN] = ids[t];
            z[t * HIDDEN + 1] = ids[t] + 0.5f;
            z[t * HIDDEN + 2] = t;
        }
        return z;
    }

    private PromptConditioning a1111(String prompt, String negative, boolean guided, int steps) throws Exception {
        return PromptConditioning.a1111(tokenizer, this::encode, 77, prompt, negative, guided, steps, LIMIT);
    }

    /** The plain 77 ids of a text without syntax. */
    private static int[] ids(String text) {
        return tokenizer.encode(text).ids();
    }

    @Test
    void aPlainPromptIsItsOwnEncodingAndCostsOneCallPerPrompt() throws Exception {
        PromptConditioning c = a1111("x y", "z", true, 10);
        assertThat(c.encodedChunks()).isEqualTo(2);
        assertThat(encoded).containsExactly(ids("z"), ids("x y"));
        assertThat(c.cond().statesAt(0)).containsExactly(raw(ids("x y")));
        assertThat(c.uncond().statesAt(9)).containsExactly(raw(ids("z")));
        assertThat(c.cond().tokens()).isEqualTo(77);
    }

    @Test
    void anEditSwitchesAfterItsStep() throws Exception {
        // [x:y:0.5] at 10 steps: "x z" to step int(0.5 * 10) = 5, sampler calls 0..5; " y z" from call 6.
        PromptConditioning c = a1111("[x:y:0.5] z", "", false, 10);
        for (int call = 0; call <= 5; call++) {
            assertThat(c.cond().statesAt(call)).as("call " + call).containsExactly(raw(ids("x z")));
        }
        for (int call = 6; call <= 9; call++) {
            assertThat(c.cond().statesAt(call)).as("call " + call).containsExactly(raw(ids("y z")));
        }
        assertThat(c.changesBetween(5, 6)).isTrue();
        assertThat(c.changesBetween(4, 5)).isFalse();
        assertThat(c.uncond()).isNull();
    }

    @Test
    void anEditAtAnIntegerStep() throws Exception {
        PromptConditioning c = a1111("[x:y:3] z", "", false, 10);
        assertThat(c.cond().statesAt(3)).containsExactly(raw(ids("x z")));
        assertThat(c.cond().statesAt(4)).containsExactly(raw(ids("y z")));
    }

    @Test
    void alternationTakesTheNextOptionEachStepAndEncodesEachOnce() throws Exception {
        // Entries end at steps 1, 2, 3, 4: calls 0 and 1 use "x z", 2 "y z", 3 "x z".
        PromptConditioning c = a1111("[x|y] z", "", true, 4);
        assertThat(c.cond().statesAt(0)).containsExactly(raw(ids("x z")));
        assertThat(c.cond().statesAt(1)).containsExactly(raw(ids("x z")));
        assertThat(c.cond().statesAt(2)).containsExactly(raw(ids("y z")));
        assertThat(c.cond().statesAt(3)).containsExactly(raw(ids("x z")));
        assertThat(c.encodedChunks()).isEqualTo(3);
        assertThat(encoded).containsExactly(ids(""), ids("x z"), ids("y z"));
    }

    @Test
    void emphasisRestoresTheMeanOverTheWholeScheduleBatch() throws Exception {
        // [(x:1.5)|y] over 3 steps: entries "(x:1.5)", "y", "(x:1.5)", so A1111's batch is [x, y, x].
        PromptConditioning c = a1111("[(x:1.5)|y]", "", false, 3);
        float[] x = raw(ids("x"));
        float[] y = raw(ids("y"));
        float[] multipliers = new float[77];
        Arrays.fill(multipliers, 1f);
        multipliers[1] = 1.5f;
        double before = 0;
        double after = 0;
        float[] xWeighted = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            xWeighted[k] = x[k] * multipliers[k / HIDDEN];
            before += 2.0 * x[k] + y[k];
            after += 2.0 * xWeighted[k] + y[k];
        }
        float restore = (float) (before / (3 * x.length)) / (float) (after / (3 * x.length));
        float[] expectedX = new float[x.length];
        float[] expectedY = new float[y.length];
        for (int k = 0; k < x.length; k++) {
            expectedX[k] = xWeighted[k] * restore;
            expectedY[k] = y[k] * restore;
        }
        assertThat(restore).isNotEqualTo(1f);
        assertThat(c.cond().statesAt(0)).containsExactly(expectedX);
        assertThat(c.cond().statesAt(2)).containsExactly(expectedY);
    }

    @Test
    void chunksAreJoinedOnTheSequenceAxisAndShorterTextsGetEmptyChunks() throws Exception {
        String many = String.join(" ", Collections.nCopies(80, "x"));
        PromptConditioning c = a1111("[" + many + ":y:0.5]", "", false, 10);
        assertThat(c.cond().tokens()).isEqualTo(154);
        int[] first = ids(String.join(" ", Collections.nCopies(75, "x")));
        int[] second = ids(String.join(" ", Collections.nCopies(5, "x")));
        float[] long0 = c.cond().statesAt(0);
        assertThat(long0).hasSize(154 * HIDDEN);
        assertThat(Arrays.copyOfRange(long0, 0, 77 * HIDDEN)).containsExactly(raw(first));
        assertThat(Arrays.copyOfRange(long0, 77 * HIDDEN, 154 * HIDDEN)).containsExactly(raw(second));
        float[] short9 = c.cond().statesAt(9);
        assertThat(Arrays.copyOfRange(short9, 0, 77 * HIDDEN)).containsExactly(raw(ids("y")));
        assertThat(Arrays.copyOfRange(short9, 77 * HIDDEN, 154 * HIDDEN)).containsExactly(raw(ids("")));
        assertThat(c.cond().usage()).isEqualTo(new PromptUsage(2, 80, "", ""));
        assertThat(encoded).hasSize(4);
    }

    @Test
    void chunksPastTheLimitAreCutAndTheirWordsNamed() throws Exception {
        String text = String.join(" ", Collections.nCopies(75, "x")) + " y z";
        PromptConditioning c = PromptConditioning.a1111(tokenizer, this::encode, 77, text, "", false, 10,
                new PromptConditioning.ChunkLimit(1, "one chunk only"));
        assertThat(c.cond().tokens()).isEqualTo(77);
        assertThat(c.cond().usage()).isEqualTo(new PromptUsage(1, 75, "y z", "one chunk only"));
    }
}
