package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.config.SafetySettings.NsfwAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocked words match whole words in any case and script; flagged pictures are treated as the policy says. */
class SafetyPolicyTest {

    private static SafetyPolicy words(String... words) {
        return SafetyPolicy.of(NsfwAction.SPOILER, List.of(words), true);
    }

    @Test
    void wordsMatchWholeWordsInAnyCase() {
        SafetyPolicy policy = words("gore", "blood bath");

        assertThat(policy.blocks("gore")).isTrue();
        assertThat(policy.blocks("A GORE scene")).isTrue();
        assertThat(policy.blocks("gore, at night")).isTrue();
        assertThat(policy.blocks("(gore)")).isTrue();
        assertThat(policy.blocks("a blood\tbath")).isTrue();
        assertThat(policy.blocks("Blood  Bath")).isTrue();
        assertThat(policy.blocks("gorey")).isFalse();
        assertThat(policy.blocks("angore wool")).isFalse();
        assertThat(policy.blocks("gore_fest")).isFalse();
        assertThat(policy.blocks("a blood orange bath")).isFalse();
        assertThat(policy.blocks("bloodbath")).isFalse();
        assertThat(policy.blocks("")).isFalse();
    }

    @Test
    void wordsMatchInOtherScriptsAndCompatibilityForms() {
        SafetyPolicy policy = words("Ärger", "кровь", "gore");

        assertThat(policy.blocks("viel ärger")).isTrue();
        assertThat(policy.blocks("ÄRGERLICH")).isFalse();
        assertThat(policy.blocks("Кровь на снегу")).isTrue();
        assertThat(policy.blocks("кровью")).isFalse();
        // Full-width letters are the same word after NFKC.
        assertThat(policy.blocks("ＧＯＲＥ")).isTrue();
        // A combining mark continues a word: "gorè" (e + U+0300) is not "gore".
        assertThat(policy.blocks("gore\u0300")).isFalse();
        // Letters of another script right beside the word make it another word.
        assertThat(policy.blocks("goreкровь")).isFalse();
    }

    @Test
    void regexCharactersInWordsAreLiteral() {
        SafetyPolicy policy = words("a.b", "c++");

        assertThat(policy.blocks("x a.b y")).isTrue();
        assertThat(policy.blocks("axb")).isFalse();
        assertThat(policy.blocks("c++ code")).isTrue();
    }

    @Test
    void htmlEntitiesThatTheTokenizerUnescapesDoNotHideAWord() {
        // CLIP's tokenizer unescapes HTML twice, so the model reads each of these prompts as "a gore scene".
        SafetyPolicy policy = words("gore");

        assertThat(policy.blocks("a &#103;ore scene")).isTrue();
        assertThat(policy.blocks("a g&#x6F;re scene")).isTrue();
        assertThat(policy.blocks("a g&amp;#111;re scene")).isTrue();
        assertThat(policy.blocks("a &#xFF27;ORE scene")).isTrue();
        // Unescaping makes no new word out of others: "gor&eacute;" is "goré".
        assertThat(policy.blocks("gor&eacute; &amp; more")).isFalse();
    }

    @Test
    void promptEditingAndAlternationDoNotHideAWord() {
        // The model reads "gore" at some steps of each of these prompts.
        SafetyPolicy policy = words("gore");

        assertThat(policy.blocks("a [g|g]ore scene")).isTrue();
        assertThat(policy.blocks("a [g|m]ore scene")).isTrue();
        assertThat(policy.blocks("a [x:g:0.5]ore scene")).isTrue();
        assertThat(policy.blocks("a [:g:3]ore scene")).isTrue();
        assertThat(policy.blocks("a [g&#111;|x]re scene")).isTrue();
        // No option makes the word: "gor" and "e", "more" and "bore".
        assertThat(policy.blocks("a [gor|e] scene")).isFalse();
        assertThat(policy.blocks("a [m|b]ore scene")).isFalse();
    }

    @Test
    void noWordsBlockNothing() {
        assertThat(SafetyPolicy.NONE.blocks("anything at all")).isFalse();
    }

    @Test
    void treatmentFollowsTheActionAndAgeRestrictedPlaces() {
        SafetyPolicy spoiler = SafetyPolicy.of(NsfwAction.SPOILER, List.of(), true);
        SafetyPolicy block = SafetyPolicy.of(NsfwAction.BLOCK, List.of(), true);
        SafetyPolicy allow = SafetyPolicy.of(NsfwAction.ALLOW, List.of(), true);
        SafetyPolicy strict = SafetyPolicy.of(NsfwAction.BLOCK, List.of(), false);

        assertThat(spoiler.treatment(false, false)).isEqualTo(SafetyPolicy.Treatment.AS_IS);
        assertThat(spoiler.treatment(true, false)).isEqualTo(SafetyPolicy.Treatment.SPOILER);
        assertThat(spoiler.treatment(true, true)).isEqualTo(SafetyPolicy.Treatment.AS_IS);
        assertThat(block.treatment(true, false)).isEqualTo(SafetyPolicy.Treatment.WITHHOLD);
        assertThat(block.treatment(true, true)).isEqualTo(SafetyPolicy.Treatment.AS_IS);
        assertThat(allow.treatment(true, false)).isEqualTo(SafetyPolicy.Treatment.AS_IS);
        assertThat(strict.treatment(true, true)).isEqualTo(SafetyPolicy.Treatment.WITHHOLD);
        assertThat(strict.treatment(false, true)).isEqualTo(SafetyPolicy.Treatment.AS_IS);
    }
}
