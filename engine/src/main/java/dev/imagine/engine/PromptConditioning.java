package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
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

/**
 * A job's text-encoder states for its prompt and negative prompt, step by step. With {@link PromptSyntax#PLAIN} each
 * prompt is one 77-token encoding, as diffusers makes it. With {@link PromptSyntax#A1111} each prompt becomes its
 * schedule of texts (prompt editing, alternation), each text its 75-token chunks with emphasis multipliers; every
 * distinct chunk of the job goes through the text encoder once, in one batch (negative prompt's chunks first, as the
 * plain path orders them); each chunk position gets A1111's emphasis over the batch of the schedule's texts; the
 * chunks of a text are joined on the sequence axis.
 *
 * <p>The encoder is a function so that a model with several text encoders applies the same chunks to each.
 */
final class PromptConditioning {
    /** Encodes chunks of exactly the chunk length; one state array per chunk, in order. */
    @FunctionalInterface
    interface ChunkEncoder {
        List<float[]> encode(List<int[]> chunks) throws InferenceException;
    }

    /** Where the prompt's chunks are limited: the server's setting, or a UNet fixed to one chunk. */
    record ChunkLimit(int chunks, String reason) {
    }

    /** One prompt's states. */
    static final class Side {
        private final int tokens;
        private final List<float[]> entryStates;
        private final PromptSchedule schedule;
        private final PromptUsage usage;
        private final float[] pooled;

        Side(int tokens, List<float[]> entryStates, PromptSchedule schedule, PromptUsage usage, float[] pooled) {
            this.tokens = tokens;
            this.entryStates = entryStates;
            this.schedule = schedule;
            this.usage = usage;
            this.pooled = pooled;
        }

        /** The pooled embedding (SDXL's {@code text_embeds}), or null for models that take none. */
        float[] pooled() {
            return pooled;
        }

        /** The sequence length of the states: 77 per chunk. */
        int tokens() {
            return tokens;
        }

        /** The index of the schedule entry that sampler call {@code call} (0-based) uses. */
        int entryAt(int call) {
            return schedule == null ? 0 : schedule.entryAt(call);
        }

        /** The states for sampler call {@code call}. */
        float[] statesAt(int call) {
            return entryStates.get(entryAt(call));
        }

        PromptUsage usage() {
            return usage;
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
                prompts.cond().pooled());
        Conditioning negativeStates = prompts.uncond();
        Side uncond = negativeStates == null ? null : new Side(tokens, List.of(negativeStates.states()), null,
                plainUsage(tokenizer.encode(negative)), negativeStates.pooled());
        return new PromptConditioning(cond, uncond, uncond == null ? 1 : 2);
    }

    private static PromptUsage plainUsage(TokenizedPrompt ids) {
        return new PromptUsage(1, ids.keptTokenCount(), ids.droppedText(),
                ids.truncated() ? "past CLIP's " + (ids.ids().length - 2) + " tokens" : "");
    }

    /**
     * AUTOMATIC1111's reading.
     *
     * @param steps the step count the schedules are laid out on
     * @param chunkLength ids per chunk the text encoder takes (77)
     * @throws IllegalArgumentException with a sentence for the user when a prompt cannot be read (a bad weight)
     */
    static PromptConditioning a1111(ClipTokenizer tokenizer, ChunkEncoder encoder, int chunkLength, String prompt,
            String negative, boolean guided, int steps, ChunkLimit limit) throws InferenceException {
        PromptChunker chunker = new PromptChunker(tokenizer, chunkLength);
        Plan condPlan = new Plan(PromptSchedule.of(prompt, steps), chunker, tokenizer, limit);
        Plan uncondPlan = guided ? new Plan(PromptSchedule.of(negative, steps), chunker, tokenizer, limit) : null;
        List<int[]> batch = new ArrayList<>();
        if (uncondPlan != null) {
            batch.addAll(uncondPlan.unique.keySet().stream().map(IdKey::ids).toList());
        }
        batch.addAll(condPlan.unique.keySet().stream().map(IdKey::ids).toList());
        List<float[]> states = encoder.encode(batch);
        int offset = 0;
        Side uncond = null;
        if (uncondPlan != null) {
            uncond = uncondPlan.finish(states.subList(0, uncondPlan.unique.size()), chunkLength);
            offset = uncondPlan.unique.size();
        }
        Side cond = condPlan.finish(states.subList(offset, states.size()), chunkLength);
        return new PromptConditioning(cond, uncond, batch.size());
    }

    /** One prompt's schedule, its texts' chunks and the distinct chunks to encode. */
    private static final class Plan {
        final PromptSchedule schedule;
        final List<String> texts;
        final int[] copies;
        final List<List<PromptChunker.Chunk>> chunks = new ArrayList<>();
        final Map<IdKey, Integer> unique = new LinkedHashMap<>();
        final int chunkCount;
        int tokens;
        String cutWords = "";
        String cutBecause = "";

        Plan(PromptSchedule schedule, PromptChunker chunker, ClipTokenizer tokenizer, ChunkLimit limit) {
            this.schedule = schedule;
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

        /** Emphasis per chunk position over the schedule's batch, chunks joined, one array per schedule entry. */
        Side finish(List<float[]> encoded, int chunkLength) {
            int stateLength = encoded.get(0).length;
            float[][] joined = new float[texts.size()][chunkCount * stateLength];
            for (int position = 0; position < chunkCount; position++) {
                List<float[]> states = new ArrayList<>(texts.size());
                List<float[]> multipliers = new ArrayList<>(texts.size());
                for (List<PromptChunker.Chunk> textChunks : chunks) {
                    PromptChunker.Chunk chunk = textChunks.get(position);
                    states.add(encoded.get(unique.get(new IdKey(chunk.ids()))));
                    multipliers.add(chunk.multipliers());
                }
                List<float[]> emphasised = Emphasis.apply(states, multipliers, copies);
                for (int t = 0; t < texts.size(); t++) {
                    System.arraycopy(emphasised.get(t), 0, joined[t], position * stateLength, stateLength);
                }
            }
            List<float[]> entryStates = new ArrayList<>(schedule.entries().size());
            for (PromptSchedule.Entry entry : schedule.entries()) {
                entryStates.add(joined[texts.indexOf(entry.text())]);
            }
            return new Side(chunkCount * chunkLength, entryStates, schedule.isConstant() ? null : schedule,
                    new PromptUsage(chunkCount, tokens, cutWords, cutBecause), null);
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
