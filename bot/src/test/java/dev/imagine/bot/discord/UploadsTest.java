package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.fake.FakeEngine;
import dev.imagine.engine.GeneratedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class UploadsTest {

    private static GeneratedImage picture(int index, int width, int height) {
        return new GeneratedImage(index, 7 + index, FakeEngine.noise(7 + index, width, height), "seed " + (7 + index));
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void aPictureWithinTheLimitIsSentAsItsOriginalPng() {
        GeneratedImage image = picture(0, 32, 32);

        Uploads.Upload upload = Uploads.fit(3, image, 1 << 20);

        assertThat(upload.fileName()).isEqualTo("imagine-3-1.png");
        assertThat(upload.bytes()).isEqualTo(image.png());
        assertThat(upload.reencoded()).isFalse();
    }

    @Test
    void aPictureOverTheLimitBecomesAJpegWithinIt() throws IOException {
        GeneratedImage image = picture(1, 128, 128);
        long limit = image.png().length / 3;

        Uploads.Upload upload = Uploads.fit(3, image, limit);

        assertThat(upload.fileName()).isEqualTo("imagine-3-2.jpg");
        assertThat(upload.reencoded()).isTrue();
        assertThat((long) upload.bytes().length).isLessThanOrEqualTo(limit);
        BufferedImage decoded = decode(upload.bytes());
        assertThat(decoded.getWidth()).isEqualTo(decoded.getHeight());
    }

    @Test
    void whenQualityIsNotEnoughThePictureIsShrunkKeepingItsShape() throws IOException {
        GeneratedImage image = picture(0, 256, 128);
        long limit = 10_000; // this noise is about 14 KB even as a quality-0.5 JPEG (ImageIO), so only shrinking fits

        Uploads.Upload upload = Uploads.fit(3, image, limit);

        assertThat((long) upload.bytes().length).isLessThanOrEqualTo(limit);
        BufferedImage decoded = decode(upload.bytes());
        assertThat(decoded.getWidth()).isLessThan(256);
        assertThat(Math.abs(decoded.getWidth() - 2 * decoded.getHeight())).isLessThanOrEqualTo(1);
    }

    @Test
    void aLimitNoPictureCanMeetIsAnError() {
        assertThatThrownBy(() -> Uploads.fit(3, picture(0, 256, 256), 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit in 200 bytes");
    }

    @Test
    void theNoteNamesTheReencodedPictures() {
        Uploads.Upload png = new Uploads.Upload("a.png", new byte[1], false);
        Uploads.Upload jpeg = new Uploads.Upload("b.jpg", new byte[1], true);

        assertThat(Uploads.note(List.of(png, png), 8 << 20)).isEmpty();
        assertThat(Uploads.note(List.of(jpeg), 8 << 20)).hasValue(
                "The picture was made smaller (JPEG) to fit the upload limit here (8 MB).");
        assertThat(Uploads.note(List.of(png, jpeg), 8 << 20)).hasValue(
                "Picture 2 was made smaller (JPEG) to fit the upload limit here (8 MB).");
        assertThat(Uploads.note(List.of(jpeg, png, jpeg, jpeg), 25 << 20)).hasValue(
                "Pictures 1, 3 and 4 were made smaller (JPEG) to fit the upload limit here (25 MB).");
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertThat(Uploads.size(8L << 20)).isEqualTo("8 MB");
        assertThat(Uploads.size((21L << 20) / 2)).isEqualTo("10.5 MB");
        assertThat(Uploads.size(512 * 1024)).isEqualTo("512 KB");
    }
}
