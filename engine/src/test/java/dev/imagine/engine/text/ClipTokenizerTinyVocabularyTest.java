package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BPE rules, special tokens, folder settings and file errors on hand-made vocabularies (ids in
 * {@link TinyVocabulary}). Expected ids are worked out by hand from the reference algorithm: repeatedly
 * merge, left to right, every occurrence of the adjacent pair with the lowest merge rank.
 */
class ClipTokenizerTinyVocabularyTest {
    private static final int A = 294;
    private static final int B = 296;
    private static final int C_END = 299;

    @TempDir
    Path temp;

    @Test
    void mergeRankDecidesNotPositionInTheWord() throws IOException {
        Map<String, Integer> extra = Map.of("ab", 1000, "bc</w>", 1001);
        ClipTokenizer bcFirst = ClipTokenizer.load(TinyVocabulary.folder(temp.resolve("x"), extra,
                List.of("b c</w>", "a b")));
        ClipTokenizer abFirst = ClipTokenizer.load(TinyVocabulary.folder(temp.resolve("y"), extra,
                List.of("a b", "b c</w>")));

        // a b c</w>: "b c</w>" first leaves a + bc</w>; "a b" first leaves ab + c</w>.
        assertThat(bcFirst.tokenize("abc")).containsExactly(A, 1001);
        assertThat(abFirst.tokenize("abc")).containsExactly(1000, C_END);
    }

    @Test
    void lowestRankMergesFirstEvenAtTheEndOfTheWord() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(TinyVocabulary.folder(temp,
                Map.of("cd</w>", 1004, "bc", 1005, "ab", 1006), List.of("c d</w>", "b c", "a b")));

        // a b c d</w> -> a b cd</w> (rank 0) -> ab cd</w> (rank 2); "b c" never gets its turn.
        assertThat(tokenizer.tokenize("abcd")).containsExactly(1006, 1004);
    }

    @Test
    void mergesRepeatedPairsLeftToRight() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(TinyVocabulary.folder(temp,
                Map.of("aa", 1002, "aaaa", 1003), List.of("a a", "aa aa")));

        // a a a a</w> -> aa a a</w> (the third a pairs only with a</w>)
        assertThat(tokenizer.tokenize("aaaa")).containsExactly(1002, A, 295);
        // a a a a a</w> -> aa aa a</w> -> aaaa a</w>
        assertThat(tokenizer.tokenize("aaaaa")).containsExactly(1003, 295);
    }

    @Test
    void encodesWithTheVocabularysOwnSpecialIds() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.fromFiles(vocabOf(bcFolder()), mergesOf(bcFolder()), "<|pad|>", 8);

        TokenizedPrompt encoded = tokenizer.encode("ABC");

        assertThat(tokenizer.bosId()).isEqualTo(TinyVocabulary.START);
        assertThat(tokenizer.eosId()).isEqualTo(TinyVocabulary.END);
        assertThat(tokenizer.padId()).isEqualTo(TinyVocabulary.PAD);
        assertThat(encoded.ids()).containsExactly(7, A, 1001, 3, 5, 5, 5, 5);
        assertThat(tokenizer.decode(encoded.ids())).isEqualTo("abc");
        assertThat(tokenizer.encode("").ids()).containsExactly(7, 3, 5, 5, 5, 5, 5, 5);
    }

    @Test
    void mapsEveryUtf8ByteToItsSymbol() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(bcFolder());

        // U+0101 is C4 81: printable C4 stands for itself, 0x81 for a symbol above U+00FF.
        assertThat(tokenizer.tokenize("\u0101")).containsExactly(TinyVocabulary.byteId(0xC4),
                TinyVocabulary.lastByteId(0x81));
        // \u001f is a control byte; Python keeps it (it is not White_Space) when it is not at an end.
        assertThat(tokenizer.tokenize("a\u001fb")).containsExactly(295, TinyVocabulary.lastByteId(0x1F), 297);
        assertThat(tokenizer.decode(new int[] {TinyVocabulary.byteId(0xC4), TinyVocabulary.lastByteId(0x81)}))
                .isEqualTo("\u0101");
    }

    @Test
    void readsSpecialTokenNamesTypedInThePromptAsSpecialTokens() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(bcFolder());

        // reference split: "a", "<|startoftext|>" (after lower-casing), "b"
        assertThat(tokenizer.tokenize("a<|STARTOFTEXT|>b")).containsExactly(295, 7, 297);
    }

    @Test
    void decodeSkipsStartEndAndTrailingPadButKeepsPadIdBeforeTheEnd() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.fromFiles(vocabOf(bcFolder()), mergesOf(bcFolder()), "!", 6);

        int bang = TinyVocabulary.byteId('!');
        assertThat(tokenizer.padId()).isEqualTo(bang);
        // "!?" is one piece with no merges: ! then ?</w>, so the pad id appears inside the prompt.
        int[] ids = tokenizer.encode("!?").ids();
        assertThat(ids).containsExactly(7, bang, TinyVocabulary.lastByteId('?'), 3, bang, bang);
        assertThat(tokenizer.decode(ids)).isEqualTo("!?");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {99})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99");
    }

    @Test
    void defaultsWithoutJsonSettings() throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(bcFolder());

        assertThat(tokenizer.padId()).isEqualTo(TinyVocabulary.END);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.vocabSize()).isEqualTo(512 + 3 + 2);
    }

    @Test
    void readsPadTokenObjectFromSpecialTokensMapBeforeTokenizerConfig() throws IOException {
        Path folder = bcFolder();
        write(folder, "special_tokens_map.json", "{\"pad_token\": {\"content\": \"<|pad|>\", \"lstrip\": false}}");
        write(folder, "tokenizer_config.json", "{\"pad_token\": \"!\", \"model_max_length\": 16}");

        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        assertThat(tokenizer.padId()).isEqualTo(TinyVocabulary.PAD);
        assertThat(tokenizer.maxLength()).isEqualTo(16);
        assertThat(tokenizer.encode("abc").ids()).hasSize(16);
    }

    @Test
    void readsPadTokenFromTokenizerConfigWhenTheMapHasNone() throws IOException {
        Path folder = bcFolder();
        write(folder, "special_tokens_map.json", "{\"pad_token\": null}");
        write(folder, "tokenizer_config.json", "{\"pad_token\": \"!\"}");

        assertThat(ClipTokenizer.load(folder).padId()).isEqualTo(TinyVocabulary.byteId('!'));
    }

    @Test
    void fallsBackToSeventySevenForAbsurdModelMaxLength() throws IOException {
        Path folder = bcFolder();
        for (String value : List.of("1e30", "1000000000000000019884624838656", "1", "-5", "77.5", "\"77\"")) {
            write(folder, "tokenizer_config.json", "{\"model_max_length\": " + value + "}");

            assertThat(ClipTokenizer.load(folder).maxLength()).as("model_max_length %s", value).isEqualTo(77);
        }
    }

    @Test
    void rejectsPadTokenOfTheWrongType() throws IOException {
        Path folder = bcFolder();
        write(folder, "special_tokens_map.json", "{\"pad_token\": 5}");

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("special_tokens_map.json").hasMessageContaining("pad_token");
    }

    @Test
    void rejectsPadTokenMissingFromTheVocabulary() throws IOException {
        Path folder = bcFolder();
        write(folder, "special_tokens_map.json", "{\"pad_token\": \"<|nope|>\"}");

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("<|nope|>")
                .hasMessageContaining("special_tokens_map.json");
    }

    @Test
    void refusesAMergesFileWithoutMerges() throws IOException {
        Path folder = bcFolder();
        for (String content : new String[] {"", "#version: 0.2\n", "\n\n"}) {
            Files.writeString(folder.resolve("merges.txt"), content);

            assertThatThrownBy(() -> ClipTokenizer.load(folder)).as("merges.txt of %s", content.length())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("merges.txt has no merges").hasMessageContaining("copy it again");
        }
    }

    @Test
    void namesTheMissingRequiredFile() throws IOException {
        Path folder = bcFolder();
        Files.delete(folder.resolve("merges.txt"));

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("merges.txt")
                .hasMessageContaining("a tokenizer folder must contain vocab.json and merges.txt");

        Files.delete(folder.resolve("vocab.json"));
        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("vocab.json");
        assertThatThrownBy(() -> ClipTokenizer.load(temp.resolve("nowhere"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nowhere").hasMessageContaining("must contain vocab.json");
    }

    @Test
    void rejectsVocabularyThatIsNotJsonOrNotAnObject() throws IOException {
        Path folder = bcFolder();
        write(folder, "vocab.json", "{\"a\": 1,");
        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("not valid JSON");

        write(folder, "vocab.json", "[\"a\", \"b\"]");
        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("JSON object");

        write(folder, "vocab.json", "");
        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("empty");
    }

    @Test
    void rejectsBadIds() throws IOException {
        Map<String, Object> textId = TinyVocabulary.vocab(Map.of());
        textId.put("zz", "12");
        assertThatThrownBy(() -> ClipTokenizer.load(TinyVocabulary.folderWithVocab(temp.resolve("t"), textId, List.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("vocab.json").hasMessageContaining("'zz'");

        Map<String, Object> negative = TinyVocabulary.vocab(Map.of());
        negative.put("zz", -1);
        assertThatThrownBy(() -> ClipTokenizer.load(TinyVocabulary.folderWithVocab(temp.resolve("n"), negative, List.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("'zz'").hasMessageContaining("non-negative");

        Map<String, Object> shared = TinyVocabulary.vocab(Map.of());
        shared.put("zz", TinyVocabulary.START);
        assertThatThrownBy(() -> ClipTokenizer.load(TinyVocabulary.folderWithVocab(temp.resolve("s"), shared, List.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("share the id 7");
    }

    @Test
    void rejectsVocabularyWithoutAllByteSymbols() throws IOException {
        Map<String, Object> vocab = TinyVocabulary.vocab(Map.of("ab", 1000));
        vocab.remove(TinyVocabulary.byteSymbol(0x81) + "</w>");

        assertThatThrownBy(() -> ClipTokenizer.load(TinyVocabulary.folderWithVocab(temp, vocab, List.of("a b"))))
                .isInstanceOf(IOException.class).hasMessageContaining("vocab.json")
                .hasMessageContaining("byte symbol").hasMessageContaining("byte 129");
    }

    @Test
    void rejectsVocabularyWithoutSpecialTokens() throws IOException {
        Map<String, Object> vocab = TinyVocabulary.vocab(Map.of("ab", 1000));
        vocab.remove("<|startoftext|>");

        assertThatThrownBy(() -> ClipTokenizer.load(TinyVocabulary.folderWithVocab(temp, vocab, List.of("a b"))))
                .isInstanceOf(IOException.class).hasMessageContaining("vocab.json")
                .hasMessageContaining("<|startoftext|>");
    }

    @Test
    void rejectsMalformedMergeLines() throws IOException {
        Path folder = TinyVocabulary.folder(temp, Map.of("ab", 1000), List.of("a b", "a b c"));

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("merges.txt line 3").hasMessageContaining("a b c");
    }

    @Test
    void rejectsMergeWhoseResultIsNotInTheVocabulary() throws IOException {
        Path folder = TinyVocabulary.folder(temp, Map.of("ab", 1000), List.of("a b", "b c</w>"));

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("merges.txt line 3").hasMessageContaining("'bc</w>'")
                .hasMessageContaining("vocab.json");
    }

    @Test
    void rejectsLengthsThatCannotHoldStartAndEnd() throws IOException {
        Path folder = bcFolder();

        assertThatThrownBy(() -> ClipTokenizer.fromFiles(vocabOf(folder), mergesOf(folder), "<|pad|>", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> ClipTokenizer.fromFiles(vocabOf(folder), mergesOf(folder), "<|pad|>", 5000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5000");
    }

    @Test
    void rejectsMalformedOptionalJson() throws IOException {
        Path folder = bcFolder();
        write(folder, "tokenizer_config.json", "{model_max_length: 77}");

        assertThatThrownBy(() -> ClipTokenizer.load(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("not valid JSON");
    }

    private Path bcFolder() throws IOException {
        Path folder = temp.resolve("bc");
        if (!Files.exists(folder)) {
            TinyVocabulary.folder(folder, Map.of("ab", 1000, "bc</w>", 1001), List.of("b c</w>", "a b"));
        }
        return folder;
    }

    private static Path vocabOf(Path folder) {
        return folder.resolve("vocab.json");
    }

    private static Path mergesOf(Path folder) {
        return folder.resolve("merges.txt");
    }

    private static void write(Path folder, String name, String content) throws IOException {
        Files.writeString(folder.resolve(name), content, StandardCharsets.UTF_8);
    }
}
