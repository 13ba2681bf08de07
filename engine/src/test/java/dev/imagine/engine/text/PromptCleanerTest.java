package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text cleaning against Python. Every expected string was produced by Python 3.11: {@code html.unescape(s)}
 * for the unescape table; for the clean table {@code html.unescape} twice, {@code str.strip}, a collapse of
 * Unicode White_Space runs to one space (what the {@code regex} module's {@code \s+} matches), {@code strip}
 * again, {@code str.lower}.
 */
class PromptCleanerTest {

    static Stream<Arguments> pythonUnescape() {
        return Stream.of(
                Arguments.of("&amp;", "&"),
                Arguments.of("&lt;", "<"),
                Arguments.of("&gt;", ">"),
                Arguments.of("&#39;", "'"),
                Arguments.of("&#x27;", "'"),
                Arguments.of("&quot;", "\""),
                Arguments.of("&nbsp;", "\u00A0"),
                Arguments.of("&amp", "&"),
                Arguments.of("&ampx", "&x"),
                Arguments.of("&ampamp;", "&amp;"),
                Arguments.of("&notit;", "\u00ACit;"),
                Arguments.of("&notin;", "\u2209"),
                Arguments.of("&AMP;", "&"),
                Arguments.of("&Amp;", "&Amp;"),
                Arguments.of("&#65", "A"),
                Arguments.of("&#x41;", "A"),
                Arguments.of("&#X41;", "A"),
                Arguments.of("&#x41g", "Ag"),
                Arguments.of("&#65a", "Aa"),
                Arguments.of("&#128;", "\u20AC"),
                Arguments.of("&#x80;", "\u20AC"),
                Arguments.of("&#129;", "\u0081"),
                Arguments.of("&#x9F;", "\u0178"),
                Arguments.of("&#0;", "\uFFFD"),
                Arguments.of("&#13;", "\r"),
                Arguments.of("&#1;", ""),
                Arguments.of("&#xD800;", "\uFFFD"),
                Arguments.of("&#x110000;", "\uFFFD"),
                Arguments.of("&#99999999999999999;", "\uFFFD"),
                Arguments.of("&#xFFFE;", ""),
                Arguments.of("&#x1FFFF;", ""),
                Arguments.of("&#xFDD0;", ""),
                Arguments.of("&copy", "\u00A9"),
                Arguments.of("&copysr;", "\u2117"),
                Arguments.of("&hellip;", "\u2026"),
                Arguments.of("&unknown;", "&unknown;"),
                Arguments.of("& amp;", "& amp;"),
                Arguments.of("&;", "&;"),
                Arguments.of("&#;", "&#;"),
                Arguments.of("&#x;", "&#x;"),
                Arguments.of("&&amp;", "&&"),
                Arguments.of("&amp;amp;", "&amp;"),
                Arguments.of("a&b", "a&b"),
                Arguments.of("AT&T", "AT&T"),
                Arguments.of("R&amp;D", "R&D"),
                Arguments.of("&NotEqualTilde;", "\u2242\u0338"),
                Arguments.of("&fjlig;", "fj"),
                Arguments.of("&lt", "<"),
                Arguments.of("&ltx", "<x"),
                Arguments.of("&LT", "<"),
                Arguments.of("&apos;", "'"),
                Arguments.of("&apos", "&apos"),
                Arguments.of("&nbsp", "\u00A0"),
                Arguments.of("&eacute", "\u00E9"),
                Arguments.of("&eacutex;", "\u00E9x;"),
                Arguments.of("&#x1F600;", "\uD83D\uDE00"),
                Arguments.of("&#65;&#66;", "AB"),
                Arguments.of("&#00000000065;", "A"),
                Arguments.of("&#x0000041;", "A"),
                Arguments.of("&frac12x", "\u00BDx"),
                Arguments.of("&sup2", "\u00B2"),
                Arguments.of("&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;"),
                Arguments.of("&lt;3 &#x2764;&#xFE0F;", "<3 \u2764\uFE0F"),
                Arguments.of("no entity $1 \\ here", "no entity $1 \\ here"));
    }

    @ParameterizedTest
    @MethodSource("pythonUnescape")
    void unescapesLikePythonHtmlUnescape(String input, String expected) {
        assertThat(PromptCleaner.unescapeHtml(input)).isEqualTo(expected);
    }

    @Test
    void differsFromJsoupWherePythonDropsOrReplacesCodePoints() {
        // Why unescapeHtml exists: jsoup's own decoder keeps these, Python's html.unescape does not.
        assertThat(Parser.unescapeEntities("&#0;|&#1;|&#xFFFE;", false)).isNotEqualTo("\uFFFD||");
        assertThat(PromptCleaner.unescapeHtml("&#0;|&#1;|&#xFFFE;")).isEqualTo("\uFFFD||");
    }

    @Test
    void collapsesWhiteSpaceLikeTheUnicodeRegex() {
        Pattern whiteSpaceRun = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
        String[] pieces = {" ", "  ", "\t", "\n\r", "\u00a0", "\u3000", "\u2028", "\u0085", "\u001c", "\u200b", "a", "b c",
            "\ud83d\udc31", "\u0301"};
        Random random = new Random(7L);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int p = random.nextInt(10); p >= 0; p--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = text.toString();

            assertThat(PromptCleaner.collapseWhiteSpace(s)).as("collapse of %s", s)
                    .isEqualTo(whiteSpaceRun.matcher(s).replaceAll(" "));
        }
    }

    static Stream<Arguments> pythonClean() {
        return Stream.of(
                Arguments.of("  A  Cat \t\n", "a cat"),
                Arguments.of("cats &amp;amp; dogs", "cats & dogs"),
                Arguments.of("\u001Ca cat\u001F", "a cat"),
                Arguments.of("x\u001Cy", "x\u001Cy"),
                Arguments.of("a\u3000b\u2028c\u0085d\u00A0e", "a b c d e"),
                Arguments.of("\u0130stanbul", "i\u0307stanbul"),
                Arguments.of("\u039F\u0394\u039F\u03A3 \u03A3\u0391\u03A3", "\u03BF\u03B4\u03BF\u03C2 \u03C3\u03B1\u03C2"),
                Arguments.of("\u01C5emal", "\u01C6emal"),
                Arguments.of("&nbsp; padded &nbsp;", "padded"),
                Arguments.of("&#x1c;edge", "edge"),
                Arguments.of("\u216B DOGS", "\u217B dogs"),
                Arguments.of("", ""));
    }

    @ParameterizedTest
    @MethodSource("pythonClean")
    void cleansLikeTheReference(String input, String expected) {
        assertThat(PromptCleaner.clean(input)).isEqualTo(expected);
    }
}
