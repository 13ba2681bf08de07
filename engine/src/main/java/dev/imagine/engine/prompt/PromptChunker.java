package dev.imagine.engine.prompt;

import dev.imagine.engine.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a prompt into CLIP chunks as AUTOMATIC1111's {@code tokenize_line} does: each emphasis run is tokenized on
 * its own (no start or end token); tokens fill chunks of {@code length - 2}; when a chunk is full and a comma was
 * among its last {@value #COMMA_BACKTRACK} tokens, the tokens after that comma move to the next chunk; a
 * {@code BREAK} closes the chunk; each chunk becomes {@code [start] + tokens + [end]...} with multiplier 1 on the
 * start, end and padding tokens. When the pad token is not the end token (SD 2.x), every id after the first end
 * token is the pad token, as A1111 pads for OpenCLIP. Thread-safe.
 */
public final class PromptChunker {
    /** How far back from a full chunk a comma moves the rest of the chunk to the next one. */
    public static final int COMMA_BACKTRACK = 20;

    private final ClipTokenizer tokenizer;
    private final int length;
    private final int room;

    /**
     * A chunker for chunks of {@code length} ids (77 for CLIP), start and end tokens included.
     *
     * @throws IllegalArgumentException when {@code length} leaves no room for prompt tokens
     */
    public PromptChunker(ClipTokenizer tokenizer, int length) {
        if (length < 3) {
            throw new IllegalArgumentException("a chunk needs room for a start, an end and a prompt token, got "
                    + length);
        }
        this.tokenizer = tokenizer;
        this.length = length;
        this.room = length - 2;
    }

    /**
     * One chunk as the text encoder takes it.
     *
     * @param ids exactly the chunk length of ids
     * @param multipliers one emphasis multiplier per id, as float32 as A1111's tensors hold them
     * @param promptTokens how many of the ids are prompt tokens (the rest are start, end and padding)
     */
    public record Chunk(int[] ids, float[] multipliers, int promptTokens) {
        /** The prompt tokens of this chunk, in order. */
        public int[] tokens() {
            return Arrays.copyOfRange(ids, 1, 1 + promptTokens);
        }
    }

    /** A prompt's chunks: at least one. */
    public record Chunked(List<Chunk> chunks) {
        /** Copies the list. */
        public Chunked {
            chunks = List.copyOf(chunks);
        }

        /** Prompt tokens over all chunks (start, end and padding not counted). */
        public int tokenCount() {
            return chunks.stream().mapToInt(Chunk::promptTokens).sum();
        }
    }

    /** The chunks of a prompt's emphasis runs, as {@link EmphasisParser#parse} gives them. */
    public Chunked chunk(List<WeightedText> runs) {
        Builder builder = new Builder();
        int comma = tokenizer.commaId();
        for (WeightedText run : runs) {
            if (run.isBreak()) {
                builder.close();
                continue;
            }
            float weight = (float) run.weight();
            for (int token : tokenizer.tokenize(run.text())) {
                if (token == comma) {
                    builder.lastComma = builder.tokens.size();
                } else if (builder.tokens.size() == room && builder.lastComma != -1
                        && builder.tokens.size() - builder.lastComma <= COMMA_BACKTRACK) {
                    int cut = builder.lastComma + 1;
                    List<Integer> movedTokens = new ArrayList<>(builder.tokens.subList(cut, builder.tokens.size()));
                    List<Float> movedWeights = new ArrayList<>(builder.weights.subList(cut, builder.weights.size()));
                    builder.tokens.subList(cut, builder.tokens.size()).clear();
                    builder.weights.subList(cut, builder.weights.size()).clear();
                    builder.close();
                    builder.tokens.addAll(movedTokens);
                    builder.weights.addAll(movedWeights);
                }
                if (builder.tokens.size() == room) {
                    builder.close();
                }
                builder.tokens.add(token);
                builder.weights.add(weight);
            }
        }
        if (!builder.tokens.isEmpty() || builder.chunks.isEmpty()) {
            builder.close();
        }
        return new Chunked(builder.chunks);
    }

    /** The chunk of an empty prompt: A1111 gives it to texts with fewer chunks than others in the same batch. */
    public Chunk empty() {
        return toChunk(List.of(), List.of());
    }

    private Chunk toChunk(List<Integer> tokens, List<Float> weights) {
        int[] ids = new int[length];
        float[] multipliers = new float[length];
        Arrays.fill(ids, tokenizer.eosId());
        Arrays.fill(multipliers, 1f);
        ids[0] = tokenizer.bosId();
        for (int i = 0; i < tokens.size(); i++) {
            ids[1 + i] = tokens.get(i);
            multipliers[1 + i] = weights.get(i);
        }
        if (tokenizer.padId() != tokenizer.eosId()) {
            int end = 1;
            while (ids[end] != tokenizer.eosId()) {
                end++;
            }
            Arrays.fill(ids, end + 1, length, tokenizer.padId());
        }
        return new Chunk(ids, multipliers, tokens.size());
    }

    /** The chunk being filled and the chunks done. */
    private final class Builder {
        final List<Chunk> chunks = new ArrayList<>();
        final List<Integer> tokens = new ArrayList<>();
        final List<Float> weights = new ArrayList<>();
        int lastComma = -1;

        void close() {
            chunks.add(toChunk(tokens, weights));
            tokens.clear();
            weights.clear();
            lastComma = -1;
        }
    }
}
