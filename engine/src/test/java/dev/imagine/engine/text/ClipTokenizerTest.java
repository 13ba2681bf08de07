package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tokenizer against the real SD 1.x vocabulary.
 *
 * <p>Expected ids: the first four prompts are published reference values; all others were computed with
 * an independent pure-Python re-statement of openai/CLIP {@code simple_tokenizer.py} (no ftfy) reading
 * {@code bpe_simple_vocab_16e6.txt.gz}, with {@code \p{L}}/{@code \p{N}} emulated by
 * {@code unicodedata.category} and {@code \s} by the Unicode White_Space list, and text cleaning by
 * Python's own {@code html.unescape}, {@code str.strip} and {@code str.lower}.
 */
class ClipTokenizerTest {
    private static final int BOS = 49406;
    private static final int EOS = 49407;
    private static final String PHRASE = "a photo of an astronaut riding a horse on mars, ";

    private static ClipTokenizer tokenizer;

    @BeforeEach
    void loadOnce() throws IOException {
        Path folder = ClipFixture.folder();
        if (tokenizer == null) {
            tokenizer = ClipTokenizer.load(folder);
        }
    }

    static Stream<Arguments> knownPrompts() {
        return Stream.of(
                Arguments.of("a photo of an astronaut riding a horse on mars",
                        new int[] {49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407}),
                Arguments.of("a photo of a cat", new int[] {49406, 320, 1125, 539, 320, 2368, 49407}),
                Arguments.of("Hello, World! 123", new int[] {49406, 3306, 267, 1002, 256, 272, 273, 274, 49407}),
                Arguments.of("", new int[] {49406, 49407}));
    }

    @ParameterizedTest
    @MethodSource("knownPrompts")
    void encodesKnownPromptsThenPadsWithEndToken(String prompt, int[] expected) {
        TokenizedPrompt encoded = tokenizer.encode(prompt);

        int[] ids = encoded.ids();
        assertThat(ids).hasSize(77);
        assertThat(Arrays.copyOf(ids, expected.length)).containsExactly(expected);
        assertThat(Arrays.copyOfRange(ids, expected.length, 77)).containsOnly(EOS);
        assertThat(encoded.promptTokenCount()).isEqualTo(expected.length - 2);
        assertThat(encoded.truncated()).isFalse();
        assertThat(encoded.droppedText()).isEmpty();
    }

    static Stream<Arguments> pythonDerivedPrompts() {
        return Stream.of(
                Arguments.of("1024x768", new int[] {272, 271, 273, 275, 343, 278, 277, 279}),
                Arguments.of("caf\u00e9 \u2615 na\u00efve", new int[] {15304, 26561, 1097, 35689, 563}),
                Arguments.of("\u65e5\u672c\u8a9e\u306e\u30d7\u30ed\u30f3\u30d7\u30c8",
                        new int[] {39121, 44353, 34002, 252, 21575, 2429, 245, 35827, 25914, 245, 2429, 486}),
                Arguments.of("cats &amp; dogs", new int[] {3989, 261, 3255}),
                Arguments.of("cats & dogs", new int[] {3989, 261, 3255}),
                Arguments.of("fish &amp;amp; chips", new int[] {2759, 261, 8855}),
                Arguments.of("&lt;lora:foo&gt;", new int[] {283, 2179, 320, 281, 23435, 285}),
                Arguments.of("it's", new int[] {585, 568}),
                Arguments.of("don't", new int[] {847, 713}),
                Arguments.of("we're here, I'll go, you'd", new int[] {649, 982, 763, 267, 328, 1342, 861, 267, 592, 1896}),
                Arguments.of("a\tcat\n\non  the\u00a0mat", new int[] {320, 2368, 525, 518, 9063}),
                Arguments.of("A MASTERPIECE, Best Quality!!!", new int[] {320, 12066, 267, 949, 3027, 995}),
                Arguments.of("(masterpiece:1.2), [blurry]", new int[] {263, 12066, 281, 272, 269, 273, 2361, 314, 21977, 316}),
                Arguments.of("\ud83d\udc31", new int[] {22979}),
                Arguments.of("\u0130stanbul", new int[] {328, 16384, 11231}),
                Arguments.of("Stra\u00dfe", new int[] {1894, 127, 253, 324}),
                Arguments.of("\u039f\u0394\u039f\u03a3", new int[] {138, 123, 138, 112, 138, 123, 139, 480}),
                Arguments.of("\u0661\u0662\u0663", new int[] {149, 350, 149, 351, 149, 352}),
                Arguments.of("wow!", new int[] {2781, 256}),
                Arguments.of("stop!\u00bf", new int[] {1691, 0, 17133}),
                Arguments.of("a <|endoftext|> b", new int[] {320, 49407, 321}));
    }

    @ParameterizedTest
    @MethodSource("pythonDerivedPrompts")
    void tokenizesLikeTheReference(String prompt, int[] expected) {
        assertThat(tokenizer.tokenize(prompt)).containsExactly(IntStream.of(expected).boxed().toArray(Integer[]::new));

        int[] ids = tokenizer.encode(prompt).ids();
        assertThat(ids[0]).isEqualTo(BOS);
        assertThat(Arrays.copyOfRange(ids, 1, expected.length + 1)).containsExactly(expected);
        assertThat(ids[expected.length + 1]).isEqualTo(EOS);
    }

    @Test
    void loadsSettingsOfTheSd1TokenizerFolder() {
        assertThat(tokenizer.bosId()).isEqualTo(BOS);
        assertThat(tokenizer.eosId()).isEqualTo(EOS);
        assertThat(tokenizer.padId()).isEqualTo(EOS);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.vocabSize()).isEqualTo(49408);
    }

    @Test
    void padsWithExclamationMarkLikeSd2() throws IOException {
        ClipTokenizer sd2 = ClipTokenizer.fromFiles(ClipFixture.folder().resolve("vocab.json"),
                ClipFixture.folder().resolve("merges.txt"), "!", 77);

        int[] ids = sd2.encode("a photo of a cat").ids();

        assertThat(sd2.padId()).isZero();
        assertThat(Arrays.copyOf(ids, 7)).containsExactly(49406, 320, 1125, 539, 320, 2368, 49407);
        assertThat(Arrays.copyOfRange(ids, 7, 77)).containsOnly(0);
        assertThat(sd2.decode(ids)).isEqualTo("a photo of a cat");
        // "hi !~" is 1883 0 349: the pad token's id inside the prompt is text, not padding.
        int[] withBang = sd2.encode("hi !~").ids();
        assertThat(Arrays.copyOf(withBang, 6)).containsExactly(49406, 1883, 0, 349, 49407, 0);
        assertThat(sd2.decode(withBang)).isEqualTo("hi !~");
    }

    @Test
    void cutsLongPromptInsideAWordAndReportsTheWholeWord() {
        // 76 prompt tokens; "artstation" is 1486 2631 and the cut falls between them.
        String prompt = (PHRASE.repeat(6) + "highly detailed, hyperdetailed octane render, trending on artstation")
                .substring(8);

        TokenizedPrompt encoded = tokenizer.encode(prompt);

        assertThat(encoded.ids()).containsExactly(49406, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 267, 320, 1125,
                539, 550, 18376, 6765, 320, 4558, 525, 7496, 267, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525,
                7496, 267, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 267, 320, 1125, 539, 550, 18376,
                6765, 320, 4558, 525, 7496, 267, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 267, 5302,
                12609, 267, 7997, 12609, 43040, 13024, 267, 6087, 525, 1486, 49407);
        assertThat(encoded.promptTokenCount()).isEqualTo(76);
        assertThat(encoded.keptTokenCount()).isEqualTo(75);
        assertThat(encoded.truncated()).isTrue();
        assertThat(encoded.droppedText()).isEqualTo("artstation");
    }

    @Test
    void reportsEveryDroppedWordInOrder() {
        TokenizedPrompt encoded = tokenizer.encode("cat ".repeat(70) + "a red hat, blue shoes");

        // 70 + 6 tokens (a red hat , blue shoes = 320 736 3801 267 1746 4079); the cut drops only "shoes".
        assertThat(encoded.promptTokenCount()).isEqualTo(76);
        assertThat(encoded.droppedText()).isEqualTo("shoes");

        TokenizedPrompt longer = tokenizer.encode("cat ".repeat(73) + "a red hat, blue shoes");
        assertThat(longer.promptTokenCount()).isEqualTo(79);
        assertThat(longer.droppedText()).isEqualTo("hat , blue shoes");
        // tokens 73 and 74 ("a" 320, "red" 736) are the last kept.
        assertThat(Arrays.copyOfRange(longer.ids(), 74, 76)).containsExactly(320, 736);
        assertThat(longer.ids()[76]).isEqualTo(EOS);
    }

    @Test
    void reportsMultiTokenUnicodeWordWhole() {
        // 70 "cat" + 12 tokens of one CJK word: the cut keeps 5 of its tokens.
        TokenizedPrompt encoded = tokenizer.encode(
                "cat ".repeat(70) + "\u65e5\u672c\u8a9e\u306e\u30d7\u30ed\u30f3\u30d7\u30c8");

        assertThat(encoded.promptTokenCount()).isEqualTo(82);
        assertThat(Arrays.copyOfRange(encoded.ids(), 71, 77)).containsExactly(39121, 44353, 34002, 252, 21575, EOS);
        assertThat(encoded.droppedText()).isEqualTo("\u65e5\u672c\u8a9e\u306e\u30d7\u30ed\u30f3\u30d7\u30c8");
    }

    @Test
    void fillsAllSeventySevenSlotsWithoutPaddingAtExactlySeventyFiveTokens() {
        TokenizedPrompt encoded = tokenizer.encode("cat ".repeat(75));

        int[] ids = encoded.ids();
        assertThat(ids[0]).isEqualTo(BOS);
        assertThat(Arrays.copyOfRange(ids, 1, 76)).containsOnly(2368);
        assertThat(ids[76]).isEqualTo(EOS);
        assertThat(encoded.truncated()).isFalse();
        assertThat(encoded.droppedText()).isEmpty();

        TokenizedPrompt oneMore = tokenizer.encode("cat ".repeat(76));
        assertThat(oneMore.ids()).isEqualTo(ids);
        assertThat(oneMore.promptTokenCount()).isEqualTo(76);
        assertThat(oneMore.droppedText()).isEqualTo("cat");
    }

    @Test
    void decodesBackToCleanedTextWithWordsSpaced() {
        assertThat(tokenizer.decode(tokenizer.encode("Hello, World! 123").ids())).isEqualTo("hello , world ! 1 2 3");
        assertThat(tokenizer.decode(tokenizer.encode("caf\u00e9 \u2615 na\u00efve").ids()))
                .isEqualTo("caf\u00e9 \u2615 na\u00efve");
        assertThat(tokenizer.decode(new int[] {BOS, EOS, EOS})).isEmpty();
        assertThatThrownBy(() -> tokenizer.decode(new int[] {49408}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("49408");
    }

    @Test
    void encodesTheSameFromManyThreads() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            prompts.add("prompt " + i + " of a hyperdetailed castle number" + (i * 7919) + " at dusk");
        }
        List<TokenizedPrompt> sequential = prompts.stream().map(tokenizer::encode).toList();
        ClipTokenizer fresh = reload();

        List<TokenizedPrompt> parallel = prompts.parallelStream().map(fresh::encode).toList();

        assertThat(parallel).isEqualTo(sequential);
    }

    @Test
    void tokenizesATwoThousandCharacterPromptWellUnderAMillisecond() {
        String prompt = (PHRASE + "highly detailed, \u00e9l\u00e9gant, 8k uhd! ").repeat(30).substring(0, 2000);
        for (int i = 0; i < 300; i++) {
            tokenizer.encode(prompt);
        }
        long[] nanos = new long[101];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            tokenizer.encode(prompt);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);

        assertThat(nanos[nanos.length / 2]).as("median nanoseconds per encode").isLessThan(1_000_000L);
    }

    private static ClipTokenizer reload() {
        try {
            return ClipTokenizer.load(ClipFixture.folder());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
