package dev.imagine.storage;

import java.time.Instant;
import java.util.List;

/**
 * A recorded generation as stored.
 *
 * @param id its number, growing with every record; users see it ("rerun #123")
 * @param userId who asked
 * @param platform where the user asked, e.g. {@code discord}, {@code telegram} or {@code cli}
 * @param kind what it does
 * @param parentId the generation it derives from, or {@code null} (also once that one is pruned)
 * @param model the model it ran on
 * @param parameters requested values while queued; the values the engine used once done
 * @param initImageSha256 the init image's SHA-256 (img2img), or {@code null}
 * @param replyTarget where the answer goes
 * @param status where it stands
 * @param error what went wrong, as shown to the user, when {@link GenerationStatus#FAILED}; else {@code null}
 * @param queuedAt when it was recorded
 * @param startedAt when it started running, or {@code null}
 * @param finishedAt when it became done, failed or cancelled, or {@code null}
 * @param engineMillis time spent in the engine, or {@code null} unless done
 * @param attempts how many times it was started (a crash mid-run leaves it running with one more)
 * @param images its pictures in index order; empty unless done
 */
public record Generation(
        long id,
        long userId,
        String platform,
        GenerationKind kind,
        Long parentId,
        ModelRef model,
        GenerationParameters parameters,
        String initImageSha256,
        ReplyTarget replyTarget,
        GenerationStatus status,
        String error,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Long engineMillis,
        int attempts,
        List<StoredImage> images) {

    /** Copies the image list. */
    public Generation {
        images = List.copyOf(images);
    }
}
