package dev.imagine.bot.dispatch;

import dev.imagine.engine.GenerationRequest;
import java.util.Objects;

/**
 * What to run. The init image travels as its original bytes too, so the journal can store them and a restart or a
 * rerun decodes exactly the same pixels.
 *
 * @param request the engine request (its init image decoded from {@code initImageBytes})
 * @param initImageBytes the uploaded file, or {@code null} for text-to-image
 * @param kind what the user asked for
 * @param parentId the generation this one derives from (re-roll, rerun, variation, upscale), or {@code null}
 */
public record JobSpec(GenerationRequest request, byte[] initImageBytes, Kind kind, Long parentId) {

    /** What a job is, for history and buttons. */
    public enum Kind {
        TXT2IMG, IMG2IMG, VARIATION, UPSCALE
    }

    /** Validates. */
    public JobSpec {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(kind, "kind");
        if (request.isImageToImage() != (initImageBytes != null)) {
            throw new IllegalArgumentException("an img2img request needs its image bytes, and only it");
        }
    }

    /** A text-to-image or image-to-image job with no parent. */
    public static JobSpec of(GenerationRequest request, byte[] initImageBytes) {
        return new JobSpec(request, initImageBytes, initImageBytes == null ? Kind.TXT2IMG : Kind.IMG2IMG, null);
    }

    /** Images this job makes, which is what rate limits count. */
    public int images() {
        return request.count();
    }
}
