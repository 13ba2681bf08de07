package dev.imagine.engine;

import static dev.imagine.engine.ReferenceOutputs.floats;
import static dev.imagine.engine.ReferenceOutputs.maxDifference;
import static dev.imagine.engine.ReferenceOutputs.toImage;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SDXL pipeline against a reference written here from diffusers' {@code StableDiffusionXLPipeline} with plain ONNX
 * Runtime calls: {@code hidden_states.1} of the two-layer first encoder and {@code hidden_states.2} of the three-layer
 * second one, concatenated per token; {@code text_embeds} of the second as the pooled embedding; zeros for an empty
 * negative prompt on a {@code force_zeros_for_empty_prompt} model; {@code time_ids} {@code [origH, origW, cropTop,
 * cropLeft, H, W]} for both halves. Each deliberate mistake (last state instead of penultimate, pooled output of the
 * wrong encoder, encoders swapped, width and height swapped in the time ids, an encoded empty negative prompt) gives a
 * visibly different picture, so the engine matching only the right reading shows it uses exactly those values.
 */
class SdxlReferenceTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** What the reference does, right or with one deliberate mistake. */
    enum Reading {
        DIFFUSERS, LAST_HIDDEN_STATE, POOLED_FROM_FIRST_ENCODER, ENCODERS_SWAPPED, TIME_IDS_WIDTH_FIRST,
        NEGATIVE_ENCODED
    }

    private record Job(String prompt, String negative, int steps, double guidance, int width, int height,
            int[] timeIds, long seed, boolean ancestral) {
    }

    @Test
    void sdxlBaseWithGuidanceMatchesOnlyTheDiffusersReading() throws Exception {
        TinyModelSpec spec = TinyModelSpec.sdxl();
        Path folder = TestModels.folder(spec);
        Job job = new Job("a lighthouse at dusk!", "", 2, 5.0, 576, 512, new int[] {512, 576, 0, 0, 512, 576}, 7L,
                false);
        BufferedImage engineImage;
        try (ImageEngine engine = TestModels.open(spec)) {
            engineImage = engine.generate(GenerationRequest.builder(job.prompt()).size(576, 512).steps(2)
                    .guidance(5.0).seed(7L).build()).images().get(0).image();
        }
        assertThat(maxDifference(engineImage, reference(folder, job, Reading.DIFFUSERS))).isLessThanOrEqualTo(2);
        for (Reading wrong : new Reading[] {Reading.LAST_HIDDEN_STATE, Reading.POOLED_FROM_FIRST_ENCODER,
                Reading.ENCODERS_SWAPPED, Reading.TIME_IDS_WIDTH_FIRST, Reading.NEGATIVE_ENCODED}) {
            assertThat(maxDifference(engineImage, reference(folder, job, wrong))).as(wrong.name()).isGreaterThan(8);
        }
    }

    @Test
    void customOriginalSizeCropAndNegativePromptMatchTheReference() throws Exception {
        TinyModelSpec spec = TinyModelSpec.sdxl();
        Path folder = TestModels.folder(spec);
        Job job = new Job("a red fox", "blurry, text", 2, 4.0, 512, 512, new int[] {300, 2000, 48, 16, 512, 512},
                11L, false);
        BufferedImage engineImage;
        try (ImageEngine engine = TestModels.open(spec)) {
            engineImage = engine.generate(GenerationRequest.builder(job.prompt()).negativePrompt(job.negative())
                    .size(512, 512).steps(2).guidance(4.0).seed(11L).originalSize(2000, 300).crop(16, 48).build())
                    .images().get(0).image();
        }
        assertThat(maxDifference(engineImage, reference(folder, job, Reading.DIFFUSERS))).isLessThanOrEqualTo(2);
        Job defaults = new Job(job.prompt(), job.negative(), 2, 4.0, 512, 512, new int[] {512, 512, 0, 0, 512, 512},
                11L, false);
        assertThat(maxDifference(engineImage, reference(folder, defaults, Reading.DIFFUSERS))).isGreaterThan(8);
    }

    @Test
    void turboSingleStepMatchesTheReference() throws Exception {
        TinyModelSpec spec = TinyModelSpec.sdxlTurbo();
        Path folder = TestModels.folder(spec);
        Job job = new Job("a castle on a hill", "", 1, 0.0, 512, 512, new int[] {512, 512, 0, 0, 512, 512}, 3L, true);
        GenerationResult result;
        try (ImageEngine engine = TestModels.open(spec)) {
            result = engine.generate(GenerationRequest.builder(job.prompt()).seed(3L).build());
        }
        assertThat(result.request().steps()).isEqualTo(1);
        assertThat(result.request().guidance()).isEqualTo(0.0);
        assertThat(result.request().sampler()).isEqualTo(SamplerKind.EULER_ANCESTRAL);
        assertThat(result.timings().unetCalls()).isEqualTo(1);
        // diffusers' EulerAncestralDiscreteScheduler with trailing spacing: 1 step is timestep 999, and the initial
        // noise is scaled by sigma_max itself (no sqrt(sigma^2 + 1) as for leading spacing)
        Sampler one = Samplers.eulerAncestral(NoiseScheduleConfig.parse(new ObjectMapper()
                .readTree(folder.resolve("scheduler/scheduler_config.json").toFile())), 1, 1.0);
        assertThat(one.timestep(0)).isEqualTo(999f);
        assertThat(one.initNoiseSigma()).isEqualTo(14.614647f);
        BufferedImage image = result.images().get(0).image();
        assertThat(maxDifference(image, reference(folder, job, Reading.DIFFUSERS))).isLessThanOrEqualTo(2);
        assertThat(maxDifference(image, reference(folder, job, Reading.POOLED_FROM_FIRST_ENCODER))).isGreaterThan(8);
    }

    /** The picture diffusers' SDXL loop would make, with the given reading of the conditioning. */
    private static BufferedImage reference(Path folder, Job job, Reading reading) throws Exception {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
        ClipTokenizer tokenizer2 = ClipTokenizer.loadWithSpecialTokens(folder.resolve("tokenizer_2"));
        boolean guided = job.guidance() > 1;
        boolean zeros = guided && job.negative().isEmpty() && reading != Reading.NEGATIVE_ENCODED;
        try (OrtSession first = session(folder, "text_encoder"); OrtSession second = session(folder, "text_encoder_2");
                OrtSession unet = session(folder, "unet"); OrtSession decoder = session(folder, "vae_decoder")) {
            float[][] cond = conditioning(first, second, tokenizer.encode(job.prompt()).ids(),
                    tokenizer2.encode(job.prompt()).ids(), reading);
            float[][] uncond = null;
            if (guided) {
                uncond = zeros ? new float[][] {new float[cond[0].length], new float[cond[1].length]}
                        : conditioning(first, second, tokenizer.encode(job.negative()).ids(),
                                tokenizer2.encode(job.negative()).ids(), reading);
            }
            float[] timeIds = new float[6];
            for (int k = 0; k < 6; k++) {
                timeIds[k] = job.timeIds()[k];
            }
            if (reading == Reading.TIME_IDS_WIDTH_FIRST) {
                timeIds = new float[] {timeIds[1], timeIds[0], timeIds[3], timeIds[2], timeIds[5], timeIds[4]};
            }
            NoiseScheduleConfig schedule = NoiseScheduleConfig.parse(new ObjectMapper()
                    .readTree(folder.resolve("scheduler/scheduler_config.json").toFile()));
            Sampler sampler = job.ancestral() ? Samplers.eulerAncestral(schedule, job.steps(), 1.0)
                    : Samplers.euler(schedule, job.steps(), 1.0);
            int h = job.height() / 8;
            int w = job.width() / 8;
            int size = 4 * h * w;
            TorchGenerator generator = new TorchGenerator(job.seed());
            float[] latents = generator.randn(size);
            for (int k = 0; k < size; k++) {
                latents[k] *= sampler.initNoiseSigma();
            }
            int rows = guided ? 2 : 1;
            for (int call = 0; call < sampler.calls(); call++) {
                float[] input = new float[rows * size];
                for (int r = 0; r < rows; r++) {
                    sampler.scaleModelInput(call, latents, input, r * size);
                }
                float[] states = guided ? concat(uncond[0], cond[0]) : cond[0];
                float[] pooled = guided ? concat(uncond[1], cond[1]) : cond[1];
                float[] ids = guided ? concat(timeIds, timeIds) : timeIds;
                Map<String, OnnxTensor> feeds = new HashMap<>();
                feeds.put("sample", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), new long[] {rows, 4, h, w}));
                feeds.put("timestep", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(new float[] {sampler.timestep(call)}),
                        new long[0]));
                feeds.put("encoder_hidden_states", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(states),
                        new long[] {rows, 77, states.length / rows / 77}));
                feeds.put("text_embeds", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(pooled),
                        new long[] {rows, pooled.length / rows}));
                feeds.put("time_ids", OnnxTensor.createTensor(ENV, FloatBuffer.wrap(ids), new long[] {rows, 6}));
                float[] out;
                try (OrtSession.Result result = unet.run(feeds)) {
                    out = floats(result, "out_sample");
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
                float[] prediction = new float[size];
                for (int k = 0; k < size; k++) {
                    prediction[k] = guided ? out[k] + (float) job.guidance() * (out[size + k] - out[k]) : out[k];
                }
                sampler.step(call, prediction, latents, generator::randn);
            }
            for (int k = 0; k < size; k++) {
                latents[k] /= 0.13025f;
            }
            try (OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(latents), new long[] {1, 4, h, w});
                    OrtSession.Result result = decoder.run(Map.of("latent_sample", in))) {
                return toImage(floats(result, "sample"), job.width(), job.height());
            }
        }
    }

    /** {states, pooled} of one prompt under the given reading. */
    private static float[][] conditioning(OrtSession first, OrtSession second, int[] ids1, int[] ids2,
            Reading reading) throws OrtException {
        Map<String, float[]> a = run(first, ids1);
        Map<String, float[]> b = run(second, ids2);
        boolean last = reading == Reading.LAST_HIDDEN_STATE;
        float[] statesA = a.get(last ? "hidden_states.2" : "hidden_states.1");
        float[] statesB = b.get(last ? "hidden_states.3" : "hidden_states.2");
        float[] states = reading == Reading.ENCODERS_SWAPPED ? interleave(statesB, statesA) : interleave(statesA, statesB);
        float[] pooled = b.get("text_embeds");
        if (reading == Reading.POOLED_FROM_FIRST_ENCODER) {
            // the first encoder's pooler_output is narrower; repeat it to the width the UNet takes
            float[] other = a.get("pooler_output");
            pooled = new float[pooled.length];
            for (int k = 0; k < pooled.length; k++) {
                pooled[k] = other[k % other.length];
            }
        }
        return new float[][] {states, pooled};
    }

    private static Map<String, float[]> run(OrtSession session, int[] ids) throws OrtException {
        long[] longs = new long[ids.length];
        for (int k = 0; k < ids.length; k++) {
            longs[k] = ids[k];
        }
        Map<String, float[]> outputs = new HashMap<>();
        try (OnnxTensor in = OnnxTensor.createTensor(ENV, LongBuffer.wrap(longs), new long[] {1, ids.length});
                OrtSession.Result result = session.run(Map.of("input_ids", in))) {
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : result) {
                outputs.put(entry.getKey(), floats(result, entry.getKey()));
            }
        }
        return outputs;
    }

    /** Per token: {@code a}'s values then {@code b}'s. */
    private static float[] interleave(float[] a, float[] b) {
        int wa = a.length / 77;
        int wb = b.length / 77;
        float[] joined = new float[a.length + b.length];
        for (int t = 0; t < 77; t++) {
            System.arraycopy(a, t * wa, joined, t * (wa + wb), wa);
            System.arraycopy(b, t * wb, joined, t * (wa + wb) + wa, wb);
        }
        return joined;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static OrtSession session(Path folder, String part) throws OrtException {
        return ENV.createSession(folder.resolve(part).resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    }
}
