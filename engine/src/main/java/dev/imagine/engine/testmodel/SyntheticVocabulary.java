package dev.imagine.engine.testmodel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small vocabulary in CLIP's byte-level BPE format, learned by plain BPE from a built-in list of common
 * English and picture words (so it ships no third-party vocabulary).
 *
 * <p>Ids: the 256 byte symbols in CLIP's byte-to-unicode order, the same 256 with {@code </w>}, each new
 * merge result in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 */
final class SyntheticVocabulary {

    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";
    static final String END_OF_WORD = "</w>";
    static final int MAX_MERGES = 600;

    private static final String WORDS = """
            a an the of and or in on at to from with by for into over under near is are
            this that it its one two three some many very more most all no not
            photo photograph picture image painting drawing sketch illustration render portrait
            landscape scene view close up wide shot art artwork style concept digital oil
            watercolor ink pencil pastel acrylic canvas poster film cinematic studio lighting light
            dark shadow bright soft sharp glow sunset sunrise morning evening night day
            red orange yellow green blue purple pink brown black white gray grey gold silver
            colorful vivid pale deep warm cold
            cat cats dog dogs bird birds horse fish lion tiger bear fox wolf rabbit owl deer
            man woman men women boy girl child people person face eyes eye hair hand hands smile
            city street road house home castle tower bridge village room window door garden
            tree trees forest flower flowers field grass leaf leaves mountain mountains hill
            river lake sea ocean beach island water wave waves rain snow ice fire smoke stone
            rock sand sky cloud clouds sun moon star stars space planet earth storm
            car train ship boat plane robot dragon knight king queen wizard ghost monster
            old new small little big large tall long short round happy sad beautiful
            detailed highly quality high best masterpiece realistic photorealistic abstract
            fantasy magic ancient modern futuristic cyberpunk steampunk retro vintage
            trending sitting standing walking running flying looking wearing holding
            """;

    private final List<String> merges;
    private final Map<String, Integer> vocabulary;

    private SyntheticVocabulary(List<String> merges, Map<String, Integer> vocabulary) {
        this.merges = merges;
        this.vocabulary = vocabulary;
    }

    /** Learns the merges; deterministic. */
    static SyntheticVocabulary create() {
        List<List<String>> words = new ArrayList<>();
        for (String word : new java.util.TreeSet<>(Arrays.asList(WORDS.trim().split("\\s+")))) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < word.length(); i++) {
                String symbol = String.valueOf(word.charAt(i));
                symbols.add(i == word.length() - 1 ? symbol + END_OF_WORD : symbol);
            }
            words.add(symbols);
        }

        Map<String, Integer> vocabulary = new LinkedHashMap<>();
        List<String> byteSymbols = byteSymbols();
        for (String symbol : byteSymbols) {
            vocabulary.put(symbol, vocabulary.size());
        }
        for (String symbol : byteSymbols) {
            vocabulary.put(symbol + END_OF_WORD, vocabulary.size());
        }

        List<String> merges = new ArrayList<>();
        while (merges.size() < MAX_MERGES) {
            String[] best = mostFrequentPair(words);
            if (best == null) {
                break;
            }
            merges.add(best[0] + " " + best[1]);
            vocabulary.putIfAbsent(best[0] + best[1], vocabulary.size());
            for (List<String> word : words) {
                applyMerge(word, best[0], best[1]);
            }
        }
        vocabulary.put(START_OF_TEXT, vocabulary.size());
        vocabulary.put(END_OF_TEXT, vocabulary.size());
        return new SyntheticVocabulary(List.copyOf(merges), vocabulary);
    }

    /** Merge lines ({@code "left right"}) in priority order, without the version header. */
    List<String> merges() {
        return merges;
    }

    /** Token to id, in id order. */
    Map<String, Integer> vocabulary() {
        return vocabulary;
    }

    /**
     * The 256 single-character symbols CLIP uses for bytes, in CLIP's order: the printable bytes
     * {@code !..~}, {@code ¡..¬}, {@code ®..ÿ} stand for themselves, the other 68 bytes map to
     * U+0100 onwards in byte order.
     */
    static List<String> byteSymbols() {
        List<String> printable = new ArrayList<>();
        List<String> shifted = new ArrayList<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean standsForItself = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (standsForItself) {
                printable.add(String.valueOf((char) b));
            } else {
                shifted.add(String.valueOf((char) next++));
            }
        }
        printable.addAll(shifted);
        return printable;
    }

    private static String[] mostFrequentPair(List<List<String>> words) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (List<String> word : words) {
            for (int i = 0; i + 1 < word.size(); i++) {
                counts.merge(word.get(i) + " " + word.get(i + 1), 1, Integer::sum);
            }
        }
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return best == null ? null : best.split(" ", 2);
    }

    private static void applyMerge(List<String> word, String left, String right) {
        for (int i = 0; i + 1 < word.size(); i++) {
            if (word.get(i).equals(left) && word.get(i + 1).equals(right)) {
                word.set(i, left + right);
                word.remove(i + 1);
            }
        }
    }
}
