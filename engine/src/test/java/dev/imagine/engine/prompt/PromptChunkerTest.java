package dev.imagine.engine.prompt;

import static dev.imagine.engine.prompt.RealClip.A;
import static dev.imagine.engine.prompt.RealClip.BANG;
import static dev.imagine.engine.prompt.RealClip.BOS;
import static dev.imagine.engine.prompt.RealClip.COMMA;
import static dev.imagine.engine.prompt.RealClip.EOS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chunks as AUTOMATIC1111's {@code tokenize_line} makes them, on the real vocabulary ("a" is one token, 320; ","
 * is 267). Expected ids are built here from the rules: 75 prompt tokens per chunk, the comma backtrack of 20, start
 * and end tokens, end-token (SD 1.x) or {@code !} (SD 2.x) padding after the first end token.
 */
class PromptChunkerTest {
    private static PromptChunker.Chunked chunk(String prompt) {
        return new PromptChunker(RealClip.tokenizer(ClipTokenizer.END_OF_TEXT), 77).chunk(EmphasisParser.parse(prompt));
    }

    private static String as(int n) {
        return String.join(" ", Collections.nCopies(n, "a"));
    }

    /** {@code [BOS] + tokens + [EOS]} padded with EOS to 77. */
    private static int[] ids(List<Integer> tokens) {
        int[] ids = new int[77];
        Arrays.fill(ids, EOS);
        ids[0] = BOS;
        for (int i = 0; i < tokens.size(); i++) {
            ids[1 + i] = tokens.get(i);
        }
        return ids;
    }

    private static List<Integer> tokens(Object... countThenToken) {
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < countThenToken.length; i += 2) {
            tokens.addAll(Collections.nCopies((Integer) countThenToken[i], (Integer) countThenToken[i + 1]));
        }
        return tokens;
    }

    @Test
    void aShortPromptIsOneChunkLikeThePlainEncoding() {
        PromptChunker.Chunked chunked = chunk("a photo of a cat");
        ClipTokenizer tokenizer = RealClip.tokenizer(ClipTokenizer.END_OF_TEXT);

        assertThat(chunked.chunks()).hasSize(1);
        assertThat(chunked.chunks().get(0).ids()).containsExactly(tokenizer.encode("a photo of a cat").ids());
        assertThat(chunked.tokenCount()).isEqualTo(5);
    }

    @Test
    void anEmptyPromptIsOneChunkOfStartAndEnd() {
        PromptChunker.Chunked chunked = chunk("");
        assertThat(chunked.chunks()).hasSize(1);
        assertThat(chunked.chunks().get(0).ids()).containsExactly(ids(List.of()));
        assertThat(chunked.tokenCount()).isZero();
    }

    @Test
    void seventyFiveTokensFitOneChunkAndTheSeventySixthStartsTheNext() {
        assertThat(chunk(as(75)).chunks()).hasSize(1);
        PromptChunker.Chunked two = chunk(as(80));
        assertThat(two.chunks()).hasSize(2);
        assertThat(two.chunks().get(0).ids()).containsExactly(ids(tokens(75, A)));
        assertThat(two.chunks().get(1).ids()).containsExactly(ids(tokens(5, A)));
        assertThat(two.tokenCount()).isEqualTo(80);
    }

    @Test
    void aCommaWithinTheLastTwentyTokensMovesTheWordsAfterItToTheNextChunk() {
        // 70 tokens, a comma at index 70, then 10 more: the chunk is full after 4 of them, and 75 - 70 <= 20.
        PromptChunker.Chunked chunked = chunk(as(70) + ", " + as(10));
        assertThat(chunked.chunks()).hasSize(2);
        assertThat(chunked.chunks().get(0).ids()).containsExactly(ids(tokens(70, A, 1, COMMA)));
        assertThat(chunked.chunks().get(1).ids()).containsExactly(ids(tokens(10, A)));
        assertThat(chunked.chunks().get(0).promptTokens()).isEqualTo(71);
    }

    @Test
    void aCommaFurtherBackThanTwentyTokensDoesNotMoveAnything() {
        // The comma at index 50: 75 - 50 = 25 > 20, so the chunk is cut at 75 tokens.
        PromptChunker.Chunked chunked = chunk(as(50) + ", " + as(40));
        assertThat(chunked.chunks().get(0).ids()).containsExactly(ids(tokens(50, A, 1, COMMA, 24, A)));
        assertThat(chunked.chunks().get(1).ids()).containsExactly(ids(tokens(16, A)));
    }

    @Test
    void aCommaExactlyTwentyBackStillMovesTheRest() {
        // Comma at index 55: 75 - 55 = 20.
        PromptChunker.Chunked chunked = chunk(as(55) + ", " + as(30));
        assertThat(chunked.chunks().get(0).ids()).containsExactly(ids(tokens(55, A, 1, COMMA)));
        assertThat(chunked.chunks().get(1).ids()).containsExactly(ids(tokens(30, A)));
    }

    @Test
    void breakClosesTheChunk() {
        PromptChunker.Chunked chunked = chunk("a a BREAK a");
        assertThat(chunked.chunks()).hasSize(2);
        assertThat(chunked.chunks().get(0).ids()).containsExactly(ids(tokens(2, A)));
        assertThat(chunked.chunks().get(1).ids()).containsExactly(ids(tokens(1, A)));
    }

    @Test
    void breakAtTheStartGivesAnEmptyFirstChunkAndAtTheEndNothing() {
        assertThat(chunk("BREAK a").chunks()).extracting(PromptChunker.Chunk::promptTokens).containsExactly(0, 1);
        assertThat(chunk("a BREAK").chunks()).extracting(PromptChunker.Chunk::promptTokens).containsExactly(1);
        assertThat(chunk("a BREAK BREAK a").chunks()).extracting(PromptChunker.Chunk::promptTokens)
                .containsExactly(1, 0, 1);
    }

    @Test
    void everyTokenCarriesItsRunsWeightAndStartEndAndPaddingCarryOne() {
        float[] multipliers = chunk("a (a) [a] (a:1.5) a").chunks().get(0).multipliers();
        float[] expected = new float[77];
        Arrays.fill(expected, 1f);
        expected[2] = (float) 1.1;
        expected[3] = (float) (1 / 1.1);
        expected[4] = 1.5f;
        assertThat(multipliers).containsExactly(expected);
    }

    @Test
    void movedWordsKeepTheirWeights() {
        PromptChunker.Chunked chunked = chunk(as(70) + ", (" + as(10) + ":1.3)");
        float[] second = chunked.chunks().get(1).multipliers();
        for (int i = 1; i <= 10; i++) {
            assertThat(second[i]).isEqualTo(1.3f);
        }
        assertThat(second[11]).isEqualTo(1f);
    }

    @Test
    void sd2PadsWithThePadTokenAfterTheFirstEndToken() {
        PromptChunker chunker = new PromptChunker(RealClip.tokenizer("!"), 77);
        int[] ids = chunker.chunk(EmphasisParser.parse("a a")).chunks().get(0).ids();
        int[] expected = new int[77];
        Arrays.fill(expected, BANG);
        expected[0] = BOS;
        expected[1] = A;
        expected[2] = A;
        expected[3] = EOS;
        assertThat(ids).containsExactly(expected);
        int[] empty = chunker.empty().ids();
        assertThat(empty[0]).isEqualTo(BOS);
        assertThat(empty[1]).isEqualTo(EOS);
        assertThat(Arrays.copyOfRange(empty, 2, 77)).containsOnly(BANG);
    }
}
