package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.ImageInput;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code imagine} command line end to end on a generated tiny model. */
class CommandLineTest {
    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() throws IOException {
        model = shared.resolve("tiny");
        DemoModel.writeTiny(model);
    }

    private int run(String... args) {
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** {@code imagine generate} recording into a data folder inside the temporary folder. */
    private int generate(String... args) {
        List<String> all = new ArrayList<>(List.of("generate", "--data", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    @Test
    void generateWritesOnePngPerImageAndPrintsThePaths() throws IOException {
        int status = generate("--model", model.toString(), "--prompt", "a red fox", "--seed", "7",
                "--steps", "3", "--width", "64", "--height", "96", "--count", "2", "--device", "cpu",
                "--out", dir.resolve("fox.png").toString());
        assertThat(status).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().collect(Collectors.toList());
        assertThat(lines).containsExactly(dir.resolve("fox-7.png").toString(), dir.resolve("fox-8.png").toString());
        BufferedImage image = ImageIO.read(dir.resolve("fox-8.png").toFile());
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(96);
        String png = new String(Files.readAllBytes(dir.resolve("fox-8.png")), StandardCharsets.ISO_8859_1);
        assertThat(png).contains(GeneratedImage.PARAMETERS_KEY).contains("Seed: 8, Size: 64x96");
    }

    @Test
    void sameSeedFromTheCommandLineGivesTheSameFile() throws IOException {
        for (String name : List.of("a.png", "b.png")) {
            assertThat(generate("--model", model.toString(), "--prompt", "a boat", "--seed", "99",
                    "--steps", "2", "--width", "64", "--height", "64", "--out", dir.resolve(name).toString())).isZero();
        }
        assertThat(Files.readAllBytes(dir.resolve("a.png"))).isEqualTo(Files.readAllBytes(dir.resolve("b.png")));
    }

    @Test
    void withoutSeedARandomOneIsPickedAndPrinted() {
        assertThat(generate("--model", model.toString(), "--prompt", "a boat", "--steps", "1",
                "--width", "64", "--height", "64", "--out", dir.toString())).isZero();
        assertThat(err.toString()).containsPattern("seed \\d+ \\(random\\)");
        assertThat(out.toString().trim()).matches(".*imagine-\\d+\\.png");
    }

    @Test
    void img2imgFromAFile() throws IOException {
        Path init = dir.resolve("init.png");
        BufferedImage picture = new BufferedImage(72, 64, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(10, 10, 0xFF0000);
        ImageIO.write(picture, "png", init.toFile());
        assertThat(generate("--model", model.toString(), "--prompt", "a boat", "--seed", "1", "--steps", "4",
                "--init-image", init.toString(), "--strength", "0.5", "--out", dir.resolve("out.png").toString()))
                .as(err.toString()).isZero();
        BufferedImage result = ImageInput.decode(Files.readAllBytes(dir.resolve("out.png")));
        assertThat(result.getWidth()).isEqualTo(72);
    }

    @Test
    void badParametersExitWithTwoAndASentence() throws IOException {
        assertThat(generate("--model", model.toString(), "--prompt", "x", "--steps", "500")).isEqualTo(2);
        assertThat(err.toString()).contains("error: steps must be between 1 and 150, got 500");

        assertThat(generate("--model", dir.resolve("missing").toString(), "--prompt", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("does not exist or is not a folder");

        Path notAnImage = dir.resolve("notes.txt");
        Files.writeString(notAnImage, "hello");
        assertThat(generate("--model", model.toString(), "--prompt", "x", "--init-image", notAnImage.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("not a PNG, JPEG or WebP image");

        assertThat(generate("--model", model.toString(), "--prompt", "x", "--strength", "0.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--strength needs --init-image");

        assertThat(generate("--model", model.toString(), "--prompt", "x", "--sampler", "heun")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown sampler 'heun'");
    }

    @Test
    void demoModelWritesAFolderTheEngineOpens() throws IOException {
        Path demo = dir.resolve("demo");
        assertThat(run("demo-model", demo.toString())).isZero();
        try (Stream<Path> files = Files.walk(demo)) {
            assertThat(files.map(p -> demo.relativize(p).toString().replace('\\', '/')))
                    .contains("model_index.json", "unet/model.onnx", "vae_encoder/model.onnx", "tokenizer/vocab.json");
        }
        assertThat(err.toString()).contains("random weights");
        assertThat(generate("--model", demo.toString(), "--prompt", "a red fox", "--seed", "1", "--steps", "2",
                "--width", "64", "--height", "64", "--out", dir.resolve("demo.png").toString())).isZero();
    }

    @Test
    void sdxlDemoModelsAreWrittenDescribedAndRun() {
        Path sdxl = dir.resolve("sdxl");
        assertThat(run("demo-model", sdxl.toString(), "--family", "sdxl")).as(err.toString()).isZero();
        assertThat(sdxl.resolve("text_encoder_2/model.onnx")).isRegularFile();
        assertThat(sdxl.resolve("tokenizer_2/vocab.json")).isRegularFile();
        assertThat(run("models", "info", sdxl.toString(), "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("Stable Diffusion XL (sdxl)")
                .contains("sampler euler, 30 steps, guidance 5.0, 1024x1024")
                .contains("text_encoder and text_encoder_2, input_ids int64, penultimate hidden states joined to 160");
        assertThat(generate("--model", sdxl.toString(), "--prompt", "a red fox", "--seed", "1", "--steps", "2",
                "--width", "512", "--height", "512", "--out", dir.resolve("sdxl.png").toString()))
                .as(err.toString()).isZero();
        assertThat(dir.resolve("sdxl.png")).isRegularFile();

        Path turbo = dir.resolve("turbo");
        assertThat(run("demo-model", turbo.toString(), "--family", "sdxl-turbo")).isZero();
        assertThat(run("models", "info", turbo.toString(), "--device", "cpu")).isZero();
        assertThat(out.toString()).contains("(sdxl_turbo)").contains("sampler euler-a, 1 steps, guidance 0.0, 512x512");
        assertThat(run("demo-model", turbo.toString(), "--family", "sd3")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown family 'sd3'; choose sd1, sdxl or sdxl-turbo");
    }

    @Test
    void sdxlDemoModelsAreWrittenInFp16Too() {
        Path half = dir.resolve("sdxl-fp16");
        assertThat(run("demo-model", half.toString(), "--family", "sdxl", "--precision", "fp16")).as(err.toString())
                .isZero();
        assertThat(run("models", "info", half.toString(), "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Stable Diffusion XL (sdxl)").containsPattern("precision\\s+fp16");
        assertThat(generate("--model", half.toString(), "--prompt", "a red fox", "--seed", "1", "--steps", "2",
                "--width", "512", "--height", "512", "--out", dir.resolve("sdxl-fp16.png").toString()))
                .as(err.toString()).isZero();
        assertThat(dir.resolve("sdxl-fp16.png")).isRegularFile();
    }

    @Test
    void benchPrintsUnetTimeAndPipelineOverhead() {
        assertThat(run("bench", "--model", model.toString(), "--size", "64", "--steps", "2", "--runs", "1",
                "--warmup", "0", "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("64x64 (8x8 latents), 2 steps")
                .containsPattern("UNet [\\d.]+ ms/step, pipeline overhead [\\d.]+% of wall time")
                .containsPattern("model load \\(sessions created\\): \\d+ ms")
                .containsPattern("median: ours [\\d.]+ ms, JDK ImageIO [\\d.]+ ms")
                .containsPattern("peak resident memory \\(VmHWM\\): (\\d+ MiB|unknown)");
    }

    @Test
    void demoModelWithACheapUnetAndAnUnknownCost() throws IOException {
        Path cheap = dir.resolve("cheap");
        assertThat(run("demo-model", cheap.toString(), "--unet-cost", "cheap")).isZero();
        // The demo UNet holds about 600 KB of weights; the cheap one a few tens of KB.
        assertThat(Files.size(cheap.resolve("unet/model.onnx"))).isLessThan(100_000L);
        assertThat(generate("--model", cheap.toString(), "--prompt", "a red fox", "--seed", "1", "--steps", "2",
                "--width", "64", "--height", "64", "--out", dir.resolve("cheap.png").toString())).isZero();

        assertThat(run("demo-model", dir.resolve("other").toString(), "--unet-cost", "free")).isEqualTo(2);
        assertThat(err.toString()).contains("--unet-cost must be demo or cheap, got 'free'");
    }

    @Test
    void fullSizeArchitectureOptionsAreCheckedBeforeAnythingIsWritten() {
        Path folder = dir.resolve("sd15");
        assertThat(run("demo-model", folder.toString(), "--architecture", "sd16")).isNotZero();
        assertThat(err.toString()).contains("--architecture must be demo or sd15, got 'sd16'");
        assertThat(run("demo-model", folder.toString(), "--architecture", "sd15", "--precision", "int8")).isNotZero();
        assertThat(err.toString()).contains("--precision must be fp32 or fp16, got 'int8'");
        assertThat(run("demo-model", folder.toString(), "--architecture", "sd15", "--family", "sdxl")).isNotZero();
        assertThat(err.toString()).contains("--architecture sd15 takes neither --family nor --unet-cost");
        assertThat(run("demo-model", folder.toString(), "--unet-cost", "cheap", "--precision", "fp16")).isNotZero();
        assertThat(err.toString()).contains("--precision fp16 is not for --unet-cost cheap");
        assertThat(folder).doesNotExist();
    }
}
