package dev.imagine.engine.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP's byte-level BPE over vocabulary ids: a word's UTF-8 bytes become byte symbols (the last one with
 * {@code </w>}), then the adjacent pair of lowest merge rank is merged everywhere, left to right, until no
 * ranked pair is left. Immutable and thread-safe; it does not cache.
 */
final class BytePairEncoder {
    static final String END_OF_WORD = "</w>";

    private final Map<String, Integer> ids;
    private final Map<Integer, String> tokens;
    private final int[] byteIds = new int[256];
    private final int[] lastByteIds = new int[256];
    private final Map<Long, Integer> ranks;
    private final int[] firstIds;
    private final int[] secondIds;
    private final int[] mergedIds;

    private BytePairEncoder(Map<String, Integer> ids, Map<Integer, String> tokens, Map<Long, Integer> ranks,
            int[] firstIds, int[] secondIds, int[] mergedIds) {
        this.ids = ids;
        this.tokens = tokens;
        this.ranks = ranks;
        this.firstIds = firstIds;
        this.secondIds = secondIds;
        this.mergedIds = mergedIds;
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteAlphabet.symbol(b));
            byteIds[b] = ids.get(symbol);
            lastByteIds[b] = ids.get(symbol + END_OF_WORD);
        }
    }

    /**
     * Checks that the vocabulary holds every byte symbol (with and without {@code </w>}) and every merge's
     * parts and result, then builds the encoder.
     *
     * @param vocab token to id, ids unique (as read by {@link TokenizerFiles#readVocab})
     * @param merges merge pairs, highest priority first
     * @throws IOException naming the file at fault when the two files do not belong together
     */
    static BytePairEncoder create(Map<String, Integer> vocab, List<TokenizerFiles.Merge> merges, Path vocabFile,
            Path mergesFile) throws IOException {
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteAlphabet.symbol(b));
            for (String token : List.of(symbol, symbol + END_OF_WORD)) {
                if (!vocab.containsKey(token)) {
                    throw new IOException(vocabFile + " is not a CLIP byte-level BPE vocabulary: the byte symbol '"
                            + token + "' (byte " + b + ") is missing");
                }
            }
        }
        Map<Long, Integer> ranks = new HashMap<>(merges.size() * 2);
        int[] firstIds = new int[merges.size()];
        int[] secondIds = new int[merges.size()];
        int[] mergedIds = new int[merges.size()];
        for (int rank = 0; rank < merges.size(); rank++) {
            TokenizerFiles.Merge merge = merges.get(rank);
            for (String token : List.of(merge.first(), merge.second(), merge.first() + merge.second())) {
                if (!vocab.containsKey(token)) {
                    throw new IOException(mergesFile + " line " + merge.line() + " ('" + merge.first() + " "
                            + merge.second() + "') needs the token '" + token + "', which " + vocabFile
                            + " does not have; vocab.json and merges.txt must come from the same tokenizer");
                }
            }
            firstIds[rank] = vocab.get(merge.first());
            secondIds[rank] = vocab.get(merge.second());
            ranks.put(pairKey(firstIds[rank], secondIds[rank]), rank);
            mergedIds[rank] = vocab.get(merge.first() + merge.second());
        }
        Map<Integer, String> tokens = new HashMap<>(vocab.size() * 2);
        vocab.forEach((token, id) -> tokens.put(id, token));
        return new BytePairEncoder(Map.copyOf(vocab), tokens, ranks, firstIds, secondIds, mergedIds);
    }

    /** The id of a whole token, or null if the vocabulary lacks it. */
    Integer id(String token) {
        return ids.get(token);
    }

    /** The token with this id, or null if there is none. */
    String token(int id) {
        return tokens.get(id);
    }

    /** Number of entries in the vocabulary. */
    int size() {
        return ids.size();
    }

    /** BPE ids of one pre-split word (non-empty); a new array each call. */
    int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        int[] symbols = new int[length];
        for (int i = 0; i < length; i++) {
            symbols[i] = (i == length - 1 ? lastByteIds : byteIds)[bytes[i] & 0xFF];
        }
        while (length > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < length - 1; i++) {
                Integer rank = ranks.get(pairKey(symbols[i], symbols[i + 1]));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            length = mergeAll(symbols, length, bestRank);
        }
        return Arrays.copyOf(symbols, length);
    }

    private int mergeAll(int[] symbols, int length, int rank) {
        int first = firstIds[rank];
        int second = secondIds[rank];
        int out = 0;
        for (int i = 0; i < length; i++) {
            if (i < length - 1 && symbols[i] == first && symbols[i + 1] == second) {
                symbols[out++] = mergedIds[rank];
                i++;
            } else {
                symbols[out++] = symbols[i];
            }
        }
        return out;
    }

    /**
     * Appends the bytes a token stands for to {@code out}, a space in place of {@code </w>}.
     *
     * @throws IllegalArgumentException if {@code id} is not in the vocabulary
     */
    void appendBytes(int id, ByteArrayOutputStream out) {
        String token = tokens.get(id);
        if (token == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
        }
        boolean endsWord = token.endsWith(END_OF_WORD);
        int end = endsWord ? token.length() - END_OF_WORD.length() : token.length();
        for (int i = 0; i < end; i++) {
            int b = ByteAlphabet.byteOf(token.charAt(i));
            out.write(b >= 0 ? b : '?');
        }
        if (endsWord) {
            out.write(' ');
        }
    }

    private static long pairKey(int first, int second) {
        return ((long) first << 32) | (second & 0xFFFFFFFFL);
    }
}
