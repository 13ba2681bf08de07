package dev.imagine.engine.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes hand-made CLIP tokenizer folders for tests.
 *
 * <p>Byte symbol ids are {@code 100 + 2 * byte} and {@code 101 + 2 * byte} (with {@code </w>}), so
 * {@code a} = 294, {@code a</w>} = 295, {@code b} = 296, {@code b</w>} = 297, {@code c} = 298,
 * {@code c</w>} = 299, {@code d</w>} = 301, {@code !} = 166, {@code !</w>} = 167. Special tokens: start 7, end 3,
 * {@code <|pad|>} 5. None of these are the ids of the real vocabulary.
 */
final class TinyVocabulary {
    static final int START = 7;
    static final int END = 3;
    static final int PAD = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyVocabulary() {
    }

    /** CLIP's byte-to-symbol rule, restated: printable Latin-1 bytes are themselves, the rest U+0100 on. */
    static String byteSymbol(int b) {
        int next = 256;
        for (int other = 0; other < 256; other++) {
            boolean printable = ('!' <= other && other <= '~') || (0xA1 <= other && other <= 0xAC)
                    || (0xAE <= other && other <= 0xFF);
            int symbol = printable ? other : next++;
            if (other == b) {
                return String.valueOf((char) symbol);
            }
        }
        throw new IllegalArgumentException("not a byte: " + b);
    }

    static int byteId(int b) {
        return 100 + 2 * b;
    }

    static int lastByteId(int b) {
        return 101 + 2 * b;
    }

    /** The complete vocabulary: byte symbols, the three special tokens and {@code extra}. */
    static Map<String, Object> vocab(Map<String, Integer> extra) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(byteSymbol(b), byteId(b));
            vocab.put(byteSymbol(b) + "</w>", lastByteId(b));
        }
        vocab.put("<|startoftext|>", START);
        vocab.put("<|endoftext|>", END);
        vocab.put("<|pad|>", PAD);
        vocab.putAll(extra);
        return vocab;
    }

    /** Writes vocab.json ({@link #vocab}) and merges.txt (a version header, then {@code merges}). */
    static Path folder(Path dir, Map<String, Integer> extra, List<String> merges) throws IOException {
        return folderWithVocab(dir, vocab(extra), merges);
    }

    /** Writes the given vocab.json content and merges.txt (a version header, then {@code merges}). */
    static Path folderWithVocab(Path dir, Map<String, Object> vocab, List<String> merges) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n",
                StandardCharsets.UTF_8);
        return dir;
    }
}
