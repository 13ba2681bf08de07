package dev.imagine.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SDXL's {@code tokenizer_2} declares its pad token {@code !} a special token, and transformers' CLIPTokenizer cuts
 * special tokens out of the text before BPE: every {@code !} typed in a prompt becomes the id of {@code !} (0 in
 * CLIP's vocabulary), not of {@code !</w>} (256) or a longer run such as {@code !!</w>}. The real CLIP vocabulary is
 * used; the files are written here in SDXL's two forms.
 */
class SpecialTokenSplitTest {
    private static final int BANG = 0;
    private static final int BANG_END_OF_WORD = 256;

    @TempDir
    Path dir;

    private Path vocabulary;

    @BeforeEach
    void copyVocabulary() throws IOException {
        vocabulary = ClipFixture.folder();
        Files.copy(vocabulary.resolve("vocab.json"), dir.resolve("vocab.json"));
        Files.copy(vocabulary.resolve("merges.txt"), dir.resolve("merges.txt"));
    }

    private ClipTokenizer sdxlSecondTokenizer(boolean decoderForm) throws IOException {
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"bos_token\": {\"content\": \"<|startoftext|>\"},"
                + " \"eos_token\": {\"content\": \"<|endoftext|>\"}, \"unk_token\": {\"content\": \"<|endoftext|>\"},"
                + " \"pad_token\": \"!\"}");
        Files.writeString(dir.resolve("tokenizer_config.json"), decoderForm
                ? "{\"model_max_length\": 77, \"pad_token\": \"!\", \"added_tokens_decoder\": {\"0\": {\"content\": \"!\","
                        + " \"lstrip\": false, \"normalized\": false, \"rstrip\": false, \"single_word\": false,"
                        + " \"special\": true}}}"
                : "{\"model_max_length\": 77, \"pad_token\": \"!\"}");
        return ClipTokenizer.loadWithSpecialTokens(dir);
    }

    private static List<Integer> prompt(int[] ids) {
        List<Integer> tokens = new java.util.ArrayList<>();
        for (int k = 1; k < ids.length && ids[k] != 49407; k++) {
            tokens.add(ids[k]);
        }
        return tokens;
    }

    @Test
    void everyExclamationMarkIsThePadTokenInSdxlsSecondTokenizer() throws IOException {
        for (boolean decoderForm : new boolean[] {false, true}) {
            ClipTokenizer second = sdxlSecondTokenizer(decoderForm);
            ClipTokenizer plain = ClipTokenizer.load(dir);
            assertThat(second.padId()).isEqualTo(BANG);

            List<Integer> bangs = prompt(second.encode("wow!!").ids());
            assertThat(bangs.subList(1, bangs.size())).containsExactly(BANG, BANG);
            assertThat(prompt(second.encode("wow").ids())).containsExactly(bangs.get(0));
            assertThat(prompt(plain.encode("wow!!").ids())).doesNotContain(BANG).hasSize(2);

            List<Integer> inside = prompt(second.encode("hello!world").ids());
            assertThat(inside).containsExactly(prompt(second.encode("hello").ids()).get(0), BANG,
                    prompt(second.encode("world").ids()).get(0));
            assertThat(prompt(plain.encode("hello!world").ids())).contains(BANG_END_OF_WORD).doesNotContain(BANG);
        }
    }

    @Test
    void promptsWithoutTheTokenAreUnchangedAndTheEndTokenStillEnds() throws IOException {
        ClipTokenizer second = sdxlSecondTokenizer(true);
        ClipTokenizer plain = ClipTokenizer.load(dir);
        String prompt = "a photo of an astronaut riding a horse on mars, highly detailed";
        assertThat(second.encode(prompt).ids()).containsExactly(plain.encode(prompt).ids());
        int[] ids = second.encode("a cat").ids();
        assertThat(ids[3]).isEqualTo(49407);
        assertThat(ids[4]).isEqualTo(BANG);
        assertThat(second.decode(second.encode("hello!world").ids())).startsWith("hello !").endsWith("world");
    }
}
