package dev.imagine.storage;

/**
 * A request to record, before it runs.
 *
 * @param userId who asked ({@link User#id()})
 * @param kind what it does; {@link GenerationKind#VARIATION} and {@link GenerationKind#UPSCALE} need a parent
 * @param parentId the generation this one derives from (a rerun, variation or upscale), or {@code null}
 * @param model the model it runs on
 * @param parameters the requested parameters ({@code null} fields take the model's defaults)
 * @param replyTarget where the answer goes; {@code null} means {@link ReplyTarget#NONE}
 */
public record NewGeneration(
        long userId,
        GenerationKind kind,
        Long parentId,
        ModelRef model,
        GenerationParameters parameters,
        ReplyTarget replyTarget) {

    /** Validates the fields. */
    public NewGeneration {
        Checks.positive("the user id", userId);
        Checks.required("the kind", kind);
        if (parentId != null) {
            Checks.positive("the parent id", parentId);
        } else if (kind == GenerationKind.VARIATION || kind == GenerationKind.UPSCALE) {
            throw new IllegalArgumentException("a " + kind.id() + " needs the generation it starts from");
        }
        Checks.required("the model", model);
        Checks.required("the parameters", parameters);
        replyTarget = replyTarget == null ? ReplyTarget.NONE : replyTarget;
    }
}
