package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code --flag} parser: values, aliases, quotes, unicode, em dashes and every refusal. */
class PromptParserTest {

    @Test
    void readsEveryFlagOfTheMidjourneyExample() {
        ParsedPrompt parsed = PromptParser.parse("a red fox in the snow --seed 42 --ar 16:9 --no text, blurry "
                + "--steps 30 --cfg 7 --sampler euler-a --strength 0.6");

        assertThat(parsed.prompt()).isEqualTo("a red fox in the snow");
        PromptOptions o = parsed.options();
        assertThat(o.value("seed")).isEqualTo(42L);
        assertThat(o.aspect()).isEqualTo(new AspectRatio(16, 9));
        assertThat(o.value("negativePrompt")).isEqualTo("text, blurry");
        assertThat(o.value("steps")).isEqualTo(30);
        assertThat(o.value("guidance")).isEqualTo(7.0);
        assertThat(o.value("sampler")).isEqualTo(SamplerKind.EULER_ANCESTRAL);
        assertThat(o.value("strength")).isEqualTo(0.6);
        assertThat(o.value("count")).isNull();
        assertThat(o.value("width")).isNull();
    }

    @Test
    void readsTheOtherFlags() {
        PromptOptions o = PromptParser.parse("castle --count 3 --size 768x512 --subseed 7 --subseed-strength 0.3 "
                + "--upscale 1.5 --hires-strength 0.4").options();

        assertThat(o.value("count")).isEqualTo(3);
        assertThat(o.value("width")).isEqualTo(768);
        assertThat(o.value("height")).isEqualTo(512);
        assertThat(o.value("subseed")).isEqualTo(7L);
        assertThat(o.value("subseedStrength")).isEqualTo(0.3);
        assertThat(o.value("upscale")).isEqualTo(1.5);
        assertThat(o.value("hiresStrength")).isEqualTo(0.4);
    }

    @Test
    void aliasesSetTheSameOptions() {
        PromptOptions o = PromptParser.parse("castle --aspect 2:3 --guidance 7.5 --negative fog --n 2 --vary 0.1")
                .options();

        assertThat(o.aspect()).isEqualTo(new AspectRatio(2, 3));
        assertThat(o.value("guidance")).isEqualTo(7.5);
        assertThat(o.value("negativePrompt")).isEqualTo("fog");
        assertThat(o.value("count")).isEqualTo(2);
        assertThat(o.value("subseedStrength")).isEqualTo(0.1);
    }

    @Test
    void flagNamesIgnoreCaseAndMayUseEquals() {
        PromptOptions o = PromptParser.parse("castle --SEED 5 --Ar=3:2 --Sampler DDIM").options();

        assertThat(o.value("seed")).isEqualTo(5L);
        assertThat(o.aspect()).isEqualTo(new AspectRatio(3, 2));
        assertThat(o.value("sampler")).isEqualTo(SamplerKind.DDIM);
    }

    @Test
    void anEmDashCountsAsTwoHyphens() {
        // U+2014, what iOS and Android keyboards make of "--"
        ParsedPrompt parsed = PromptParser.parse("a lighthouse \u2014ar 16:9 \u2014no people");

        assertThat(parsed.prompt()).isEqualTo("a lighthouse");
        assertThat(parsed.options().aspect()).isEqualTo(new AspectRatio(16, 9));
        assertThat(parsed.options().value("negativePrompt")).isEqualTo("people");
    }

    @Test
    void quotesGroupAValueThatHoldsDashes() {
        PromptOptions o = PromptParser.parse("poster --no \"text --ar, logos\" --steps 20").options();

        assertThat(o.value("negativePrompt")).isEqualTo("text --ar, logos");
        assertThat(o.value("steps")).isEqualTo(20);
        assertThat(o.aspect()).isNull();
    }

    @Test
    void singleAndCurlyQuotesGroupToo() {
        assertThat(PromptParser.parse("poster --no 'a --b'").options().value("negativePrompt")).isEqualTo("a --b");
        assertThat(PromptParser.parse("poster --no \u201ca --b\u201d").options().value("negativePrompt")).isEqualTo("a --b");
    }

    @Test
    void anEmptyQuotedNegativeAsksForNone() {
        assertThat(PromptParser.parse("poster --no \"\"").options().value("negativePrompt")).isEqualTo("");
    }

    @Test
    void quotesAndApostrophesInThePromptStayAsTyped() {
        ParsedPrompt parsed = PromptParser.parse("a sign saying \"don't panic\", the cat's hat --seed 1");

        assertThat(parsed.prompt()).isEqualTo("a sign saying \"don't panic\", the cat's hat");
    }

    @Test
    void unicodePromptsAreKeptAndWhitespaceIsNormalised() {
        ParsedPrompt parsed = PromptParser.parse("  東京の夜景\u00a0\u00a0🌃\n\tネオン   --no  ぼやけ,   文字 ");

        assertThat(parsed.prompt()).isEqualTo("東京の夜景 🌃 ネオン");
        assertThat(parsed.options().value("negativePrompt")).isEqualTo("ぼやけ, 文字");
    }

    @Test
    void doubleHyphensInsideWordsOrBeforeDigitsAreText() {
        ParsedPrompt parsed = PromptParser.parse("well--known -- bridge --8k");

        assertThat(parsed.prompt()).isEqualTo("well--known -- bridge --8k");
        assertThat(parsed.options()).isEqualTo(PromptOptions.NONE);
    }

    @Test
    void sdxlOriginalSizeAndCropSetTwoParametersEach() {
        PromptOptions o = PromptParser.parse("castle --original-size 2048x1536 --crop 64,32").options();
        assertThat(o.value("originalWidth")).isEqualTo(2048);
        assertThat(o.value("originalHeight")).isEqualTo(1536);
        assertThat(o.value("cropX")).isEqualTo(64);
        assertThat(o.value("cropY")).isEqualTo(32);
        assertThatThrownBy(() -> PromptParser.parse("castle --crop 64"))
                .hasMessage("--crop takes left,top such as 0,256, each from 0 to 8192, not '64'.");
        assertThatThrownBy(() -> PromptParser.parse("castle --original-size 0x512"))
                .hasMessage("--original-size takes width x height such as 2048x2048, each from 1 to 8192, not '0x512'.");
    }

    @Test
    void decimalsMayUseACommaAsPhonesInSomeCountriesDo() {
        assertThat(PromptParser.parse("x --cfg 7,5").options().value("guidance")).isEqualTo(7.5);
    }

    @Test
    void aPromptMadeOnlyOfFlagsIsRefused() {
        assertThatThrownBy(() -> PromptParser.parse("--seed 42 --ar 1:1"))
                .isInstanceOf(CommandException.class).hasMessageStartingWith("A prompt is required");
        assertThatThrownBy(() -> PromptParser.parse("   "))
                .isInstanceOf(CommandException.class).hasMessageStartingWith("A prompt is required");
    }

    @Test
    void anUnknownFlagIsNamedWithTheClosestKnownOne() {
        assertThatThrownBy(() -> PromptParser.parse("fox --sed 42"))
                .hasMessage("Unknown flag --sed; did you mean --seed?");
        assertThatThrownBy(() -> PromptParser.parse("fox --neg blur"))
                .hasMessage("Unknown flag --neg; did you mean --negative?");
        assertThatThrownBy(() -> PromptParser.parse("fox --stpes 20"))
                .hasMessage("Unknown flag --stpes; did you mean --steps?");
    }

    @Test
    void anUnknownFlagFarFromAnyListsTheFlags() {
        assertThatThrownBy(() -> PromptParser.parse("fox --quality 2"))
                .hasMessageStartingWith("Unknown flag --quality; the flags are --seed, --ar, --no,")
                .hasMessageContaining("--hires-strength");
    }

    @Test
    void aRepeatedFlagIsRefusedAlsoUnderAnAlias() {
        assertThatThrownBy(() -> PromptParser.parse("fox --seed 1 --seed 2"))
                .hasMessage("--seed is given twice; give it once.");
        assertThatThrownBy(() -> PromptParser.parse("fox --ar 1:1 --aspect 2:3"))
                .hasMessage("--ar and --aspect are the same flag; give it once.");
        assertThatThrownBy(() -> PromptParser.parse("fox \u2014no a --NEGATIVE b"))
                .hasMessage("--no and --negative are the same flag; give it once.");
    }

    @Test
    void aMalformedNumberNamesTheFlagTheValueAndTheRange() {
        assertThatThrownBy(() -> PromptParser.parse("fox --steps abc"))
                .hasMessage("--steps takes a whole number from 1 to 150, not 'abc'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --steps 500"))
                .hasMessage("--steps takes a whole number from 1 to 150, not '500'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --cfg 1e3"))
                .hasMessage("--cfg takes a number from 0 to 30, not '1e3'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --strength -0.5"))
                .hasMessage("--strength takes a number from 0 to 1, not '-0.5'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --seed 99999999999999999999999"))
                .hasMessageStartingWith("--seed takes a whole number from 0 to 4294967295, not '9999");
        assertThatThrownBy(() -> PromptParser.parse("fox --cfg NaN"))
                .hasMessage("--cfg takes a number from 0 to 30, not 'NaN'.");
    }

    @Test
    void aMalformedSizeRatioOrSamplerSaysWhatIsAllowed() {
        assertThatThrownBy(() -> PromptParser.parse("fox --size 700x500"))
                .hasMessage("--size takes width x height such as 768x512, each a multiple of 8 from 64 to 2048, "
                        + "not '700x500'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --ar 16/9"))
                .hasMessage("--ar takes width:height such as 16:9, from 1:4 to 4:1, not '16/9'.");
        assertThatThrownBy(() -> PromptParser.parse("fox --sampler eulr"))
                .hasMessageStartingWith("--sampler takes one of ddim, pndm, euler, euler-a,")
                .hasMessageEndingWith("not 'eulr' (did you mean euler?).");
    }

    @Test
    void thePromptSyntaxFlagTakesA1111OrPlainAndLeavesTheBracketsInThePrompt() {
        ParsedPrompt parsed = PromptParser.parse("a (fox:1.3), [blurry] --syntax PLAIN");
        assertThat(parsed.prompt()).isEqualTo("a (fox:1.3), [blurry]");
        assertThat(parsed.options().value("promptSyntax")).isEqualTo(PromptSyntax.PLAIN);
        assertThat(PromptParser.parse("fox --prompt-syntax a1111").options().value("promptSyntax"))
                .isEqualTo(PromptSyntax.A1111);
        assertThatThrownBy(() -> PromptParser.parse("fox --prompt-syntax comfy"))
                .hasMessage("--prompt-syntax takes a1111 or plain, not 'comfy'.");
    }

    @Test
    void aPromptAfterAFlagGetsAHint() {
        assertThatThrownBy(() -> PromptParser.parse("--seed 42 a red fox"))
                .hasMessage("--seed takes a whole number from 0 to 4294967295, not '42 a red fox'; write the prompt "
                        + "before the flags.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fox --seed", "fox --seed   ", "fox --no --seed 1", "fox --ar \u2014seed 2"})
    void aFlagWithoutAValueSaysWhatItNeeds(String text) {
        assertThatThrownBy(() -> PromptParser.parse(text)).isInstanceOf(CommandException.class)
                .hasMessageMatching("--(seed|no|ar) needs a value: .*\\.");
    }

    @Test
    void anUnclosedQuoteIsRefused() {
        assertThatThrownBy(() -> PromptParser.parse("fox --no \"text, blurry"))
                .hasMessage("The quote after --no is never closed.");
    }

    @Test
    void textAfterAClosingQuoteIsRefused() {
        assertThatThrownBy(() -> PromptParser.parse("fox --no \"text\" and more"))
                .hasMessage("--no has 'and more' after its closing quote; write the prompt before the flags.");
    }

    @Test
    void aLongBadValueIsShownCut() {
        String value = "x".repeat(500);
        assertThatThrownBy(() -> PromptParser.parse("fox --steps " + value))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120).contains("\u2026"));
    }
}
