package dev.imagine.engine;

import static dev.imagine.engine.ReferenceOutputs.floats;
import static dev.imagine.engine.ReferenceOutputs.toImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.sampler.NoiseScheduleConfig;
import dev.imagine.engine.sampler.Sampler;
import dev.imagine.engine.sampler.Samplers;
import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A1111's prompt syntax on the tiny SDXL model. Expected states are worked out here from A1111's SDXL rules with plain
 * ONNX Runtime calls on the two tiny encoders: each encoder reads the same chunks with its own tokenizer (the second
 * pads with its own pad token), takes its penultimate hidden state ({@code hidden_states.1} of the first, two-layer
 * encoder, {@code hidden_states.2} of the second, three-layer one) and applies the emphasis with the mean restore to
 * its own output; the two are joined per token, the chunks on the sequence axis; the pooled embedding is the second
 * encoder's {@code text_embeds} of the first chunk.
 */
class SdxlPromptSyntaxTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final PromptConditioning.ChunkLimit LIMIT = new PromptConditioning.ChunkLimit(8, "the limit");
    private static final float TOLERANCE = 1e-5f;
    /** A high guidance, so that the pooled embedding's small effect on the tiny UNet shows in the pixels. */
    private static final float GUIDANCE = 15f;

    private static Path folder;
    private static OnnxImageEngine engine;
    private static ClipTokenizer tokenizer;
    private static ClipTokenizer tokenizer2;
    private static OrtSession first;
    private static OrtSession second;
    /** Values per token of the joined states (the two tiny encoders' widths added). */
    private static int width;

    @BeforeAll
    static void open() throws Exception {
        folder = TestModels.folder(TinyModelSpec.sdxl());
        engine = (OnnxImageEngine) TestModels.open(TinyModelSpec.sdxl());
        tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
        tokenizer2 = ClipTokenizer.loadWithSpecialTokens(folder.resolve("tokenizer_2"));
        first = session("text_encoder");
        second = session("text_encoder_2");
        width = (firstStates("").length + secondStates("").length) / 77;
    }

    @AfterAll
    static void close() throws OrtException {
        engine.close();
        first.close();
        second.close();
    }

    private static OrtSession session(String part) throws OrtException {
        return ENV.createSession(folder.resolve(part).resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    }

    /** The ids each lane's encoder received, per lane. */
    private final List<List<int[]>> received = List.of(new ArrayList<>(), new ArrayList<>());

    private PromptConditioning a1111(String prompt, String negative, boolean guided, int steps) throws Exception {
        List<PromptConditioning.Lane> lanes = new ArrayList<>();
        List<PromptConditioning.Lane> real = engine.promptEncoder().lanes();
        for (int i = 0; i < real.size(); i++) {
            PromptConditioning.Lane lane = real.get(i);
            List<int[]> log = received.get(i);
            lanes.add(new PromptConditioning.Lane(lane.tokenizer(), chunks -> {
                log.addAll(chunks);
                return lane.encoder().encode(chunks);
            }));
        }
        return PromptConditioning.a1111(lanes, 77, prompt, negative, guided,
                engine.promptEncoder().zerosForEmptyNegative(), steps, LIMIT);
    }

    /** One output of an encoder for one 77-id chunk. */
    private static float[] output(OrtSession session, int[] ids, String name) throws OrtException {
        long[] longs = Arrays.stream(ids).asLongStream().toArray();
        try (OnnxTensor in = OnnxTensor.createTensor(ENV, LongBuffer.wrap(longs), new long[] {1, ids.length});
                OrtSession.Result result = session.run(Map.of("input_ids", in))) {
            FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        }
    }

    private static float[] firstStates(String text) throws OrtException {
        return output(first, tokenizer.encode(text).ids(), "hidden_states.1");
    }

    private static float[] secondStates(String text) throws OrtException {
        return output(second, tokenizer2.encode(text).ids(), "hidden_states.2");
    }

    private static float[] pooled(String text) throws OrtException {
        return output(second, tokenizer2.encode(text).ids(), "text_embeds");
    }

    /** A1111's emphasis on one batch of one encoder: multiply per token, then restore the batch's mean. */
    private static List<float[]> emphasis(List<float[]> batch, List<float[]> multipliers) {
        double before = 0;
        double after = 0;
        long n = 0;
        List<float[]> out = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            float[] z = batch.get(b);
            int hidden = z.length / 77;
            float[] w = new float[z.length];
            for (int k = 0; k < z.length; k++) {
                w[k] = z[k] * multipliers.get(b)[k / hidden];
                before += z[k];
                after += w[k];
            }
            n += z.length;
            out.add(w);
        }
        float restore = (float) (before / n) / (float) (after / n);
        for (float[] w : out) {
            for (int k = 0; k < w.length; k++) {
                w[k] *= restore;
            }
        }
        return out;
    }

    /** Per token over {@code tokens} tokens: {@code a}'s values then {@code b}'s. */
    private static float[] perToken(float[] a, float[] b, int tokens) {
        int wa = a.length / tokens;
        int wb = b.length / tokens;
        float[] joined = new float[a.length + b.length];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(a, t * wa, joined, t * (wa + wb), wa);
            System.arraycopy(b, t * wb, joined, t * (wa + wb) + wa, wb);
        }
        return joined;
    }

    private static float[] sequence(float[] a, float[] b) {
        float[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static float[] ones() {
        float[] m = new float[77];
        Arrays.fill(m, 1f);
        return m;
    }

    @Test
    void aLongEmphasisedPromptIsTwoChunksOfBothEncodersEachWithItsOwnEmphasis() throws Exception {
        // 76 words: "(x:1.5)" then 75 times "y"; the first chunk is x and 74 y, the second one y.
        String prompt = "(x:1.5) " + String.join(" ", Collections.nCopies(75, "y"));
        PromptConditioning c = a1111(prompt, "", true, 10);
        String chunk1 = "x " + String.join(" ", Collections.nCopies(74, "y"));
        String chunk2 = "y";

        // each encoder got the chunks from its own tokenizer, the second padded with its own pad token
        assertThat(tokenizer2.padId()).isNotEqualTo(tokenizer2.eosId());
        assertThat(received.get(0)).containsExactly(tokenizer.encode(chunk1).ids(), tokenizer.encode(chunk2).ids());
        assertThat(received.get(1)).containsExactly(tokenizer2.encode(chunk1).ids(), tokenizer2.encode(chunk2).ids());
        assertThat(received.get(1).get(1)[3]).isEqualTo(tokenizer2.padId());
        assertThat(received.get(0).get(1)[3]).isEqualTo(tokenizer.eosId());
        assertThat(c.encodedChunks()).isEqualTo(4);

        float[] m1 = ones();
        Arrays.fill(m1, 1, 1 + tokenizer.tokenize("x").size(), 1.5f);
        float[] a1 = emphasis(List.of(firstStates(chunk1)), List.of(m1)).get(0);
        float[] b1 = emphasis(List.of(secondStates(chunk1)), List.of(m1)).get(0);
        float[] a2 = firstStates(chunk2);
        float[] b2 = secondStates(chunk2);
        float[] expected = sequence(perToken(a1, b1, 77), perToken(a2, b2, 77));
        int width = a1.length / 77 + b1.length / 77;
        assertThat(c.cond().tokens()).isEqualTo(154);
        assertThat(c.cond().statesAt(0)).hasSize(154 * width).containsExactly(expected, within(TOLERANCE));

        // the mean is restored per encoder, not over the joined states
        float[] raw1 = perToken(firstStates(chunk1), secondStates(chunk1), 77);
        float[] jointly = emphasis(List.of(raw1), List.of(m1)).get(0);
        float[] got = Arrays.copyOf(c.cond().statesAt(0), 77 * width);
        assertThat(maxDifference(got, jointly)).isGreaterThan(1e-3f);

        // pooled: the second encoder's text_embeds of the first chunk, untouched by emphasis
        assertThat(c.cond().pooledAt(0)).containsExactly(pooled(chunk1), within(TOLERANCE));
        assertThat(maxDifference(c.cond().pooledAt(0), pooled(chunk2))).isGreaterThan(1e-3f);

        // the empty negative prompt of a force_zeros_for_empty_prompt model: one chunk of zeros, never encoded
        assertThat(c.uncond().tokens()).isEqualTo(77);
        assertThat(c.uncond().statesAt(0)).hasSize(77 * width).containsOnly(0f);
        assertThat(c.uncond().pooledAt(0)).hasSameSizeAs(pooled(chunk1)).containsOnly(0f);
    }

    @Test
    void aSimplePromptIsExactlyThePlainReading() throws Exception {
        PromptConditioning c = a1111("a red fox, snow", "blurry", true, 4);
        EncodedPrompts plain = engine.promptEncoder().encode("a red fox, snow", "blurry", true);
        assertThat(c.cond().tokens()).isEqualTo(77);
        assertThat(c.cond().statesAt(0)).containsExactly(plain.cond().states());
        assertThat(c.cond().pooledAt(0)).containsExactly(plain.cond().pooled());
        assertThat(c.uncond().statesAt(0)).containsExactly(plain.uncond().states());
        assertThat(c.uncond().pooledAt(0)).containsExactly(plain.uncond().pooled());
    }

    @Test
    void anEditSwitchesStatesAndPooledTogetherAndEmphasisSpansTheScheduleBatch() throws Exception {
        // [(cat:1.3):dog:0.5] at 10 steps: "a (cat:1.3)" for calls 0..5, "a dog" from call 6; one batch of both texts.
        PromptConditioning c = a1111("a [(cat:1.3):dog:0.5]", "", false, 10);
        float[] m = ones();
        int a = tokenizer.tokenize("a").size();
        Arrays.fill(m, 1 + a, 1 + a + tokenizer.tokenize("cat").size(), 1.3f);
        List<float[]> firsts = emphasis(List.of(firstStates("a cat"), firstStates("a dog")), List.of(m, ones()));
        List<float[]> seconds = emphasis(List.of(secondStates("a cat"), secondStates("a dog")), List.of(m, ones()));
        for (int call = 0; call <= 5; call++) {
            assertThat(c.cond().statesAt(call)).containsExactly(perToken(firsts.get(0), seconds.get(0), 77),
                    within(TOLERANCE));
            assertThat(c.cond().pooledAt(call)).containsExactly(pooled("a cat"), within(TOLERANCE));
        }
        for (int call = 6; call <= 9; call++) {
            assertThat(c.cond().statesAt(call)).containsExactly(perToken(firsts.get(1), seconds.get(1), 77),
                    within(TOLERANCE));
            assertThat(c.cond().pooledAt(call)).containsExactly(pooled("a dog"), within(TOLERANCE));
        }
        assertThat(c.changesBetween(5, 6)).isTrue();
        assertThat(c.uncond()).isNull();
    }

    @Test
    void sdxlReadsA1111ByDefaultAndASimplePromptGivesThePlainPixels() {
        for (GenerationRequest.Builder b : List.of(
                request("a lighthouse at dusk!").negativePrompt("blurry, text"),
                request("a red fox").guidance(1.0))) {
            GenerationResult byDefault = engine.generate(b.build());
            assertThat(byDefault.request().promptSyntax()).isEqualTo(PromptSyntax.A1111);
            GenerationResult plain = engine.generate(b.promptSyntax(PromptSyntax.PLAIN).build());
            assertThat(pixels(byDefault)).containsExactly(pixels(plain));
            assertThat(byDefault.timings().unetCalls()).isEqualTo(plain.timings().unetCalls());
        }
    }

    @Test
    void aLongPromptAndANegativeOfTheSameChunkCountShareOneUnetCallPerStep() {
        String longPrompt = "a very detailed painting of a quiet harbour town ".repeat(9);
        GenerationResult together = engine.generate(request(longPrompt).negativePrompt(longPrompt).build());
        assertThat(together.promptUsage().chunks()).isGreaterThan(1);
        assertThat(together.timings().unetCalls()).isEqualTo(3);
    }

    @Test
    void anEditedPromptMatchesTheReferenceOnlyWhenThePooledEmbeddingSwitchesToo() throws Exception {
        // "a [(cat:1.3):lighthouse at night, stormy sky:1]" at 6 steps: calls 0 and 1 read "a (cat:1.3)",
        // calls 2 to 5 "a lighthouse at night, stormy sky"; one emphasis batch.
        String later = "a lighthouse at night, stormy sky";
        float[] m = ones();
        int a = tokenizer.tokenize("a").size();
        Arrays.fill(m, 1 + a, 1 + a + tokenizer.tokenize("cat").size(), 1.3f);
        List<float[]> firsts = emphasis(List.of(firstStates("a cat"), firstStates(later)), List.of(m, ones()));
        List<float[]> seconds = emphasis(List.of(secondStates("a cat"), secondStates(later)), List.of(m, ones()));
        Half cat = new Half(perToken(firsts.get(0), seconds.get(0), 77), pooled("a cat"));
        Half dog = new Half(perToken(firsts.get(1), seconds.get(1), 77), pooled(later));
        List<Half> negative = Collections.nCopies(6, new Half(perToken(firstStates("blurry"), secondStates("blurry"),
                77), pooled("blurry")));
        BufferedImage image = engine.generate(request("a [(cat:1.3):lighthouse at night, stormy sky:1]").negativePrompt("blurry").steps(6)
                .guidance((double) GUIDANCE).build())
                .images().get(0).image();
        assertThat(ReferenceOutputs.maxDifference(image, reference(negative, List.of(cat, cat, dog, dog, dog, dog), GUIDANCE)))
                .isLessThanOrEqualTo(2);
        Half dogStatesCatPooled = new Half(dog.states(), cat.pooled());
        List<Half> pooledNeverSwitched = List.of(cat, cat, dogStatesCatPooled, dogStatesCatPooled,
                dogStatesCatPooled, dogStatesCatPooled);
        assertThat(ReferenceOutputs.maxDifference(image, reference(negative, pooledNeverSwitched, GUIDANCE))).isGreaterThan(2);
    }

    @Test
    void aTwoChunkPromptWithAnEmptyNegativeMatchesTheReferenceOfSeparateCalls() throws Exception {
        String prompt = String.join(" ", Collections.nCopies(75, "y")) + " BREAK (x:0.8)";
        String chunk1 = String.join(" ", Collections.nCopies(75, "y"));
        float[] m = ones();
        Arrays.fill(m, 1, 1 + tokenizer.tokenize("x").size(), 0.8f);
        float[] states = sequence(perToken(firstStates(chunk1), secondStates(chunk1), 77),
                perToken(emphasis(List.of(firstStates("x")), List.of(m)).get(0),
                        emphasis(List.of(secondStates("x")), List.of(m)).get(0), 77));
        Half cond = new Half(states, pooled(chunk1));
        Half zeros = new Half(new float[77 * (states.length / 154)], new float[cond.pooled().length]);
        GenerationResult result = engine.generate(request(prompt).build());
        assertThat(result.timings().unetCalls()).isEqualTo(2 * 3);
        assertThat(ReferenceOutputs.maxDifference(result.images().get(0).image(),
                reference(List.of(zeros, zeros, zeros), List.of(cond, cond, cond), 5f))).isLessThanOrEqualTo(2);
    }

    /** One half's conditioning at one sampler call. */
    private record Half(float[] states, float[] pooled) {
    }

    /**
     * The picture of {@link #request}'s settings (Euler, seed 5, 512x512) with the given guidance and conditioning per
     * sampler call (one per step); halves of different lengths go through the UNet in separate calls.
     */
    private static BufferedImage reference(List<Half> uncond, List<Half> cond, float guidance) throws Exception {
        NoiseScheduleConfig schedule = NoiseScheduleConfig.parse(new ObjectMapper()
                .readTree(folder.resolve("scheduler/scheduler_config.json").toFile()));
        Sampler sampler = Samplers.euler(schedule, cond.size(), 1.0);
        int h = 64;
        int w = 64;
        int size = 4 * h * w;
        TorchGenerator generator = new TorchGenerator(5L);
        float[] latents = generator.randn(size);
        for (int k = 0; k < size; k++) {
            latents[k] *= sampler.initNoiseSigma();
        }
        float[] timeIds = {512, 512, 0, 0, 512, 512};
        try (OrtSession unet = session("unet"); OrtSession decoder = session("vae_decoder")) {
            for (int call = 0; call < sampler.calls(); call++) {
                float[] input = new float[size];
                sampler.scaleModelInput(call, latents, input, 0);
                Half u = uncond.get(call);
                Half c = cond.get(call);
                float[] outUncond;
                float[] outCond;
                if (u.states().length == c.states().length) {
                    float[] both = unet(unet, sequence(input, input), sampler.timestep(call), sequence(u.states(), c.states()),
                            sequence(u.pooled(), c.pooled()), sequence(timeIds, timeIds), 2);
                    outUncond = Arrays.copyOfRange(both, 0, size);
                    outCond = Arrays.copyOfRange(both, size, 2 * size);
                } else {
                    outCond = unet(unet, input, sampler.timestep(call), c.states(), c.pooled(), timeIds, 1);
                    outUncond = unet(unet, input, sampler.timestep(call), u.states(), u.pooled(), timeIds, 1);
                }
                float[] prediction = new float[size];
                for (int k = 0; k < size; k++) {
                    prediction[k] = outUncond[k] + guidance * (outCond[k] - outUncond[k]);
                }
                sampler.step(call, prediction, latents, generator::randn);
            }
            for (int k = 0; k < size; k++) {
                latents[k] /= 0.13025f;
            }
            try (OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(latents), new long[] {1, 4, h, w});
                    OrtSession.Result result = decoder.run(Map.of("latent_sample", in))) {
                return toImage(floats(result, "sample"), 512, 512);
            }
        }
    }

    private static float[] unet(OrtSession unet, float[] input, float timestep, float[] states, float[] pooled,
            float[] timeIds, int rows) throws OrtException {
        int tokens = states.length / rows / width;
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("sample", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), new long[] {rows, 4, 64, 64}));
            feeds.put("timestep", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {timestep}), new long[0]));
            feeds.put("encoder_hidden_states", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(states),
                    new long[] {rows, tokens, width}));
            feeds.put("text_embeds", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(pooled),
                    new long[] {rows, pooled.length / rows}));
            feeds.put("time_ids", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(timeIds), new long[] {rows, 6}));
            try (OrtSession.Result result = unet.run(feeds)) {
                return floats(result, "out_sample");
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static GenerationRequest.Builder request(String prompt) {
        return GenerationRequest.builder(prompt).seed(5L).steps(3).size(512, 512).guidance(5.0);
    }

    private static int[] pixels(GenerationResult result) {
        BufferedImage picture = result.images().get(0).image();
        return picture.getRGB(0, 0, picture.getWidth(), picture.getHeight(), null, 0, picture.getWidth());
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int k = 0; k < a.length; k++) {
            max = Math.max(max, Math.abs(a[k] - b[k]));
        }
        return max;
    }
}
