package dev.imagine.bot.telegram;

import dev.imagine.bot.command.ButtonId;
import java.util.ArrayList;
import java.util.List;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

/**
 * Inline keyboards from the command core's {@link ButtonId}s; each button's {@code callback_data} is the id's
 * {@link ButtonId#encode()}, within Telegram's 64 bytes.
 */
final class Keyboards {
    private Keyboards() {
    }

    /** The status message's: Cancel. */
    static InlineKeyboardMarkup queued(long generationId) {
        return markup(List.of(row(ButtonId.forQueued(generationId))));
    }

    /**
     * The keyboard of one picture of a result: Vary, Upscale and PNG for that picture, then Re-roll, Rerun and
     * Delete for the generation. The buttons sit on the picture they act on, so their labels need no number.
     */
    static InlineKeyboardMarkup picture(long generationId, int imageIndex) {
        return markup(List.of(row(ButtonId.forImage(generationId, imageIndex)), row(ButtonId.forResult(generationId))));
    }

    /** The keyboard of a finished animation: Re-roll, Rerun, Reverse and Delete. */
    static InlineKeyboardMarkup animation(long generationId) {
        return markup(List.of(row(ButtonId.forAnimation(generationId))));
    }

    private static InlineKeyboardRow row(List<ButtonId> ids) {
        InlineKeyboardRow row = new InlineKeyboardRow();
        for (ButtonId id : ids) {
            row.add(InlineKeyboardButton.builder().text(id.action().label()).callbackData(id.encode()).build());
        }
        return row;
    }

    private static InlineKeyboardMarkup markup(List<InlineKeyboardRow> rows) {
        return InlineKeyboardMarkup.builder().keyboard(new ArrayList<>(rows)).build();
    }
}
