package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sizes from aspect ratios. Expected values from a Python derivation: width = sqrt(area * w/h), height =
 * sqrt(area / (w/h)), each rounded to the nearest multiple of 8 (floor(x / 8 + 0.5) * 8), both scaled down first
 * when the longer exceeds the maximum side.
 */
class SizesTest {

    @ParameterizedTest
    @CsvSource({
        // ratio, base width, base height, max side, expected width, expected height (exact sides in comments)
        "16, 9, 512, 512, 1024, 680, 384", // 682.67 x 384
        "9, 16, 512, 512, 1024, 384, 680",
        "1, 1, 512, 512, 1024, 512, 512",
        "3, 2, 512, 512, 1024, 624, 416", // 627.07 x 418.05
        "2, 3, 512, 512, 1024, 416, 624",
        "4, 1, 512, 512, 1024, 1024, 256", // exactly 1024 x 256
        "1, 4, 512, 512, 1024, 256, 1024",
        "21, 9, 512, 512, 1024, 784, 336", // 782.09 x 335.18
        "16, 9, 768, 768, 1024, 1024, 576", // exactly 1024 x 576
        "16, 9, 768, 512, 2048, 840, 472", // 836.09 x 470.30
        "16, 9, 768, 768, 768, 768, 432", // 1024 x 576 scaled by 0.75
    })
    void keepsTheAreaAndTheRatio(int w, int h, int baseWidth, int baseHeight, int maxSide, int width, int height) {
        Sizes.Size size = Sizes.forAspect(new AspectRatio(w, h), baseWidth, baseHeight, maxSide);

        assertThat(size).isEqualTo(new Sizes.Size(width, height));
    }

    @Test
    void oneGivenSideDerivesTheOther() {
        // 768 * 9 / 16 = 432; 1000 * 2 / 3 = 666.67 -> 664; 512 * 3 / 2 = 768
        assertThat(Sizes.withSide(new AspectRatio(16, 9), 768, true, 1024)).isEqualTo(new Sizes.Size(768, 432));
        assertThat(Sizes.withSide(new AspectRatio(3, 2), 1000, true, 1024)).isEqualTo(new Sizes.Size(1000, 664));
        assertThat(Sizes.withSide(new AspectRatio(2, 3), 512, true, 1024)).isEqualTo(new Sizes.Size(512, 768));
        assertThat(Sizes.withSide(new AspectRatio(16, 9), 432, false, 1024)).isEqualTo(new Sizes.Size(768, 432));
    }

    @Test
    void aDerivedSideOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Sizes.withSide(new AspectRatio(1, 4), 512, true, 1024))
                .hasMessage("A width of 512 at 1:4 needs a height of 2048, but sides must be from 64 to 1024; choose "
                        + "another size or ratio.");
    }

    @Test
    void ratiosBeyondFourToOneAreRefused() {
        assertThatThrownBy(() -> Sizes.forAspect(new AspectRatio(5, 1), 512, 512, 1024))
                .hasMessage("Aspect ratio 5:1 is too extreme; use one from 1:4 to 4:1.");
        assertThatThrownBy(() -> Sizes.forAspect(new AspectRatio(10, 41), 512, 512, 1024))
                .isInstanceOf(CommandException.class);
        assertThat(new AspectRatio(4, 1).isReasonable()).isTrue();
        assertThat(new AspectRatio(41, 10).isReasonable()).isFalse();
    }

    @Test
    void aspectRatiosParseStrictly() {
        assertThat(AspectRatio.parse(" 16 : 9 ")).contains(new AspectRatio(16, 9));
        assertThat(AspectRatio.parse("16x9")).isEmpty();
        assertThat(AspectRatio.parse("0:9")).isEmpty();
        assertThat(AspectRatio.parse("16:")).isEmpty();
        assertThat(AspectRatio.parse("99999:1")).isEmpty();
    }
}
