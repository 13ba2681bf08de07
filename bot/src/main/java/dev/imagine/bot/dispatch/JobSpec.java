package dev.imagine.bot.dispatch;

import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.Keyframe;
import java.util.Objects;

/**
 * What to run. The init image travels as its original bytes too, so the journal can store them and a restart or a
 * rerun decodes exactly the same pixels.
 *
 * @param request the engine request (its init image decoded from {@code initImageBytes})
 * @param initImageBytes the uploaded file, or {@code null} for text-to-image
 * @param kind what the user asked for
 * @param parentId the generation this one derives from (re-roll, rerun, variation, upscale), or {@code null}
 * @param animation for {@link Kind#ANIMATION}, the animation to make (then {@code request} is its settings with the
 *     first keyframe's prompt and seed, for logs and checks that read one prompt); else {@code null}
 */
public record JobSpec(GenerationRequest request, byte[] initImageBytes, Kind kind, Long parentId,
        AnimationRequest animation) {

    /** What a job is, for history and buttons. */
    public enum Kind {
        TXT2IMG, IMG2IMG, VARIATION, UPSCALE, ANIMATION
    }

    /** Validates. */
    public JobSpec {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(kind, "kind");
        if (request.isImageToImage() != (initImageBytes != null)) {
            throw new IllegalArgumentException("an img2img request needs its image bytes, and only it");
        }
        if ((kind == Kind.ANIMATION) != (animation != null)) {
            throw new IllegalArgumentException("an animation job needs its animation, and only it");
        }
    }

    /** A job that is not an animation. */
    public JobSpec(GenerationRequest request, byte[] initImageBytes, Kind kind, Long parentId) {
        this(request, initImageBytes, kind, parentId, null);
    }

    /** An animation job; {@code parentId} as for any job. */
    public static JobSpec animation(AnimationRequest animation, Long parentId) {
        Keyframe first = animation.keyframes().get(0);
        GenerationRequest request = animation.settings().toBuilder().prompt(first.prompt()).seed(first.seed()).build();
        return new JobSpec(request, null, Kind.ANIMATION, parentId, animation);
    }

    /** A text-to-image or image-to-image job with no parent. */
    public static JobSpec of(GenerationRequest request, byte[] initImageBytes) {
        return new JobSpec(request, initImageBytes, initImageBytes == null ? Kind.TXT2IMG : Kind.IMG2IMG, null);
    }

    /** Images this job makes, which is what rate limits count: an animation's frames each count as one. */
    public int images() {
        return animation != null ? animation.frameCount() : request.count();
    }
}
