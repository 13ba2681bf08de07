package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.engine.ImageInput;
import dev.imagine.engine.Keyframe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine animate} end to end on a generated tiny model. */
class AnimateCommandTest {
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

    private int animate(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("animate", "--model", model.toString(), "--steps", "2",
                "--width", "64", "--height", "72", "--device", "cpu", "--data", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return ImagineCommand.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void writesAnMp4OfEveryFrameAndEachFrameAsAPngWithItsParameters() throws Exception {
        Path video = dir.resolve("travel.mp4");
        int status = animate("--prompt", "a red fox", "--to", "a blue whale", "--seed", "3", "--to-seed", "4",
                "--frames", "3", "--loop", "--fps", "6", "--out", video.toString(), "--frames-dir",
                dir.resolve("frames").toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString().strip()).isEqualTo(video.toString());
        FrameGrab grab = FrameGrab.createFrameGrab(ByteBufferSeekableByteChannel.readFromByteBuffer(
                ByteBuffer.wrap(Files.readAllBytes(video))));
        DemuxerTrackMeta meta = grab.getVideoTrack().getMeta();
        assertThat(meta.getTotalFrames()).isEqualTo(4);
        assertThat(meta.getTotalDuration()).isEqualTo(4 / 6.0);
        assertThat(Files.list(dir.resolve("frames")).map(p -> p.getFileName().toString()).sorted())
                .containsExactly("0000.png", "0001.png", "0002.png", "0003.png");
        String last = ImageInput.parameters(Files.readAllBytes(dir.resolve("frames/0003.png"))).orElseThrow();
        assertThat(last).startsWith("a blue whale\n").contains("Seed: 4, Size: 64x72", "Variation seed: 3",
                "Variation seed strength: 0.5", "Animation frame: 4/4", "Travel to: a red fox");
        assertThat(err.toString()).contains("4 frames at 6 fps");
    }

    @Test
    void anAnimationIsStoredListedAndRerunWithByteIdenticalFrames() throws Exception {
        Path video = dir.resolve("first.mp4");
        assertThat(animate("--prompt", "a red fox", "--to", "a blue whale", "--seed", "3", "--to-seed", "4",
                "--frames", "3", "--ease", "smooth", "--fps", "5", "--out", video.toString())).as(err.toString())
                .isZero();
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("generation (\\d+)").matcher(err.toString());
        assertThat(printed.find()).isTrue();
        long id = Long.parseLong(printed.group(1));

        out.getBuffer().setLength(0);
        assertThat(run("history", "--data", dir.resolve("data").toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains(id + "  ").contains("seed 3")
                .contains("animation of 3 frames  a red fox -> a blue whale");

        Path again = dir.resolve("again.mp4");
        out.getBuffer().setLength(0);
        assertThat(run("rerun", String.valueOf(id), "--data", dir.resolve("data").toString(), "--out",
                again.toString(), "--device", "cpu")).as(err.toString()).isZero();
        assertThat(out.toString().strip()).isEqualTo(again.toString());
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(video));
        try (dev.imagine.storage.Storage storage = dev.imagine.storage.Storage.open(dir.resolve("data"))) {
            var first = storage.generations().find(id).orElseThrow();
            var rerun = storage.generations().find(id + 1).orElseThrow();
            assertThat(rerun.kind()).isEqualTo(dev.imagine.storage.GenerationKind.ANIMATION);
            assertThat(rerun.parentId()).isEqualTo(id);
            assertThat(rerun.parameters()).isEqualTo(first.parameters());
            assertThat(first.parameters().get("fps")).isEqualTo(5L);
            assertThat(first.parameters().get("ease")).isEqualTo("smooth");
            assertThat(rerun.images()).hasSize(4).extracting(dev.imagine.storage.StoredImage::sha256)
                    .containsExactlyElementsOf(first.images().stream().map(dev.imagine.storage.StoredImage::sha256)
                            .toList());
            assertThat(first.images().get(3).path()).endsWith(".mp4");
        }
    }

    private int run(String... args) {
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void writesALoopingGif() throws Exception {
        Path gif = dir.resolve("seeds.gif");
        assertThat(animate("--prompt", "a lighthouse", "--seed", "1", "--to-seed", "2", "--frames", "2",
                "--ease", "smooth", "--out", gif.toString())).as(err.toString()).isZero();

        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(2);
            assertThat(reader.read(0).getWidth()).isEqualTo(64);
        }
    }

    @Test
    void mistakesAreRefusedWithASentenceBeforeAnyWork() {
        assertThat(animate("--prompt", "a boat", "--out", dir.resolve("a.mp4").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: an animation travels somewhere: add --to PROMPT or --to-seed N");
        assertThat(animate("--prompt", "a boat", "--to", "a car", "--out", dir.resolve("a.webp").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("animated WebP is not available");
        assertThat(animate("--prompt", "a boat", "--to", "a car", "--frames", "1", "--out",
                dir.resolve("a.gif").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: frames must be between 2 and 480, got 1");
        assertThat(animate("--prompt", "a boat", "--to", "a car", "--ease", "bouncy")).isEqualTo(2);
        assertThat(err.toString()).contains("error: ease must be linear or smooth, got 'bouncy'");
        assertThat(err.toString()).doesNotContain("Exception");
    }

    @Test
    void keyframesKeepThePreviousPromptOrSeedWhereTheListsRunOut() {
        assertThat(AnimateCommand.keyframes("a", 1L, List.of("b", "c"), List.of(5L)))
                .containsExactly(new Keyframe("a", 1L), new Keyframe("b", 5L), new Keyframe("c", null));
        assertThat(AnimateCommand.keyframes("a", null, List.of(), List.of(7L, 8L)))
                .containsExactly(new Keyframe("a", null), new Keyframe("a", 7L), new Keyframe("a", 8L));
    }
}
