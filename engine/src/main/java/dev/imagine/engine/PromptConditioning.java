package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.TextEncoder;
import dev.imagine.engine.prompt.Emphasis;
import dev.imagine.engine.prompt.EmphasisParser;
import dev.imagine.engine.prompt.PromptChunker;
import dev.imagine.engine.prompt.PromptSchedule;
import dev.imagine.engine.text.ClipTokenizer;
import dev.imagine.engine.text.TokenizedPrompt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A job's text-encoder states for its prompt and negative prompt, step by step. With {@link PromptSyntax#PLAIN} each
 * prompt is one 77-token encoding, as diffusers makes it. With {@link PromptSyntax#A1111} each prompt becomes its
 * schedule of texts (prompt editing, alternation), each text its 75-token chunks with emphasis multipliers; every
 * distinct chunk of the job goes through the text encoder once, in one batch (negative prompt's chunks first, as the
 * plain path orders them); each chunk position gets A1111's emphasis over the batch of the schedule's texts; the
 * chunks of a text are joined on the sequence axis.
 *
 * <p>A model with several text encoders (SDXL) has one {@link Lane} per encoder, as A1111's SDXL conditioner runs
 * one prompt reader per embedder: each lane chunks the prompt with its own tokenizer (and pad token), encodes its
 * chunks and applies the emphasis to its own output (the mean restore runs per encoder, never over the joined
 * states); the lanes' states are then joined per token on the last axis, and the pooled embedding is the last
 * pooling lane's output for the first chunk of each text.
 */
final class PromptConditioning {
    /** Encodes chunks of exactly the chunk length; one state array per chunk, in order. */
    @FunctionalInterface
    interface ChunkEncoder {
        List<float[]> encode(List<int[]> chunks) throws InferenceException;
    }

    /** Encodes chunks of exactly the chunk length with their pooled embedding (null when the encoder has none). */
    @FunctionalInterface
    interface PooledChunkEncoder {
        List<TextEncoder.Encoded> encode(List<int[]> chunks) throws InferenceException;
    }

    /** One text encoder with the tokenizer that reads prompts for it. */
    record Lane(ClipTokenizer tokenizer, PooledChunkEncoder encoder) {
        /** A lane whose encoder gives no pooled embedding. */
        static Lane of(ClipTokenizer tokenizer, ChunkEncoder encoder) {
            return new Lane(tokenizer, chunks -> encoder.encode(chunks).stream()
                    .map(states -> new TextEncoder.Encoded(states, null)).toList());
        }
    }

    /** Where the prompt's chunks are limited: the server's setting, or a UNet fixed to one chunk. */
    record ChunkLimit(int chunks, String reason) {
    }

    /** One prompt's states. */
    static final class Side {
        private final int tokens;
        private final List<float[]> entryStates;
        private final IntUnaryOperator entries;
        private final PromptUsage usage;
        private final List<float[]> entryPooled;

        Side(int tokens, List<float[]> entryStates, PromptSchedule schedule, PromptUsage usage,
                List<float[]> entryPooled) {
            this(schedule == null ? null : schedule::entryAt, tokens, entryStates, usage, entryPooled);
        }

        private Side(IntUnaryOperator entries, int tokens, List<float[]> entryStates, PromptUsage usage,
                List<float[]> entryPooled) {
            this.tokens = tokens;
            this.entryStates = entryStates;
            this.entries = entries;
            this.usage = usage;
            this.entryPooled = entryPooled;
        }

        /**
         * The pooled embedding (SDXL's {@code text_embeds}) for sampler call {@code call}, or null for models that take
         * none; it changes with the schedule entry, as A1111 schedules SDXL's {@code vector} with its states.
         */
        float[] pooledAt(int call) {
            return entryPooled == null ? null : entryPooled.get(entryAt(call));
        }

        /** The sequence length of the states: 77 per chunk. */
        int tokens() {
            return tokens;
        }

        /** The index of the schedule entry that sampler call {@code call} (0-based) uses. */
        int entryAt(int call) {
            return entries == null ? 0 : entries.applyAsInt(call);
        }

        /** The states for sampler call {@code call}. */
        float[] statesAt(int call) {
            return entryStates.get(entryAt(call));
        }

        PromptUsage usage() {
            return usage;
        }

        /**
         * An animation frame's conditioning: {@code (1 - t) * a + t * b} element by element in float, at every sampler
         * call (each side's own schedule applies), the pooled embeddings alike. When one side has fewer tokens it is
         * first extended with copies of the empty prompt's one-chunk states {@code empty}.
         */
        static Side mix(Side a, Side b, float t, Side empty) {
            int length = Math.max(a.tokens, b.tokens);
            int sizeB = b.entryStates.size();
            List<float[]> mixed = new ArrayList<>(a.entryStates.size() * sizeB);
            for (float[] statesA : a.entryStates) {
                for (float[] statesB : b.entryStates) {
                    mixed.add(lerp(extend(statesA, a.tokens, length, empty), extend(statesB, b.tokens, length, empty),
                            t));
                }
            }
            List<float[]> pooled = null;
            if (a.entryPooled != null) {
                pooled = new ArrayList<>(mixed.size());
                for (float[] pooledA : a.entryPooled) {
                    for (float[] pooledB : b.entryPooled) {
                        pooled.add(lerp(pooledA, pooledB, t));
                    }
                }
            }
            IntUnaryOperator entries = a.entries == null && b.entries == null ? null
                    : call -> a.entryAt(call) * sizeB + b.entryAt(call);
            return new Side(entries, length, mixed, a.usage, pooled);
        }

        private static float[] lerp(float[] a, float[] b, float t) {
            float keep = 1f - t;
            float[] out = new float[a.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = keep * a[i] + t * b[i];
            }
            return out;
        }

        private static float[] extend(float[] states, int tokens, int length, Side empty) {
            if (tokens == length) {
                return states;
            }
            if (empty == null) {
                throw new IllegalStateException("encodings of different lengths need the empty prompt's encoding");
            }
            float[] chunk = empty.statesAt(0);
            int perToken = states.length / tokens;
            if (chunk.length != empty.tokens * perToken || (length - tokens) % empty.tokens != 0) {
                throw new IllegalStateException("encodings of " + tokens + " and " + length
                        + " tokens are not whole chunks of " + empty.tokens);
            }
            float[] out = Arrays.copyOf(states, length * perToken);
            for (int at = states.length; at < out.length; at += chunk.length) {
                System.arraycopy(chunk, 0, out, at, chunk.length);
            }
            return out;
        }
    }

    private final Side cond;
    private final Side uncond;
    private final int encodedChunks;

    private PromptConditioning(Side cond, Side uncond, int encodedChunks) {
        this.cond = cond;
        this.uncond = uncond;
        this.encodedChunks = encodedChunks;
    }

    /** The prompt's states. */
    Side cond() {
        return cond;
    }

    /** The negative prompt's states, or null without classifier-free guidance. */
    Side uncond() {
        return uncond;
    }

    /** How many 77-token sequences went through the text encoder for this job. */
    int encodedChunks() {
        return encodedChunks;
    }

    /** Whether the prompt's states change between sampler calls (prompt editing or alternation). */
    boolean changesBetween(int previousCall, int call) {
        return cond.entryAt(previousCall) != cond.entryAt(call)
                || (uncond != null && uncond.entryAt(previousCall) != uncond.entryAt(call));
    }

    /**
     * Diffusers' reading, as the model's prompt encoder makes it: one encoding per prompt, tokens past the 75th cut.
     *
     * @param tokens the sequence length of the encodings (77)
     */
    static PromptConditioning plain(ClipTokenizer tokenizer, EncodedPrompts prompts, String prompt, String negative,
            int tokens) {
        Side cond = new Side(tokens, List.of(prompts.cond().states()), null, plainUsage(tokenizer.encode(prompt)),
                pooledList(prompts.cond().pooled()));
        Conditioning negativeStates = prompts.uncond();
        Side uncond = negativeStates == null ? null : new Side(tokens, List.of(negativeStates.states()), null,
                plainUsage(tokenizer.encode(negative)), pooledList(negativeStates.pooled()));
        return new PromptConditioning(cond, uncond, uncond == null ? 1 : 2);
    }

    private static List<float[]> pooledList(float[] pooled) {
        return pooled == null ? null : List.of(pooled);
    }

    private static PromptUsage plainUsage(TokenizedPrompt ids) {
        return new PromptUsage(1, ids.keptTokenCount(), ids.droppedText(),
                ids.truncated() ? "past CLIP's " + (ids.ids().length - 2) + " tokens" : "");
    }

    /**
     * AUTOMATIC1111's reading with one text encoder.
     *
     * @param steps the step count the schedules are laid out on
     * @param chunkLength ids per chunk the text encoder takes (77)
     * @throws IllegalArgumentException with a sentence for the user when a prompt cannot be read (a bad weight)
     */
    static PromptConditioning a1111(ClipTokenizer tokenizer, ChunkEncoder encoder, int chunkLength, String prompt,
            String negative, boolean guided, int steps, ChunkLimit limit) throws InferenceException {
        return a1111(List.of(Lane.of(tokenizer, encoder)), chunkLength, prompt, negative, guided, false, steps, limit);
    }

    /**
     * AUTOMATIC1111's reading with one or more text encoders. Every lane reads the same prompts; the token counts and
     * cut words users see are the first lane's, as A1111 counts them with its first embedder.
     *
     * @param zerosForEmptyNegative whether an empty negative prompt is all zeros, states and pooled alike, instead of
     *     being encoded (SDXL's {@code force_zeros_for_empty_prompt}); then it is one chunk long
     * @param steps the step count the schedules are laid out on
     * @param chunkLength ids per chunk the text encoders take (77)
     * @throws IllegalArgumentException with a sentence for the user when a prompt cannot be read (a bad weight)
     */
    static PromptConditioning a1111(List<Lane> lanes, int chunkLength, String prompt, String negative,
            boolean guided, boolean zerosForEmptyNegative, int steps, ChunkLimit limit) throws InferenceException {
        boolean zeros = guided && zerosForEmptyNegative && negative.isEmpty();
        boolean encodeNegative = guided && !zeros;
        PromptSchedule condSchedule = PromptSchedule.of(prompt, steps);
        PromptSchedule uncondSchedule = encodeNegative ? PromptSchedule.of(negative, steps) : null;
        List<Read> condReads = new ArrayList<>(lanes.size());
        List<Read> uncondReads = new ArrayList<>(lanes.size());
        int encoded = 0;
        for (Lane lane : lanes) {
            PromptChunker chunker = new PromptChunker(lane.tokenizer(), chunkLength);
            Plan condPlan = new Plan(condSchedule, chunker, lane.tokenizer(), limit);
            Plan uncondPlan = encodeNegative ? new Plan(uncondSchedule, chunker, lane.tokenizer(), limit) : null;
            List<int[]> batch = new ArrayList<>();
            if (uncondPlan != null) {
                batch.addAll(uncondPlan.unique.keySet().stream().map(IdKey::ids).toList());
            }
            batch.addAll(condPlan.unique.keySet().stream().map(IdKey::ids).toList());
            List<TextEncoder.Encoded> states = lane.encoder().encode(batch);
            encoded += batch.size();
            int offset = 0;
            if (uncondPlan != null) {
                uncondReads.add(uncondPlan.read(states.subList(0, uncondPlan.unique.size())));
                offset = uncondPlan.unique.size();
            }
            condReads.add(condPlan.read(states.subList(offset, states.size())));
        }
        Side cond = join(condSchedule, condReads, chunkLength);
        Side uncond = null;
        if (encodeNegative) {
            uncond = join(uncondSchedule, uncondReads, chunkLength);
        } else if (zeros) {
            int width = cond.statesAt(0).length / cond.tokens();
            float[] pooled = cond.pooledAt(0);
            uncond = new Side(chunkLength, List.of(new float[chunkLength * width]), null, new PromptUsage(1, 0, "", ""),
                    pooled == null ? null : List.of(new float[pooled.length]));
        }
        return new PromptConditioning(cond, uncond, encoded);
    }

    /** One lane's reading of one prompt: emphasised, joined states and the first chunk's pooled per distinct text. */
    private record Read(List<String> texts, float[][] states, float[][] pooled, int chunkCount, PromptUsage usage) {
    }

    /** The lanes' readings of one prompt joined per token, one state array and pooled embedding per schedule entry. */
    private static Side join(PromptSchedule schedule, List<Read> reads, int chunkLength) {
        Read first = reads.get(0);
        int tokens = first.chunkCount() * chunkLength;
        for (Read read : reads) {
            if (read.chunkCount() != first.chunkCount()) {
                throw new IllegalStateException("the text encoders' tokenizers split the prompt into "
                        + first.chunkCount() + " and " + read.chunkCount() + " chunks; their vocabularies differ");
            }
        }
        List<String> texts = first.texts();
        float[][] joined = new float[texts.size()][];
        float[][] pooled = null;
        for (int t = 0; t < texts.size(); t++) {
            joined[t] = first.states()[t];
            for (int lane = 1; lane < reads.size(); lane++) {
                joined[t] = concatenate(joined[t], reads.get(lane).states()[t], tokens);
            }
        }
        for (Read read : reads) {
            if (read.pooled() != null) {
                pooled = read.pooled();
            }
        }
        List<float[]> entryStates = new ArrayList<>(schedule.entries().size());
        List<float[]> entryPooled = pooled == null ? null : new ArrayList<>(schedule.entries().size());
        for (PromptSchedule.Entry entry : schedule.entries()) {
            int t = texts.indexOf(entry.text());
            entryStates.add(joined[t]);
            if (entryPooled != null) {
                entryPooled.add(pooled[t]);
            }
        }
        return new Side(tokens, entryStates, schedule.isConstant() ? null : schedule, first.usage(), entryPooled);
    }

    /** Per token, the first states' values then the second's ({@code torch.cat(..., dim=-1)}). */
    static float[] concatenate(float[] first, float[] second, int tokens) {
        if (first.length % tokens != 0 || second.length % tokens != 0) {
            throw new IllegalArgumentException("states of " + first.length + " and " + second.length
                    + " values do not split into " + tokens + " tokens");
        }
        int a = first.length / tokens;
        int b = second.length / tokens;
        float[] joined = new float[first.length + second.length];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(first, t * a, joined, t * (a + b), a);
            System.arraycopy(second, t * b, joined, t * (a + b) + a, b);
        }
        return joined;
    }

    /** One prompt's schedule, its texts' chunks and the distinct chunks to encode. */
    private static final class Plan {
        final List<String> texts;
        final int[] copies;
        final List<List<PromptChunker.Chunk>> chunks = new ArrayList<>();
        final Map<IdKey, Integer> unique = new LinkedHashMap<>();
        final int chunkCount;
        int tokens;
        String cutWords = "";
        String cutBecause = "";

        Plan(PromptSchedule schedule, PromptChunker chunker, ClipTokenizer tokenizer, ChunkLimit limit) {
            this.texts = schedule.distinctTexts();
            this.copies = new int[texts.size()];
            for (PromptSchedule.Entry entry : schedule.entries()) {
                copies[texts.indexOf(entry.text())]++;
            }
            int most = 1;
            for (String text : texts) {
                List<PromptChunker.Chunk> textChunks = new ArrayList<>(chunker.chunk(EmphasisParser.parse(text))
                        .chunks());
                if (textChunks.size() > limit.chunks()) {
                    List<PromptChunker.Chunk> dropped = textChunks.subList(limit.chunks(), textChunks.size());
                    if (cutWords.isEmpty()) {
                        int[] droppedTokens = dropped.stream().flatMapToInt(c -> Arrays.stream(c.tokens())).toArray();
                        cutWords = tokenizer.decode(droppedTokens);
                        cutBecause = limit.reason();
                    }
                    dropped.clear();
                }
                tokens = Math.max(tokens, textChunks.stream().mapToInt(PromptChunker.Chunk::promptTokens).sum());
                most = Math.max(most, textChunks.size());
                chunks.add(textChunks);
            }
            this.chunkCount = most;
            for (List<PromptChunker.Chunk> textChunks : chunks) {
                while (textChunks.size() < chunkCount) {
                    textChunks.add(chunker.empty());
                }
                for (PromptChunker.Chunk chunk : textChunks) {
                    unique.putIfAbsent(new IdKey(chunk.ids()), unique.size());
                }
            }
        }

        /**
         * Emphasis per chunk position over the schedule's batch, chunks joined, one array per distinct text; the pooled
         * embedding of each text's first chunk (A1111's {@code zs[0].pooled}), untouched by emphasis.
         */
        Read read(List<TextEncoder.Encoded> encoded) {
            int stateLength = encoded.get(0).states().length;
            float[][] joined = new float[texts.size()][chunkCount * stateLength];
            float[][] pooled = encoded.get(0).pooled() == null ? null : new float[texts.size()][];
            for (int position = 0; position < chunkCount; position++) {
                List<float[]> states = new ArrayList<>(texts.size());
                List<float[]> multipliers = new ArrayList<>(texts.size());
                for (int t = 0; t < texts.size(); t++) {
                    PromptChunker.Chunk chunk = chunks.get(t).get(position);
                    TextEncoder.Encoded output = encoded.get(unique.get(new IdKey(chunk.ids())));
                    states.add(output.states());
                    multipliers.add(chunk.multipliers());
                    if (position == 0 && pooled != null) {
                        pooled[t] = output.pooled();
                    }
                }
                List<float[]> emphasised = Emphasis.apply(states, multipliers, copies);
                for (int t = 0; t < texts.size(); t++) {
                    System.arraycopy(emphasised.get(t), 0, joined[t], position * stateLength, stateLength);
                }
            }
            return new Read(texts, joined, pooled, chunkCount, new PromptUsage(chunkCount, tokens, cutWords,
                    cutBecause));
        }
    }

    /** Token ids compared by content. */
    private record IdKey(int[] ids) {
        @Override
        public boolean equals(Object other) {
            return other instanceof IdKey that && Arrays.equals(ids, that.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }
}
