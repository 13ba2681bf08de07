package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * The CLIP feature extractor against numbers worked out here by hand from transformers' {@code CLIPImageProcessor}
 * rules: short side to {@code size} (long side truncated), Pillow's antialiased bicubic ({@code a = -0.5}) on 8-bit
 * pixels with a rounded 8-bit result after each pass, centre crop at {@code (h - crop) // 2}, then
 * {@code (p / 255 - mean) / std} in float32.
 */
class ClipImageProcessorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private static ClipImageProcessor processor(int size, int crop) {
        ObjectNode config = JSON.createObjectNode();
        config.put("size", size);
        config.put("crop_size", crop);
        config.put("resample", 3);
        config.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        config.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        return ClipImageProcessor.fromConfig(config);
    }

    private static BufferedImage image(int width, int height, int[] rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    private static float normalised(int sample, int channel) {
        float x = (float) (sample * (1 / 255.0));
        return (x - MEAN[channel]) / STD[channel];
    }

    /** Bicubic weight at distance x (a = -0.5), written out separately from the code under test. */
    private static double cubic(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return 1.5 * x * x * x - 2.5 * x * x + 1;
        }
        if (x < 2) {
            return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2;
        }
        return 0;
    }

    @Test
    void squareImageAtTheSizeIsOnlyCroppedAndNormalised() {
        int[] rgb = new int[16];
        for (int i = 0; i < 16; i++) {
            rgb[i] = (i * 16 << 16) | ((255 - i * 16) << 8) | (i * 3);
        }
        float[] out = processor(4, 2).process(image(4, 4, rgb));

        assertThat(out).hasSize(3 * 2 * 2);
        // Crop 2x2 from 4x4: top = left = (4 - 2) // 2 = 1, so pixels 5, 6, 9, 10; red plane, then green, then blue.
        int[] picked = {5, 6, 9, 10};
        for (int k = 0; k < 4; k++) {
            int i = picked[k];
            assertThat(out[k]).isEqualTo(normalised(i * 16, 0));
            assertThat(out[4 + k]).isEqualTo(normalised(255 - i * 16, 1));
            assertThat(out[8 + k]).isEqualTo(normalised(i * 3, 2));
        }
        // The first value spelled out: (80/255 - 0.48145466) / 0.26862954 = -0.62438...
        assertThat((double) out[0]).isCloseTo(-0.624388, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void wideImageIsCroppedFromTheMiddleRoundingTheOffsetDown() {
        // 6 wide, 3 high, size 3: the short side is already 3 and the long side int(3 * 6 / 3) = 6, so no resize;
        // a 2x2 crop starts at top (3 - 2) // 2 = 0 and left (6 - 2) // 2 = 2.
        int[] rgb = new int[18];
        for (int i = 0; i < 18; i++) {
            rgb[i] = (i * 10) << 16;
        }
        float[] out = processor(3, 2).process(image(6, 3, rgb));

        assertThat(out[0]).isEqualTo(normalised(2 * 10, 0));
        assertThat(out[1]).isEqualTo(normalised(3 * 10, 0));
        assertThat(out[2]).isEqualTo(normalised(8 * 10, 0));
        assertThat(out[3]).isEqualTo(normalised(9 * 10, 0));
        assertThat(out[4]).isEqualTo(normalised(0, 1));
    }

    @Test
    void theLongSideIsTruncatedNotRounded() {
        ClipImageProcessor p = processor(4, 4);
        // 10 wide, 6 high: the short side becomes 4, the long side int(4 * 10 / 6) = int(6.67) = 6, not 7.
        assertThat(p.resizedSize(6, 10)).containsExactly(4, 6);
        // Tall: 5 wide, 7 high to width 3 gives height int(3 * 7 / 5) = 4.
        assertThat(processor(3, 3).resizedSize(7, 5)).containsExactly(4, 3);
        // Square stays square.
        assertThat(p.resizedSize(9, 9)).containsExactly(4, 4);
    }

    @Test
    void upscalingAWideImageUsesBicubicWeightsWithoutAntialiasing() {
        // 2x1 to 4x2 (size 2: the short side 1 -> 2, the long side int(2 * 2 / 1) = 4), crop 2x2 at left 1, top 0.
        // Horizontal, scale 0.5: output x has centre (x + 0.5) / 2 and reads input pixels 0..1 with weights
        // cubic(i + 0.5 - centre), normalised to sum 1. For x = 1 (centre 0.75): cubic(-0.25) = 0.8671875 on pixel 0
        // and cubic(0.75) = 0.2265625 on pixel 1; for x = 2 (centre 1.25): cubic(-0.75) and cubic(0.25).
        int left = 100;
        int right = 220;
        float[] out = processor(2, 2).process(image(2, 1, new int[] {left << 16, right << 16}));

        double w0 = cubic(-0.25);
        double w1 = cubic(0.75);
        assertThat(w0).isEqualTo(0.8671875);
        assertThat(w1).isEqualTo(0.2265625);
        int x1 = (int) Math.floor((w0 * left + w1 * right) / (w0 + w1) + 0.5);
        int x2 = (int) Math.floor((w1 * left + w0 * right) / (w0 + w1) + 0.5);
        // (0.8671875 * 100 + 0.2265625 * 220) / 1.09375 = 124.857 and (22.65625 + 190.78125) / 1.09375 = 195.14.
        assertThat(x1).isEqualTo(125);
        assertThat(x2).isEqualTo(195);
        assertThat(out[0]).isEqualTo(normalised(x1, 0));
        assertThat(out[1]).isEqualTo(normalised(x2, 0));
        // The vertical pass from one row copies it: every window reads the single row with weight 1.
        assertThat(out[2]).isEqualTo(out[0]);
        assertThat(out[3]).isEqualTo(out[1]);
    }

    @Test
    void shrinkingWidensTheFilterAndRoundsEachPassToEightBits() {
        // 4x2 with size 1: the short side 2 -> 1, the long side int(1 * 4 / 2) = 2, crop 1x1 at (0, 0).
        // Horizontal 4 -> 2, scale 2: the bicubic window widens to radius 4 and distances halve; output 0 has centre
        // 1.0 and weights cubic((i + 0.5 - 1) / 2) for i = 0..3: cubic(-0.25), cubic(0.25), cubic(0.75), cubic(1.25).
        // Vertical 2 -> 1: centre 1.0, weights cubic(-0.25) and cubic(0.25), equal, so the two rows are averaged.
        int[] top = {30, 60, 90, 250};
        int[] bottom = {200, 10, 40, 80};
        int[] rgb = new int[8];
        for (int i = 0; i < 4; i++) {
            rgb[i] = top[i] << 8;
            rgb[4 + i] = bottom[i] << 8;
        }
        float[] out = processor(1, 1).process(image(4, 2, rgb));

        double[] w = {cubic(-0.25), cubic(0.25), cubic(0.75), cubic(1.25)};
        assertThat(w[3]).isEqualTo(-0.0703125);
        double sum = w[0] + w[1] + w[2] + w[3];
        int topByte = clamp(Math.floor((w[0] * top[0] + w[1] * top[1] + w[2] * top[2] + w[3] * top[3]) / sum + 0.5));
        int bottomByte = clamp(Math.floor((w[0] * bottom[0] + w[1] * bottom[1] + w[2] * bottom[2]
                + w[3] * bottom[3]) / sum + 0.5));
        int pixel = (int) Math.floor((topByte + bottomByte) / 2.0 + 0.5);
        assertThat(out).hasSize(3);
        assertThat(out[1]).isEqualTo(normalised(pixel, 1));
        assertThat(out[0]).isEqualTo(normalised(0, 0));
    }

    /** Pseudo-random pixels from a linear congruential generator, written the same way in the Python below. */
    private static BufferedImage noise(int width, int height, long seed) {
        int[] rgb = new int[width * height];
        long x = seed;
        for (int i = 0; i < rgb.length; i++) {
            x = (x * 1103515245L + 12345L) & 0x7fffffffL;
            rgb[i] = (int) (x & 0xFFFFFF);
        }
        return image(width, height, rgb);
    }

    /**
     * Real Pillow's numbers (9.4.0, Debian's python3-pil) for resize short side, bicubic, centre crop, per channel,
     * produced by this script (transformers' CLIPImageProcessor does the same on 8-bit pictures):
     * <pre>
     * im = Image.new("RGB", (w, h)); im.putdata(pixels)   # pixels: the generator in noise(), (x>>16, x>>8, x) & 255
     * short, long = sorted((w, h)); n = int(size * long / short)
     * r = im.resize((size, n) if w &lt;= h else (n, size), resample=Image.BICUBIC)
     * top, left = (r.height - crop) // 2, (r.width - crop) // 2
     * list(r.crop((left, top, left + crop, top + crop)).getdata())
     * </pre>
     */
    @Test
    void nonSquarePicturesGiveRealPillowsBytes() {
        // 7x5 shrunk to 4x3 (crop 2 at left 1), 3x2 grown to 7x5 (crop 4 at left 1), 4x9 shrunk to 3x6 (crop 3 at
        // top 1), 40x24 shrunk to 15x9 (crop 8 at left 3: the antialiased window spans about 11 pixels).
        assertPillow(7, 5, 1, 3, 2, new int[][] {{155, 153, 101, 141}, {185, 164, 184, 163}, {147, 107, 130, 185}});
        assertPillow(3, 2, 2, 5, 4, new int[][] {
            {128, 53, 13, 113, 128, 73, 46, 131, 127, 125, 135, 180, 126, 176, 224, 228},
            {208, 137, 79, 103, 181, 120, 73, 105, 109, 75, 57, 109, 37, 29, 41, 112},
            {19, 50, 77, 77, 29, 57, 82, 83, 53, 75, 96, 100, 77, 93, 109, 117}});
        assertPillow(4, 9, 3, 3, 3, new int[][] {{94, 95, 109, 31, 125, 154, 136, 163, 166},
            {155, 77, 91, 82, 108, 170, 50, 124, 134}, {165, 160, 114, 86, 90, 174, 197, 174, 111}});
        assertPillow(40, 24, 4, 9, 8, new int[][] {
            {104, 121, 124, 114, 119, 136, 96, 133, 86, 90, 124, 105, 110, 103, 130, 101, 137, 114, 153, 116, 128, 140,
                106, 149, 116, 117, 155, 143, 127, 116, 139, 158, 108, 138, 131, 123, 128, 85, 139, 143, 129, 122, 124,
                97, 136, 133, 162, 97, 163, 125, 153, 139, 109, 159, 135, 141, 142, 106, 98, 120, 125, 103, 131, 121},
            {128, 114, 124, 110, 141, 130, 120, 125, 148, 124, 112, 101, 102, 129, 144, 152, 122, 112, 110, 140, 97, 113,
                156, 168, 77, 66, 99, 141, 135, 62, 160, 138, 118, 138, 127, 113, 131, 90, 159, 147, 108, 171, 117, 112,
                166, 104, 135, 113, 136, 122, 84, 114, 157, 159, 146, 135, 131, 136, 117, 167, 175, 134, 168, 109},
            {129, 88, 109, 149, 112, 169, 127, 138, 124, 146, 92, 113, 143, 154, 115, 137, 120, 161, 119, 124, 145, 126,
                122, 71, 154, 138, 169, 125, 95, 130, 134, 139, 121, 101, 148, 128, 123, 112, 112, 156, 141, 111, 169,
                132, 140, 151, 150, 153, 112, 150, 145, 111, 129, 98, 127, 105, 128, 137, 133, 127, 75, 92, 141, 107}});
    }

    private static void assertPillow(int width, int height, long seed, int size, int crop, int[][] pillow) {
        float[] out = processor(size, crop).process(noise(width, height, seed));
        int plane = crop * crop;
        assertThat(out).hasSize(3 * plane);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                assertThat(out[c * plane + i]).as("%dx%d channel %d value %d", width, height, c, i)
                        .isEqualTo(normalised(pillow[c][i], c));
            }
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    @Test
    void aCropLargerThanTheImageIsPaddedWithZeros() {
        ObjectNode config = JSON.createObjectNode();
        config.put("do_resize", false);
        config.put("crop_size", 3);
        float[] out = ClipImageProcessor.fromConfig(config).process(image(1, 1, new int[] {0xFFFFFF}));

        // The 1x1 picture sits at the centre of a 3x3 field of zeros (pad ceil((3 - 1) / 2) = 1 on each side).
        assertThat(out[4]).isEqualTo(normalised(255, 0));
        assertThat(out[0]).isEqualTo(normalised(0, 0));
    }

    @Test
    void configurationMistakesAreNamed() {
        ObjectNode badSize = JSON.createObjectNode();
        badSize.putObject("size").put("longest_edge", 5);
        assertThatThrownBy(() -> ClipImageProcessor.fromConfig(badSize)).hasMessageStartingWith("size must be");
        ObjectNode badResample = JSON.createObjectNode().put("resample", 0);
        assertThatThrownBy(() -> ClipImageProcessor.fromConfig(badResample)).hasMessageContaining("resample 0");
        ObjectNode badStd = JSON.createObjectNode();
        badStd.putArray("image_std").add(0).add(1).add(1);
        assertThatThrownBy(() -> ClipImageProcessor.fromConfig(badStd)).hasMessageContaining("image_std");
    }

    @Test
    void defaultsAreClipsOwn() {
        ClipImageProcessor p = ClipImageProcessor.fromConfig(JSON.createObjectNode());
        assertThat(p.outputHeight()).isEqualTo(224);
        assertThat(p.outputWidth()).isEqualTo(224);
        assertThat(p.resizedSize(512, 768)).containsExactly(224, 336);
    }
}
