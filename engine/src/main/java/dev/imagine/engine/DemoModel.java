package dev.imagine.engine;

import dev.imagine.engine.testmodel.Sd15Writer;
import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.testmodel.TinyModelWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes small Stable-Diffusion-layout ONNX folders with made-up weights, so the whole pipeline runs with no
 * download. Their graphs have the real input and output names, dtypes and shapes; their pictures are abstract
 * colour fields, not what the prompt says.
 */
public final class DemoModel {
    private DemoModel() {
    }

    /** How much a UNet call of the demo model costs. */
    public enum UnetCost {
        /** About 15 ms per step at 512x512 on 2 cores: the pipeline's own cost is a small share. */
        DEMO,
        /** Well under a millisecond per call at 512x512: for measuring the pipeline's own cost. */
        CHEAP
    }

    /**
     * Writes the demo model (about 6 MB: SD 1.x shapes, a synthetic vocabulary, a VAE encoder for img2img) into
     * {@code dir}, creating it and replacing files of the same names.
     */
    public static void write(Path dir) throws IOException {
        write(dir, UnetCost.DEMO);
    }

    /**
     * Writes the demo model into {@code dir} as {@link #write(Path)} does, with a UNet of the given cost; the
     * text encoder, VAE and tokenizer are the same for both costs.
     */
    public static void write(Path dir, UnetCost cost) throws IOException {
        TinyModelWriter.write(dir, cost == UnetCost.CHEAP ? TinyModelSpec.cheapUnet() : TinyModelSpec.demo());
    }

    /**
     * Writes the demo model of a family: {@link ModelFamily#SD1} (as {@link #write(Path)}), {@link ModelFamily#SDXL}
     * or {@link ModelFamily#SDXL_TURBO} (the SDXL layout: two text encoders with hidden states, a UNet taking
     * {@code text_embeds} and {@code time_ids}; a few MB).
     *
     * @throws IllegalArgumentException for another family
     */
    public static void write(Path dir, ModelFamily family) throws IOException {
        write(dir, family, false);
    }

    /**
     * Writes the demo model of a family as {@link #write(Path, ModelFamily)} does, with fp16 graphs (float16 inputs,
     * outputs and weights, as an fp16 ONNX export has them) when {@code fp16} is true.
     *
     * @throws IllegalArgumentException for a family without a demo model
     */
    public static void write(Path dir, ModelFamily family, boolean fp16) throws IOException {
        TinyModelSpec spec = switch (family) {
            case SD1 -> TinyModelSpec.demo();
            case SDXL -> TinyModelSpec.demoSdxl();
            case SDXL_TURBO -> TinyModelSpec.demoSdxlTurbo();
            default -> throw new IllegalArgumentException("no demo model for " + family.displayName()
                    + "; choose sd1, sdxl or sdxl-turbo");
        };
        TinyModelWriter.write(dir, fp16 ? spec.toBuilder().precision(TinyModelSpec.Precision.FP16).build() : spec);
    }

    /** Writes a much smaller and faster model of the same layout, meant for tests of other modules. */
    public static void writeTiny(Path dir) throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny());
    }

    /**
     * Writes the tiny model with a safety checker in diffusers' layout ({@code safety_checker/model.onnx},
     * {@code feature_extractor/preprocessor_config.json}) that flags a picture when the mean of its normalised CLIP
     * input is above {@code threshold}: 0 flags pictures brighter than CLIP's mean grey, about half of them; a very
     * low value flags all, a very high one none. Meant for tests of other modules.
     */
    public static void writeTinyWithSafetyChecker(Path dir, double threshold) throws IOException {
        TinyModelWriter.write(dir, TinyModelSpec.tiny().toBuilder().safetyThreshold(threshold).build());
    }

    /**
     * Writes a folder with Stable Diffusion 1.5's real graph structure and sizes (CLIP ViT-L/14 text encoder, the
     * 860M-parameter UNet, VAE decoder and encoder) and random, well-scaled weights in external data files: about
     * 4.3 GB in fp32, half in fp16. For benchmarks and memory tests only: its pictures are noise-like patterns.
     *
     * @return the UNet's parameter count
     */
    public static long writeSd15(Path dir, boolean fp16) throws IOException {
        return Sd15Writer.writeFullSize(dir, fp16).unet();
    }
}
