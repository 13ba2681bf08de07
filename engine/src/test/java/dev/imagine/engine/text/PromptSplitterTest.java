package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written splitter against CLIP's pattern run by java.util.regex, which is its specification. */
class PromptSplitterTest {
    private static final Pattern CLIP = Pattern.compile(PromptSplitter.PATTERN,
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern LETTER = Pattern.compile("\\p{L}", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern NUMBER = Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS);

    private static final String[] FRAGMENTS = {
        "a", "cat", "S", "T", "RE", "ll", "D", "m", "ve", "x", "\u017f", "\u0130", "\u00e9", "e\u0301", "\u0307",
        "'", "''", "'s", "'S", "'\u017f", "'re", "'ll", "'d", "'m", "'ve", "'t",
        "<|startoftext|>", "<|ENDOFTEXT|>", "<|endoftext", "<|", "|>", "<", "!", "!!", ",", ".", "(", ")", ":", "#",
        "1", "23", "\u0661", "\u216b", "\u00bd", "\u2460",
        " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\u001c", "\u200b",
        "\u65e5\u672c", "\u30d7", "\ud83d\udc31", "\ud83d\udc4d\ud83c\udffd", "\ud835\udc00", "\ud800", "\u2615", "\ufe0f"
    };

    @Test
    void characterClassesMatchTheRegexOnEveryCodePoint() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = new String(Character.toChars(cp));
            assertThat(PromptSplitter.isWhiteSpace(cp)).as("White_Space U+%04X", cp)
                    .isEqualTo(WHITE_SPACE.matcher(s).matches());
            assertThat(Character.isLetter(cp)).as("letter U+%04X", cp).isEqualTo(LETTER.matcher(s).matches());
            assertThat(PromptSplitter.isNumber(cp)).as("number U+%04X", cp).isEqualTo(NUMBER.matcher(s).matches());
        }
    }

    @Test
    void splitsRandomTextExactlyLikeTheRegex() {
        Random random = new Random(20240611L);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            String s = text.toString();

            assertThat(PromptSplitter.split(s)).as("split of %s", s).isEqualTo(regexWords(s));
        }
    }

    @Test
    void splitsDigitsOneByOneAndKeepsContractions() {
        // Same pieces as the Python reference prints for these cleaned prompts.
        assertThat(PromptSplitter.split("1024x768")).containsExactly("1", "0", "2", "4", "x", "7", "6", "8");
        assertThat(PromptSplitter.split("we're here, i'll go, you'd"))
                .containsExactly("we", "'re", "here", ",", "i", "'ll", "go", ",", "you", "'d");
        assertThat(PromptSplitter.split("(masterpiece:1.2), [blurry]"))
                .containsExactly("(", "masterpiece", ":", "1", ".", "2", "),", "[", "blurry", "]");
        assertThat(PromptSplitter.split("a <|endoftext|> b")).containsExactly("a", "<|endoftext|>", "b");
        assertThat(PromptSplitter.split("")).isEmpty();
    }

    private static List<String> regexWords(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = CLIP.matcher(text);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }
}
