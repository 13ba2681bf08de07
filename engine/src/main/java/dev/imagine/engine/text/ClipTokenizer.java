package dev.imagine.engine.text;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The CLIP tokenizer of Stable Diffusion, equal to openai/CLIP's {@code simple_tokenizer.py} without ftfy:
 * HTML-unescape twice, collapse whitespace, lower-case, split with CLIP's pattern (one digit per token),
 * then byte-level BPE with the ranks of merges.txt and the ids of vocab.json.
 *
 * <p>Immutable and thread-safe. BPE results are cached per word, at most 10 000 words; the first encoding
 * of one very long word costs time quadratic in its length, as in the reference (tens of milliseconds
 * for 2 000 characters), so callers should bound prompt length.
 * The special tokens are found by name in vocab.json, never by fixed id.
 */
public final class ClipTokenizer {
    /** The start-of-text token name. */
    public static final String START_OF_TEXT = "<|startoftext|>";
    /** The end-of-text token name, also the default pad token. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** The sequence length when tokenizer_config.json does not give a usable {@code model_max_length}. */
    public static final int DEFAULT_MAX_LENGTH = 77;
    /** The longest sequence length accepted; longer {@code model_max_length} values are treated as absent. */
    public static final int LONGEST_MAX_LENGTH = 1024;
    private static final int CACHE_SIZE = 10_000;

    private final BytePairEncoder encoder;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int commaId;
    private final int maxLength;
    /** Special tokens cut out of the raw text before cleaning, longest first, with their ids; empty for SD 1.x/2.x. */
    private final List<String> splitTokens;
    private final int[] splitIds;
    private final Cache<String, int[]> words = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    private ClipTokenizer(BytePairEncoder encoder, int bosId, int eosId, int padId, int maxLength,
            List<String> splitTokens) {
        this.splitTokens = splitTokens.stream()
                .filter(token -> encoder.id(token) != null)
                .sorted(java.util.Comparator.comparingInt(String::length).reversed())
                .toList();
        this.splitIds = this.splitTokens.stream().mapToInt(token -> encoder.id(token)).toArray();
        this.encoder = encoder;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
        Integer comma = encoder.id(",</w>");
        this.commaId = comma == null ? -1 : comma;
        this.maxLength = maxLength;
    }

    /**
     * Loads the tokenizer of a Hugging Face tokenizer folder (a diffusers model's {@code tokenizer/}).
     *
     * <p>Reads vocab.json and merges.txt (required), and the pad token and {@code model_max_length} from
     * special_tokens_map.json and tokenizer_config.json when present; without them the pad token is
     * {@value #END_OF_TEXT} and the length {@value #DEFAULT_MAX_LENGTH}.
     *
     * @throws IOException naming the file when a required file is missing, a file is malformed, or
     *     vocab.json lacks a token that merges.txt, the byte alphabet or a special token needs
     */
    public static ClipTokenizer load(Path tokenizerDir) throws IOException {
        return load(tokenizerDir, false);
    }

    /**
     * Loads a tokenizer folder like {@link #load}, and also treats every special token its files declare (the named
     * tokens of special_tokens_map.json and the special entries of tokenizer_config.json's
     * {@code added_tokens_decoder}) the way transformers' {@code CLIPTokenizer} does: such a token typed in a prompt
     * is cut out of the raw text before cleaning and becomes that one id. SDXL's {@code tokenizer_2} declares its pad
     * token {@code !} so, which makes every {@code !} in a prompt the id of {@code !} rather than of {@code !</w>}.
     * Used for SDXL's second tokenizer only: SD 1.x/2.x folders keep the tokenization they always had.
     *
     * @throws IOException as {@link #load}
     */
    public static ClipTokenizer loadWithSpecialTokens(Path tokenizerDir) throws IOException {
        return load(tokenizerDir, true);
    }

    private static ClipTokenizer load(Path tokenizerDir, boolean splitSpecialTokens) throws IOException {
        if (!Files.isDirectory(tokenizerDir)) {
            throw new NoSuchFileException(tokenizerDir.toString(), null,
                    "not a folder; " + TokenizerFiles.FOLDER_CONTENTS);
        }
        TokenizerFiles.Settings settings =
                TokenizerFiles.readSettings(tokenizerDir, DEFAULT_MAX_LENGTH, LONGEST_MAX_LENGTH);
        return build(tokenizerDir.resolve(TokenizerFiles.VOCAB), tokenizerDir.resolve(TokenizerFiles.MERGES),
                settings.padToken().orElse(END_OF_TEXT), settings.padSource(), settings.maxLength(),
                splitSpecialTokens ? settings.specialTokens() : List.of());
    }

    /**
     * Builds a tokenizer from explicit files and settings, ignoring any json configuration beside them.
     *
     * @param padToken the name of the pad token, e.g. {@value #END_OF_TEXT} (SD 1.x) or {@code !} (SD 2.x)
     * @param maxLength ids per encoded prompt, 2 to {@value #LONGEST_MAX_LENGTH}
     * @throws IOException naming the file when a file is missing or malformed or lacks a needed token
     * @throws IllegalArgumentException when {@code maxLength} is out of range
     */
    public static ClipTokenizer fromFiles(Path vocabJson, Path mergesTxt, String padToken, int maxLength)
            throws IOException {
        Objects.requireNonNull(padToken, "padToken");
        if (maxLength < 2 || maxLength > LONGEST_MAX_LENGTH) {
            throw new IllegalArgumentException("maxLength must be between 2 and " + LONGEST_MAX_LENGTH + ", got "
                    + maxLength);
        }
        return build(vocabJson, mergesTxt, padToken, "the arguments", maxLength, List.of());
    }

    private static ClipTokenizer build(Path vocabFile, Path mergesFile, String padToken, String padSource,
            int maxLength, List<String> splitTokens) throws IOException {
        BytePairEncoder encoder = BytePairEncoder.create(TokenizerFiles.readVocab(vocabFile),
                TokenizerFiles.readMerges(mergesFile), vocabFile, mergesFile);
        int bos = specialId(encoder, START_OF_TEXT, vocabFile, "the start token");
        int eos = specialId(encoder, END_OF_TEXT, vocabFile, "the end token");
        int pad = specialId(encoder, padToken, vocabFile, "the pad token named by " + padSource);
        return new ClipTokenizer(encoder, bos, eos, pad, maxLength, splitTokens);
    }

    private static int specialId(BytePairEncoder encoder, String token, Path vocabFile, String role)
            throws IOException {
        Integer id = encoder.id(token);
        if (id == null) {
            throw new IOException(vocabFile + " has no token '" + token + "' (" + role + ")");
        }
        return id;
    }

    /**
     * Encodes a prompt to exactly {@link #maxLength()} ids: start token, the prompt's tokens (cut to
     * {@code maxLength - 2}), end token, pad tokens. A prompt that is too long still encodes; the result
     * says what was cut.
     */
    public TokenizedPrompt encode(String prompt) {
        Tokens tokens = split(prompt);
        int room = maxLength - 2;
        int kept = Math.min(tokens.count, room);
        int[] ids = new int[maxLength];
        ids[0] = bosId;
        System.arraycopy(tokens.ids, 0, ids, 1, kept);
        ids[kept + 1] = eosId;
        Arrays.fill(ids, kept + 2, maxLength, padId);
        String dropped = "";
        if (tokens.count > room) {
            int firstCutWord = 0;
            for (int w = 0; w < tokens.wordCount && tokens.wordStarts[w] <= room; w++) {
                firstCutWord = tokens.wordStarts[w];
            }
            dropped = decode(Arrays.copyOfRange(tokens.ids, firstCutWord, tokens.count));
        }
        return new TokenizedPrompt(ids, tokens.count, dropped);
    }

    /**
     * The text this tokenizer splits into words: HTML entities unescaped twice (so {@code &#103;} is a g), white
     * space collapsed, stripped, lower-cased, as CLIP's {@code basic_clean} and {@code whitespace_clean} do.
     */
    public static String cleanText(String text) {
        return PromptCleaner.clean(text);
    }

    /** The prompt's token ids, without start and end tokens and without any length limit. */
    public List<Integer> tokenize(String text) {
        Tokens tokens = split(text);
        return Arrays.stream(tokens.ids, 0, tokens.count).boxed().toList();
    }

    /**
     * Turns ids back into text the way CLIP does: each word followed by a space (so punctuation stands
     * apart), then trimmed. Start and end tokens are skipped, and pad tokens after an end token, so a pad
     * token that is also a prompt token (SD 2.x pads with {@code !}) survives inside the prompt.
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ended = false;
        for (int id : ids) {
            if (id == eosId) {
                ended = true;
            } else if (id != bosId && !(ended && id == padId)) {
                encoder.appendBytes(id, bytes);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8).trim();
    }

    /** The id of {@value #START_OF_TEXT}. */
    public int bosId() {
        return bosId;
    }

    /** The id of {@value #END_OF_TEXT}. */
    public int eosId() {
        return eosId;
    }

    /** The id that fills encoded prompts after the end token. */
    public int padId() {
        return padId;
    }

    /** The id of a comma ending a word ({@code ,</w>}), or -1 when the vocabulary has none. */
    public int commaId() {
        return commaId;
    }

    /** The number of ids {@link #encode} returns, start and end tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The number of tokens in vocab.json. */
    public int vocabSize() {
        return encoder.size();
    }

    private Tokens split(String text) {
        Objects.requireNonNull(text, "text");
        Tokens tokens = new Tokens();
        if (splitTokens.isEmpty()) {
            addWords(text, tokens);
            return tokens;
        }
        int chunkStart = 0;
        int at = 0;
        while (at < text.length()) {
            int matched = -1;
            for (int t = 0; t < splitTokens.size() && matched < 0; t++) {
                if (text.startsWith(splitTokens.get(t), at)) {
                    matched = t;
                }
            }
            if (matched < 0) {
                at++;
                continue;
            }
            addWords(text.substring(chunkStart, at), tokens);
            tokens.add(new int[] {splitIds[matched]});
            at += splitTokens.get(matched).length();
            chunkStart = at;
        }
        addWords(text.substring(chunkStart), tokens);
        return tokens;
    }

    private void addWords(String text, Tokens tokens) {
        for (String word : PromptSplitter.split(PromptCleaner.clean(text))) {
            if (word.equals(START_OF_TEXT)) {
                tokens.add(new int[] {bosId});
            } else if (word.equals(END_OF_TEXT)) {
                tokens.add(new int[] {eosId});
            } else {
                tokens.add(words.get(word, encoder::encodeWord));
            }
        }
    }

    /** Token ids of a prompt and where each word's tokens start. */
    private static final class Tokens {
        int[] ids = new int[64];
        int count;
        int[] wordStarts = new int[32];
        int wordCount;

        void add(int[] word) {
            if (count + word.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + word.length));
            }
            if (wordCount == wordStarts.length) {
                wordStarts = Arrays.copyOf(wordStarts, wordCount * 2);
            }
            wordStarts[wordCount++] = count;
            System.arraycopy(word, 0, ids, count, word.length);
            count += word.length;
        }
    }
}
