package dev.imagine.engine.testmodel;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Stable Diffusion 1.5 folder with the real graph structure and sizes and random weights, for
 * benchmarks and memory tests only: its pictures are noise-like patterns. The folder has the layout of
 * {@link TinyModelWriter}'s (tokenizer with the synthetic vocabulary, PNDM config, VAE encoder returning
 * {@code latent_parameters}); each network's weights sit in {@code model.onnx_data} beside its {@code model.onnx},
 * as ONNX's external-data saving writes them. The same arguments write byte-identical files.
 */
public final class Sd15Writer {

    static final String WEIGHTS = "model.onnx_data";
    private static final long SEED = 15L;

    /** The parameter counts of the networks written. */
    public record Parameters(long textEncoder, long unet, long vaeDecoder, long vaeEncoder) {
    }

    private Sd15Writer() {
    }

    /** Writes the full-size SD 1.5 folder (about 4.3 GB in fp32, half in fp16); takes a minute or more. */
    public static Parameters writeFullSize(Path dir, boolean fp16) throws IOException {
        return write(dir, Sd15Architecture.sd15(), fp16);
    }

    /** Writes the same block structure with tiny widths (a few MB), for tests of this code path. */
    public static Parameters writeScaledDown(Path dir, boolean fp16) throws IOException {
        return write(dir, Sd15Architecture.scaledDown(), fp16);
    }

    static Parameters write(Path dir, Sd15Architecture architecture, boolean fp16) throws IOException {
        TinyModelSpec layout = TinyModelSpec.demo().toBuilder()
                .hiddenSize(architecture.textWidth())
                .vaeEncoder(TinyModelSpec.VaeEncoder.LATENT_PARAMETERS)
                .precision(fp16 ? TinyModelSpec.Precision.FP16 : TinyModelSpec.Precision.FP32)
                .build();
        TinyModelWriter.write(dir, layout);
        long text = writeModel(dir.resolve("text_encoder"), "text_encoder",
                g -> Sd15Graphs.textEncoder(g, architecture, DataType.INT32, fp16, SEED + 1));
        long unet = writeModel(dir.resolve("unet"), "unet", g -> Sd15Graphs.unet(g, architecture, fp16, SEED + 2));
        long decoder = writeModel(dir.resolve("vae_decoder"), "vae_decoder",
                g -> Sd15Graphs.vaeDecoder(g, architecture, fp16, SEED + 3));
        long encoder = writeModel(dir.resolve("vae_encoder"), "vae_encoder",
                g -> Sd15Graphs.vaeEncoder(g, architecture, fp16, SEED + 4));
        return new Parameters(text, unet, decoder, encoder);
    }

    private interface GraphBody {
        long build(OnnxGraph g);
    }

    private static long writeModel(Path folder, String name, GraphBody body) throws IOException {
        Files.createDirectories(folder);
        OnnxGraph g = new OnnxGraph(name);
        long parameters;
        try (OutputStream weights = new BufferedOutputStream(Files.newOutputStream(folder.resolve(WEIGHTS)), 1 << 20)) {
            g.externalData(weights, WEIGHTS);
            parameters = body.build(g);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        ModelProto model = g.model("Stable Diffusion 1.5 " + name + " structure with random weights, written by "
                + "imagine's Sd15Writer for benchmarks; not a real model.");
        try (OutputStream out = Files.newOutputStream(folder.resolve("model.onnx"))) {
            model.writeTo(out);
        }
        return parameters;
    }
}
