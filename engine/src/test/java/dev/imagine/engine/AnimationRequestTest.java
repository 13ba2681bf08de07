package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where frames sit: exact fractions for linear and smooth spacing, more keyframes and the way back. */
class AnimationRequestTest {
    private static final Keyframe A = new Keyframe("a", 1L);
    private static final Keyframe B = new Keyframe("b", 2L);
    private static final Keyframe C = new Keyframe("c", null);

    private static AnimationRequest request(Ease ease, boolean loop, int frames, Keyframe... keyframes) {
        return new AnimationRequest(List.of(keyframes), frames, ease, loop, 8, null);
    }

    private static List<String> describe(AnimationRequest request) {
        return request.frames().stream().map(f -> f.index() + ":" + f.from() + ">" + f.to() + "@" + f.t()).toList();
    }

    @Test
    void linearFramesAreEvenlySpacedAndIncludeBothKeyframes() {
        assertThat(describe(request(Ease.LINEAR, false, 5, A, B)))
                .containsExactly("0:0>1@0.0", "1:0>1@0.25", "2:0>1@0.5", "3:0>1@0.75", "4:0>1@1.0");
    }

    @Test
    void smoothFramesFollowSmoothstep() {
        // s = 0.25 -> 0.25^2 * (3 - 0.5) = 0.15625; s = 0.75 -> 0.5625 * 1.5 = 0.84375
        assertThat(describe(request(Ease.SMOOTH, false, 5, A, B)))
                .containsExactly("0:0>1@0.0", "1:0>1@0.15625", "2:0>1@0.5", "3:0>1@0.84375", "4:0>1@1.0");
    }

    @Test
    void theLastFrameOfASegmentIsTheFirstOfTheNext() {
        AnimationRequest request = request(Ease.LINEAR, false, 3, A, B, C);
        assertThat(request.frameCount()).isEqualTo(5);
        assertThat(describe(request))
                .containsExactly("0:0>1@0.0", "1:0>1@0.5", "2:0>1@1.0", "3:1>2@0.5", "4:1>2@1.0");
    }

    @Test
    void loopAddsTheWayBackAndLeavesOutTheRepeatedFirstFrame() {
        AnimationRequest request = request(Ease.LINEAR, true, 3, A, B);
        assertThat(request.frameCount()).isEqualTo(4);
        assertThat(describe(request)).containsExactly("0:0>1@0.0", "1:0>1@0.5", "2:0>1@1.0", "3:1>0@0.5");
        assertThat(describe(request(Ease.SMOOTH, true, 5, A, B, C))).hasSize(12).endsWith("11:2>0@0.84375");
    }

    @Test
    void aKeyframeWithoutASeedTakesThePreviousOne() {
        assertThat(request(Ease.LINEAR, false, 2, new Keyframe("a", null), B, C).seededKeyframes(9))
                .containsExactly(new Keyframe("a", 9L), B, new Keyframe("c", 2L));
    }

    @Test
    void badRequestsAreRefusedWithASentence() {
        assertThatThrownBy(() -> request(Ease.LINEAR, false, 1, A, B))
                .hasMessage("frames must be between 2 and 480, got 1");
        assertThatThrownBy(() -> request(Ease.LINEAR, true, 4, A))
                .hasMessage("a looping animation needs at least two keyframes (a second prompt or seed)");
        assertThatThrownBy(() -> new AnimationRequest(List.of(A, B), 4, Ease.LINEAR, false, 0, null))
                .hasMessage("fps must be between 1 and 60, got 0");
        assertThatThrownBy(() -> new AnimationRequest(List.of(A, B), 4, Ease.LINEAR, false, 8,
                GenerationRequest.builder("").count(2).build()))
                .hasMessage("an animation is text-to-image: no init image, upscale, variation seed or count");
        assertThatThrownBy(() -> new Keyframe("x", -1L)).hasMessage("seed must be between 0 and 4294967295, got -1");
        assertThatThrownBy(() -> Ease.parse("bouncy")).hasMessage("ease must be linear or smooth, got 'bouncy'");
        assertThat(Ease.parse("SMOOTH")).isEqualTo(Ease.SMOOTH);
    }

    @Test
    void encodingsOfDifferentLengthsAreMixedAfterExtendingTheShorterWithTheEmptyPrompt() {
        PromptConditioning.Side a = side(1, new float[] {1, 2}, new float[] {0, 1});
        PromptConditioning.Side b = side(2, new float[] {10, 20, 30, 40}, new float[] {1, 0});
        PromptConditioning.Side empty = side(1, new float[] {5, 7}, null);
        PromptConditioning.Side half = PromptConditioning.Side.mix(a, b, 0.5f, empty);
        assertThat(half.tokens()).isEqualTo(2);
        assertThat(half.statesAt(0)).containsExactly(5.5f, 11f, 17.5f, 23.5f);
        assertThat(half.pooledAt(0)).containsExactly(0.5f, 0.5f);
        assertThat(PromptConditioning.Side.mix(b, a, 0f, empty).statesAt(0)).containsExactly(10, 20, 30, 40);
        assertThat(PromptConditioning.Side.mix(a, side(1, new float[] {3, 4}, new float[] {0, 0}), 1f, null)
                .statesAt(3)).containsExactly(3f, 4f);
    }

    private static PromptConditioning.Side side(int tokens, float[] states, float[] pooled) {
        return new PromptConditioning.Side(tokens, List.of(states), null, new PromptUsage(1, tokens, "", ""),
                pooled == null ? null : List.of(pooled));
    }
}
