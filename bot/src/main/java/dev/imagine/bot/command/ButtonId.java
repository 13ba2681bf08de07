package dev.imagine.bot.command;

import dev.imagine.engine.GenerationRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A button's id: {@code im:<action>:<generation id>} or, for per-picture actions,
 * {@code im:<action>:<generation id>:<picture index from 0>}, such as {@code im:rr:12345} or {@code im:va:12345:2}.
 * It carries everything the button needs, so buttons keep working after a restart; at most {@value #MAX_LENGTH}
 * ASCII characters, which fits Telegram's 64-byte {@code callback_data} and Discord's 100-character
 * {@code custom_id}. Adapters put {@link #encode()} on the button and hand the id of a pressed button to
 * {@link CommandCore#press}.
 *
 * @param action what the button does
 * @param generationId the generation it acts on, positive
 * @param imageIndex the picture, 0 to {@value GenerationRequest#MAX_COUNT} - 1, for per-picture actions; else -1
 */
public record ButtonId(ButtonAction action, long generationId, int imageIndex) {
    /** What every id starts with, so a press meant for another bot is recognised. */
    public static final String PREFIX = "im:";
    /** The longest id, in bytes (they are ASCII): Telegram's {@code callback_data} limit. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern FORM = Pattern.compile("im:([a-z]{2,3}):([1-9][0-9]{0,18})(?::([0-9]))?");

    /** Validates. */
    public ButtonId {
        if (action == null) {
            throw new IllegalArgumentException("a button needs an action");
        }
        if (generationId < 1) {
            throw new IllegalArgumentException("a generation id is positive, got " + generationId);
        }
        if (action.perImage() ? imageIndex < 0 || imageIndex >= GenerationRequest.MAX_COUNT : imageIndex != -1) {
            throw new IllegalArgumentException(action.perImage()
                    ? "a " + action.code() + " button needs a picture index from 0 to "
                            + (GenerationRequest.MAX_COUNT - 1) + ", got " + imageIndex
                    : "a " + action.code() + " button takes no picture index");
        }
    }

    /** A button that acts on the whole generation. */
    public static ButtonId of(ButtonAction action, long generationId) {
        return new ButtonId(action, generationId, -1);
    }

    /** A button that acts on picture {@code imageIndex} (from 0) of the generation. */
    public static ButtonId of(ButtonAction action, long generationId, int imageIndex) {
        return new ButtonId(action, generationId, imageIndex);
    }

    /** The id to put on the button. */
    public String encode() {
        String id = PREFIX + action.code() + ":" + generationId;
        return action.perImage() ? id + ":" + imageIndex : id;
    }

    /**
     * Reads a pressed button's id strictly: the exact form {@link #encode()} writes, nothing around it.
     *
     * @return empty when the id is not one of ours, is malformed or too long
     */
    public static Optional<ButtonId> parse(String id) {
        if (id == null || id.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        ButtonAction action = ButtonAction.fromCode(m.group(1));
        if (action == null || action.perImage() != (m.group(3) != null)) {
            return Optional.empty();
        }
        long generation;
        try {
            generation = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        int index = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        if (action.perImage() && index >= GenerationRequest.MAX_COUNT) {
            return Optional.empty();
        }
        return Optional.of(new ButtonId(action, generation, index));
    }

    /** A label for the button, such as {@code Re-roll} or {@code Vary 2} (pictures counted from 1). */
    public String label() {
        return action.perImage() ? action.label() + " " + (imageIndex + 1) : action.label();
    }

    /** The buttons for a finished generation as a whole: re-roll, rerun, delete. */
    public static List<ButtonId> forResult(long generationId) {
        return List.of(of(ButtonAction.REROLL, generationId), of(ButtonAction.RERUN, generationId),
                of(ButtonAction.DELETE, generationId));
    }

    /** The buttons for one picture (index from 0) of a finished generation: vary, upscale, PNG. */
    public static List<ButtonId> forImage(long generationId, int imageIndex) {
        return List.of(of(ButtonAction.VARY, generationId, imageIndex),
                of(ButtonAction.UPSCALE, generationId, imageIndex), of(ButtonAction.PNG, generationId, imageIndex));
    }

    /** The buttons for a finished animation: re-roll (new seeds), rerun, reverse, delete. */
    public static List<ButtonId> forAnimation(long generationId) {
        return List.of(of(ButtonAction.REROLL, generationId), of(ButtonAction.RERUN, generationId),
                of(ButtonAction.REVERSE, generationId), of(ButtonAction.DELETE, generationId));
    }

    /** The buttons for a queued or running job: cancel. */
    public static List<ButtonId> forQueued(long generationId) {
        return List.of(of(ButtonAction.CANCEL, generationId));
    }
}
