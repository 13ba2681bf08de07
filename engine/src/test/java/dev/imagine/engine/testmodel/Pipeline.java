package dev.imagine.engine.testmodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imagine.engine.testmodel.Ort.Output;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The four sessions of a written folder, with calls shaped the way a pipeline makes them. Closes them. */
final class Pipeline implements AutoCloseable {

    final TinyModelSpec spec;
    final OrtSession textEncoder;
    final OrtSession unet;
    final OrtSession decoder;
    final OrtSession encoder;

    Pipeline(Path dir, TinyModelSpec spec) throws Exception {
        TinyModelWriter.write(dir, spec);
        this.spec = spec;
        this.textEncoder = Ort.open(dir.resolve("text_encoder/model.onnx"));
        this.unet = Ort.open(dir.resolve("unet/model.onnx"));
        this.decoder = Ort.open(dir.resolve("vae_decoder/model.onnx"));
        this.encoder = spec.vaeEncoder() == TinyModelSpec.VaeEncoder.NONE
                ? null
                : Ort.open(dir.resolve("vae_encoder/model.onnx"));
    }

    boolean fp16() {
        return spec.precision() == TinyModelSpec.Precision.FP16;
    }

    /** Encodes one 77-token row per prompt. */
    Map<String, Output> encodeText(long[]... prompts) throws OrtException {
        long[] ids = new long[prompts.length * 77];
        for (int row = 0; row < prompts.length; row++) {
            System.arraycopy(prompts[row], 0, ids, row * 77, 77);
        }
        boolean int64 = spec.idsType() == TinyModelSpec.IdsType.INT64;
        return Ort.run(textEncoder, Map.of("input_ids", Ort.ids(ids, int64, prompts.length, 77)));
    }

    /** One UNet call; {@code timesteps} holds one value per batch row (forms of shape [1] use the first). */
    Output predict(float[] sample, int batch, int height, int width, float[] timesteps, float[] states)
            throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        inputs.put("sample", Ort.floats(sample, fp16(), batch, 4, height, width));
        inputs.put("timestep", Ort.timestep(spec.timestep(), timesteps));
        inputs.put("encoder_hidden_states", Ort.floats(states, fp16(), batch, 77, contextWidth()));
        if (spec.sdxlLayout()) {
            float[] pooled = new float[batch * spec.secondHiddenSize()];
            Arrays.fill(pooled, 0.25f);
            float[] timeIds = new float[batch * 6];
            for (int row = 0; row < batch; row++) {
                System.arraycopy(new float[] {512, 512, 0, 0, 512, 512}, 0, timeIds, row * 6, 6);
            }
            return predictSdxl(sample, batch, height, width, timesteps, states, pooled, timeIds);
        }
        return Ort.run(unet, inputs).get("out_sample");
    }

    /** The width of the UNet's encoder states: the text encoder's, or both SDXL encoders' together. */
    int contextWidth() {
        return spec.sdxlLayout() ? spec.hiddenSize() + spec.secondHiddenSize() : spec.hiddenSize();
    }

    /** One SDXL UNet call with explicit pooled embeddings and time ids (one row of each per batch row). */
    Output predictSdxl(float[] sample, int batch, int height, int width, float[] timesteps, float[] states,
            float[] pooled, float[] timeIds) throws OrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        inputs.put("sample", Ort.floats(sample, fp16(), batch, 4, height, width));
        inputs.put("timestep", Ort.timestep(spec.timestep(), timesteps));
        inputs.put("encoder_hidden_states", Ort.floats(states, fp16(), batch, 77, contextWidth()));
        inputs.put("text_embeds", Ort.floats(pooled, fp16(), batch, spec.secondHiddenSize()));
        inputs.put("time_ids", Ort.floats(timeIds, fp16(), batch, 6));
        return Ort.run(unet, inputs).get("out_sample");
    }

    Output decode(float[] latents, int batch, int height, int width) throws OrtException {
        return Ort.run(decoder, Map.of("latent_sample", Ort.floats(latents, fp16(), batch, 4, height, width)))
                .get("sample");
    }

    Output encode(float[] image, int batch, int height, int width) throws OrtException {
        Map<String, Output> outputs = Ort.run(encoder, Map.of("sample", Ort.floats(image, fp16(), batch, 3, height, width)));
        return outputs.values().iterator().next();
    }

    /** A 77-token prompt: start, the given ids, end, then end-of-text padding (SD 1.x style, ids 49406/49407). */
    static long[] prompt(long... tokens) {
        long[] ids = new long[77];
        java.util.Arrays.fill(ids, 49407);
        ids[0] = 49406;
        System.arraycopy(tokens, 0, ids, 1, tokens.length);
        return ids;
    }

    @Override
    public void close() throws OrtException {
        textEncoder.close();
        unet.close();
        decoder.close();
        if (encoder != null) {
            encoder.close();
        }
    }
}
