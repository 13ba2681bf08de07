package dev.imagine.bot.command;

/** What a button does; each has a short code used in {@link ButtonId}s. */
public enum ButtonAction {
    /** The same parameters with a new random seed (for a variation: another variation of the same picture). */
    REROLL("rr", "Re-roll", false),
    /** The same parameters and seed: the identical pictures. */
    RERUN("ru", "Rerun", false),
    /** A variation of one picture: its seed, a random variation seed at strength 0.25. */
    VARY("va", "Vary", true),
    /** One picture enlarged 2x and refined (hires fix at strength 0.35). */
    UPSCALE("up", "Upscale", true),
    /** Removes the message showing the generation; for its requester or a manager of the chat. */
    DELETE("dl", "Delete", false),
    /** Cancels the job while it is queued or running; for its requester or a manager of the chat. */
    CANCEL("cx", "Cancel", false),
    /** Sends one picture's original PNG, with its parameters embedded, as a file. */
    PNG("png", "PNG", true),
    /** An animation again with its keyframes (and their seeds) in reverse order. */
    REVERSE("rv", "Reverse", false);

    private final String code;
    private final String label;
    private final boolean perImage;

    ButtonAction(String code, String label, boolean perImage) {
        this.code = code;
        this.label = label;
        this.perImage = perImage;
    }

    /** The code in a button id, such as {@code rr}. */
    public String code() {
        return code;
    }

    /** A short label, such as {@code Re-roll}; per-image buttons add the picture's number. */
    public String label() {
        return label;
    }

    /** Whether the button acts on one picture of the generation and so carries its index. */
    public boolean perImage() {
        return perImage;
    }

    static ButtonAction fromCode(String code) {
        for (ButtonAction action : values()) {
            if (action.code.equals(code)) {
                return action;
            }
        }
        return null;
    }
}
