package dev.imagine.engine.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.ColorUtil;
import org.junit.jupiter.api.Test;

class VideoEncodingTest {

    /** Frame {@code i} is one flat colour whose red level is {@code 20 i}, so order and colour can be checked. */
    private static List<BufferedImage> flatFrames(int count, int width, int height) {
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            int rgb = (20 * i) << 16 | 100 << 8 | 200;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, rgb);
                }
            }
            frames.add(image);
        }
        return frames;
    }

    private static List<BufferedImage> noiseFrames(int count, int width, int height) {
        Random random = new Random(7);
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    image.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            frames.add(image);
        }
        return frames;
    }

    @Test
    void mp4DecodesWithJCodecsOwnDecoderToEveryFrameAtTheFpsAsked() throws Exception {
        EncodedVideo video = VideoEncoding.encode(flatFrames(10, 64, 48), 8, VideoFormat.MP4, Long.MAX_VALUE);

        assertThat(video.reduced()).isFalse();
        assertThat(video.fileName("a")).isEqualTo("a.mp4");
        FrameGrab grab = FrameGrab.createFrameGrab(ByteBufferSeekableByteChannel.readFromByteBuffer(
                ByteBuffer.wrap(video.bytes())));
        DemuxerTrackMeta meta = grab.getVideoTrack().getMeta();
        assertThat(meta.getTotalFrames()).isEqualTo(10);
        assertThat(meta.getTotalDuration()).isEqualTo(10 / 8.0);
        assertThat(meta.getVideoCodecMeta().getSize().getWidth()).isEqualTo(64);
        assertThat(meta.getVideoCodecMeta().getSize().getHeight()).isEqualTo(48);
        for (int i = 0; i < 10; i++) {
            Picture picture = grab.getNativeFrame();
            assertThat(picture).as("frame %d", i).isNotNull();
            int[] rgb = centreRgb(picture);
            assertThat(rgb[0]).as("red of frame %d", i).isCloseTo(20 * i, org.assertj.core.data.Offset.offset(6));
            assertThat(rgb[1]).isCloseTo(100, org.assertj.core.data.Offset.offset(6));
            assertThat(rgb[2]).isCloseTo(200, org.assertj.core.data.Offset.offset(6));
        }
        assertThat(grab.getNativeFrame()).isNull();
    }

    @Test
    void anMp4CarriesNoWallClockTimeSoTheSameFramesGiveTheSameFile() throws Exception {
        byte[] mp4 = VideoEncoding.encode(flatFrames(2, 64, 48), 8, VideoFormat.MP4, Long.MAX_VALUE).bytes();

        String text = new String(mp4, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String header : List.of("mvhd", "tkhd", "mdhd")) {
            int at = text.indexOf(header);
            assertThat(at).as(header).isPositive();
            assertThat(java.util.Arrays.copyOfRange(mp4, at + 8, at + 16)).as(header).containsOnly(0);
        }
    }

    @Test
    void mp4SidesNeedNotBeMultiplesOfSixteen() throws Exception {
        EncodedVideo video = VideoEncoding.encode(flatFrames(3, 72, 56), 12, VideoFormat.MP4, Long.MAX_VALUE);

        FrameGrab grab = FrameGrab.createFrameGrab(ByteBufferSeekableByteChannel.readFromByteBuffer(
                ByteBuffer.wrap(video.bytes())));
        Picture picture = grab.getNativeFrame();
        assertThat(picture.getCroppedWidth()).isEqualTo(72);
        assertThat(picture.getCroppedHeight()).isEqualTo(56);
        assertThat(grab.getVideoTrack().getMeta().getTotalFrames()).isEqualTo(3);
    }

    /** Decodes the middle pixel, reading the planes as video-range BT.601 as a player does for yuv420p. */
    private static int[] centreRgb(Picture picture) {
        Picture rgb = Picture.create(picture.getWidth(), picture.getHeight(), ColorSpace.RGB);
        Picture labelled = Picture.createPicture(picture.getWidth(), picture.getHeight(), picture.getData(),
                ColorSpace.YUV420);
        ColorUtil.getTransform(ColorSpace.YUV420, ColorSpace.RGB).transform(labelled, rgb);
        int at = 3 * ((picture.getHeight() / 2) * picture.getWidth() + picture.getWidth() / 2);
        byte[] plane = rgb.getPlaneData(0);
        return new int[] {plane[at] + 128, plane[at + 1] + 128, plane[at + 2] + 128};
    }

    @Test
    void anMp4OverTheLimitIsEncodedSmallerToFit() throws Exception {
        List<BufferedImage> frames = noiseFrames(4, 64, 64);
        int full = VideoEncoding.encode(frames, 8, VideoFormat.MP4, Long.MAX_VALUE).bytes().length;

        EncodedVideo smaller = VideoEncoding.encode(frames, 8, VideoFormat.MP4, full - 1);

        assertThat(smaller.reduced()).isTrue();
        assertThat(smaller.bytes().length).isLessThan(full);
        assertThat(smaller.frames()).isEqualTo(4);
    }

    @Test
    void aGifOverTheLimitIsHalved() throws Exception {
        List<BufferedImage> frames = noiseFrames(3, 64, 48);
        int full = VideoEncoding.encode(frames, 8, VideoFormat.GIF, Long.MAX_VALUE).bytes().length;

        EncodedVideo smaller = VideoEncoding.encode(frames, 8, VideoFormat.GIF, full - 1);

        assertThat(smaller.reduced()).isTrue();
        assertThat(smaller.width()).isEqualTo(32);
        assertThat(smaller.height()).isEqualTo(24);
        assertThat(smaller.bytes().length).isLessThan(full);
    }

    @Test
    void whenNothingFitsTheMessageSaysHowBigAndWhatToChange() {
        assertThatThrownBy(() -> VideoEncoding.encode(noiseFrames(2, 64, 64), 8, VideoFormat.MP4, 100))
                .isInstanceOf(VideoTooLargeException.class)
                .hasMessageContaining("even at its smallest MP4 encoding, over the limit of 0.0 MB")
                .hasMessageEndingWith("use fewer frames or a smaller size");
    }

    @Test
    void gifLoopsForeverWithOnePaletteAndTheRightDelayPerFrame() throws Exception {
        EncodedVideo video = VideoEncoding.encode(flatFrames(6, 32, 16), 8, VideoFormat.GIF, Long.MAX_VALUE);

        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(video.bytes()))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(6);
            List<Integer> delays = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i)
                        .getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode control = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
                delays.add(Integer.parseInt(control.getAttribute("delayTime")));
                if (i > 0) {
                    // The writer stores frame 0's palette as the global table; each later frame brings its own.
                    assertThat(root.getElementsByTagName("LocalColorTable").getLength()).as("palette of frame %d", i)
                            .isEqualTo(1);
                }
                int red = (reader.read(i).getRGB(5, 5) >> 16) & 0xff;
                assertThat(red).as("red of frame %d", i).isEqualTo(20 * i);
                if (i == 0) {
                    IIOMetadataNode stream = (IIOMetadataNode) reader.getStreamMetadata()
                            .getAsTree("javax_imageio_gif_stream_1.0");
                    assertThat(stream.getElementsByTagName("GlobalColorTable").getLength()
                            + root.getElementsByTagName("LocalColorTable").getLength()).isEqualTo(1);
                    IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
                    assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
                    assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
                }
            }
            // 8 fps is 12.5 hundredths a frame: 13, 12, 13, 12... adding up to the exact 75.
            assertThat(delays).containsExactly(13, 12, 13, 12, 13, 12);
        }
    }

    @Test
    void badInputIsRefusedWithASentence() {
        assertThatThrownBy(() -> VideoFormat.forFileName("out.webp"))
                .hasMessage("animated WebP is not available (no maintained Java library writes it); use .mp4 or .gif");
        assertThatThrownBy(() -> VideoFormat.forFileName("out.avi"))
                .hasMessage("an animation is written as .mp4 or .gif, not 'out.avi'");
        assertThat(VideoFormat.forFileName("OUT.GIF")).isEqualTo(VideoFormat.GIF);
        assertThatThrownBy(() -> VideoEncoding.encode(flatFrames(2, 31, 16), 8, VideoFormat.MP4, Long.MAX_VALUE))
                .hasMessage("video frames need even sides, got 31x16");
        assertThatThrownBy(() -> VideoEncoding.encode(flatFrames(2, 32, 16), 61, VideoFormat.MP4, Long.MAX_VALUE))
                .hasMessage("fps must be between 1 and 60, got 61");
        assertThatThrownBy(() -> VideoEncoding.encode(List.of(), 8, VideoFormat.GIF, Long.MAX_VALUE))
                .hasMessage("a video needs at least one frame");
    }
}
