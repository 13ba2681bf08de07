package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.ReplyTarget;
import dev.imagine.storage.StoredImage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat's {@code /history} marks generations with pictures the safety checker flagged, as the CLI's does. */
class HistoryFlagTest {

    private static Generation done(long id, String prompt, boolean... flags) {
        List<StoredImage> images = new java.util.ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            images.add(new StoredImage(id, i, 40 + i, "0".repeat(64), "images/x.png", 10, flags[i]));
        }
        return new Generation(id, 1, "test", GenerationKind.TXT2IMG, null, new ModelRef("tiny", "abc123", null),
                GenerationParameters.of("prompt", prompt, "count", flags.length), null,
                new ReplyTarget(null, "chat", null, null), GenerationStatus.DONE, null, Instant.EPOCH, null, null, null,
                1, images);
    }

    @Test
    void flaggedPicturesAreCountedInTheirLine() {
        String text = Messages.history(List.of(done(3, "two cats", true, false), done(2, "a fox", true),
                done(1, "a dog", false)));

        assertThat(text.lines()).containsExactly("Your last 3 pictures, newest first:",
                "#3 \u00b7 seeds 40-41 \u00b7 flagged 1 of 2 \u00b7 two cats",
                "#2 \u00b7 seed 40 \u00b7 flagged 1 of 1 \u00b7 a fox",
                "#1 \u00b7 seed 40 \u00b7 a dog");
    }
}
