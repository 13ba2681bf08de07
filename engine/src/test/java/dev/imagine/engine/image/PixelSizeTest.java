package dev.imagine.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Expected sizes are worked out by hand in the comments: floor(side * num / den), then down to a multiple of 8. */
class PixelSizeTest {

    @Test
    void snapsDownToAMultiple() {
        assertThat(PixelSize.snapDown(0, 8)).isZero();
        assertThat(PixelSize.snapDown(7, 8)).isZero();
        assertThat(PixelSize.snapDown(8, 8)).isEqualTo(8);
        assertThat(PixelSize.snapDown(517, 8)).isEqualTo(512);
        assertThat(PixelSize.snapDown(767, 64)).isEqualTo(704);
        assertThat(PixelSize.snapDown(5, 1)).isEqualTo(5);
    }

    @Test
    void snapDownRefusesBadArguments() {
        assertThatThrownBy(() -> PixelSize.snapDown(-1, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must not be negative, got -1");
        assertThatThrownBy(() -> PixelSize.snapDown(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("multiple must be positive, got 0");
    }

    @Test
    void keepsASizeThatFitsSnappedDown() {
        assertThat(new PixelSize(512, 768).fitWithin(768, 64)).isEqualTo(new PixelSize(512, 768));
        // 1023 -> 1016, 767 -> 760
        assertThat(new PixelSize(1023, 767).fitWithin(1024, 64)).isEqualTo(new PixelSize(1016, 760));
        assertThat(new PixelSize(1001, 1001).fitWithin(1001, 64)).isEqualTo(new PixelSize(1000, 1000));
    }

    @Test
    void scalesLargeImagesDownKeepingTheAspectRatio() {
        // 4000x3000 * 768/4000 = 768x576
        assertThat(new PixelSize(4000, 3000).fitWithin(768, 64)).isEqualTo(new PixelSize(768, 576));
        assertThat(new PixelSize(3000, 4000).fitWithin(768, 64)).isEqualTo(new PixelSize(576, 768));
        // 1920x1080 * 768/1920 = 768x432
        assertThat(new PixelSize(1920, 1080).fitWithin(768, 64)).isEqualTo(new PixelSize(768, 432));
        // 4032x3024 * 1000/4032: 1000 -> 1000, 3024 * 1000 / 4032 = 750 -> 744
        assertThat(new PixelSize(4032, 3024).fitWithin(1000, 64)).isEqualTo(new PixelSize(1000, 744));
    }

    @Test
    void scalesSmallImagesUpToTheMinimum() {
        // 50x30 * 64/30: 50 * 64 / 30 = 106 -> 104, 30 -> 64
        assertThat(new PixelSize(50, 30).fitWithin(768, 64)).isEqualTo(new PixelSize(104, 64));
        assertThat(new PixelSize(20, 20).fitWithin(768, 64)).isEqualTo(new PixelSize(64, 64));
    }

    @Test
    void clampsImagesMoreElongatedThanTheBoundsAllow() {
        // 4000x100: shrinking gives a 19-pixel side, so scale by 64/100 instead: 2560x64, clamped to 768x64
        assertThat(new PixelSize(4000, 100).fitWithin(768, 64)).isEqualTo(new PixelSize(768, 64));
        assertThat(new PixelSize(1, 5000).fitWithin(512, 64)).isEqualTo(new PixelSize(64, 512));
    }

    @Test
    void refusesBadBoundsAndSizes() {
        PixelSize size = new PixelSize(100, 100);

        assertThatThrownBy(() -> size.fitWithin(768, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the minimum side must be a positive multiple of 8, got 0");
        assertThatThrownBy(() -> size.fitWithin(768, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> size.fitWithin(56, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the maximum side 56 is below the minimum side 64");
        assertThatThrownBy(() -> new PixelSize(0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image size must be positive, got 0x5");
    }
}
