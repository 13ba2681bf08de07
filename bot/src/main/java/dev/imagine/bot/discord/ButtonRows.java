package dev.imagine.bot.discord;

import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.components.selections.StringSelectMenu;

/**
 * The buttons under imagine's messages. Every button's id is a {@link ButtonId}, so it works after a restart.
 * Discord allows 5 rows of 5: a result has one row for the whole generation (re-roll, rerun, delete) and, for up to
 * {@value #IMAGES_WITH_BUTTONS} pictures, a row per picture (vary, upscale, PNG); with more pictures, one select menu
 * per action whose options carry the same ids.
 */
final class ButtonRows {
    /** The most pictures that get a row of buttons each. */
    static final int IMAGES_WITH_BUTTONS = 4;
    /** What a select menu's own id starts with; its chosen option's value is the {@link ButtonId}. */
    static final String MENU_PREFIX = "im-menu:";

    private ButtonRows() {
    }

    /** The rows under a queued or running job's status message: cancel. */
    static List<ActionRow> status(long generationId) {
        List<Button> buttons = new ArrayList<>();
        for (ButtonId id : ButtonId.forQueued(generationId)) {
            buttons.add(Button.secondary(id.encode(), id.label()));
        }
        return List.of(ActionRow.of(buttons));
    }

    /** The row under a finished animation: re-roll, rerun, reverse, delete. */
    static List<ActionRow> animation(long generationId) {
        List<Button> buttons = new ArrayList<>();
        for (ButtonId id : ButtonId.forAnimation(generationId)) {
            buttons.add(button(id));
        }
        return List.of(ActionRow.of(buttons));
    }

    private static Button button(ButtonId id) {
        return id.action() == ButtonAction.DELETE ? Button.danger(id.encode(), id.label())
                : id.action() == ButtonAction.REROLL ? Button.primary(id.encode(), id.label())
                : Button.secondary(id.encode(), id.label());
    }

    /** The rows under a finished generation of {@code images} pictures. */
    static List<ActionRow> result(long generationId, int images) {
        List<ActionRow> rows = new ArrayList<>();
        List<Button> whole = new ArrayList<>();
        for (ButtonId id : ButtonId.forResult(generationId)) {
            whole.add(button(id));
        }
        rows.add(ActionRow.of(whole));
        if (images <= IMAGES_WITH_BUTTONS) {
            for (int i = 0; i < images; i++) {
                List<Button> perImage = new ArrayList<>();
                for (ButtonId id : ButtonId.forImage(generationId, i)) {
                    perImage.add(Button.secondary(id.encode(), id.label()));
                }
                rows.add(ActionRow.of(perImage));
            }
            return rows;
        }
        for (ButtonId first : ButtonId.forImage(generationId, 0)) {
            ButtonAction action = first.action();
            StringSelectMenu.Builder menu = StringSelectMenu.create(MENU_PREFIX + action.code() + ":" + generationId)
                    .setPlaceholder(action.label() + "\u2026");
            for (int i = 0; i < images; i++) {
                menu.addOption(action.label() + " picture " + (i + 1), ButtonId.of(action, generationId, i).encode());
            }
            rows.add(ActionRow.of(menu.build()));
        }
        return rows;
    }
}
