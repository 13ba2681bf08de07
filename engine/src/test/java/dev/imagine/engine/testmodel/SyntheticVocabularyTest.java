package dev.imagine.engine.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic tokenizer files keep the invariants of CLIP's vocabulary format (openai/CLIP
 * {@code simple_tokenizer.py}, the {@code tokenizer/} folder of SD exports), so a CLIP tokenizer reads them.
 */
class SyntheticVocabularyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Map<String, Integer> vocab;
    private List<String> mergeLines;

    @BeforeEach
    void write() throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
        vocab = JSON.readValue(dir.resolve("tokenizer/vocab.json").toFile(), new TypeReference<LinkedHashMap<String, Integer>>() { });
        mergeLines = Files.readAllLines(dir.resolve("tokenizer/merges.txt"), StandardCharsets.UTF_8);
    }

    @Test
    void idsAreDenseAndUnique() {
        assertThat(new HashSet<>(vocab.values())).hasSize(vocab.size());
        assertThat(vocab.values()).allSatisfy(id -> assertThat(id).isBetween(0, vocab.size() - 1));
    }

    @Test
    void specialTokensAreTheLastTwoIds() {
        assertThat(vocab.get("<|startoftext|>")).isEqualTo(vocab.size() - 2);
        assertThat(vocab.get("<|endoftext|>")).isEqualTo(vocab.size() - 1);
    }

    @Test
    void firstIdsAreTheByteSymbolsThenTheSameWithEndOfWord() {
        Map<Integer, String> byId = byId();
        // bytes_to_unicode: bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves (188 symbols); the
        // other 68 bytes become U+0100..U+0143. All 256 come first, then the same with "</w>".
        Set<String> expected = new HashSet<>();
        for (int b = '!'; b <= '~'; b++) {
            expected.add(String.valueOf((char) b));
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            expected.add(String.valueOf((char) b));
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            expected.add(String.valueOf((char) b));
        }
        for (int c = 0x100; c <= 0x143; c++) {
            expected.add(String.valueOf((char) c));
        }
        assertThat(expected).hasSize(256);
        Set<String> first = new HashSet<>();
        for (int id = 0; id < 256; id++) {
            first.add(byId.get(id));
            assertThat(byId.get(256 + id)).isEqualTo(byId.get(id) + "</w>");
        }
        assertThat(first).isEqualTo(expected);
        assertThat(vocab.get("!")).isZero();
        assertThat(vocab.get("a")).isEqualTo('a' - '!');
    }

    @Test
    void byteSymbolIdsMatchTheRealClipVocabulary() throws IOException {
        Path real = Path.of(System.getProperty("imagine.shared.dir", "/work/shared"), "fixtures", "clip", "vocab.json");
        Assumptions.assumeTrue(Files.isRegularFile(real), "real CLIP vocabulary not found at " + real + "; skipping");
        Map<String, Integer> clip = JSON.readValue(real.toFile(), new TypeReference<Map<String, Integer>>() { });
        Map<Integer, String> byId = byId();
        for (int id = 0; id < 512; id++) {
            assertThat(clip.get(byId.get(id))).as("id of %s", byId.get(id)).isEqualTo(id);
        }
    }

    @Test
    void mergesAreWellFormedAndOnlyUseKnownSymbols() {
        assertThat(mergeLines.get(0)).isEqualTo("#version: 0.2");
        List<String> merges = mergeLines.subList(1, mergeLines.size());
        assertThat(merges).hasSizeBetween(200, 1000).doesNotHaveDuplicates();

        Map<Integer, String> byId = byId();
        Set<String> known = new HashSet<>();
        for (int id = 0; id < 512; id++) {
            known.add(byId.get(id));
        }
        for (String merge : merges) {
            String[] parts = merge.split(" ");
            assertThat(parts).as(merge).hasSize(2);
            assertThat(known).as("parts of '%s' exist before it", merge).contains(parts[0], parts[1]);
            assertThat(parts[0]).as("only the right part may end a word").doesNotEndWith("</w>");
            String result = parts[0] + parts[1];
            assertThat(vocab).as("result of '%s'", merge).containsKey(result);
            known.add(result);
        }
        // Every token is a byte symbol, a merge result, or one of the two special tokens.
        assertThat(vocab.size()).isEqualTo(known.size() + 2);
    }

    @Test
    void mergeResultsFollowTheByteSymbolsInMergeOrder() {
        Map<Integer, String> byId = byId();
        int next = 512;
        Set<String> seen = new HashSet<>();
        for (String merge : mergeLines.subList(1, mergeLines.size())) {
            String result = merge.replace(" ", "");
            if (seen.add(result)) {
                assertThat(byId.get(next)).isEqualTo(result);
                next++;
            }
        }
        assertThat(next).isEqualTo(vocab.size() - 2);
    }

    @Test
    void commonPromptWordsBecomeSingleTokens() {
        assertThat(vocab).containsKeys("cat</w>", "painting</w>", "a</w>", "the</w>", "portrait</w>");
    }

    private Map<Integer, String> byId() {
        Map<Integer, String> byId = new TreeMap<>();
        vocab.forEach((token, id) -> byId.put(id, token));
        return byId;
    }
}
