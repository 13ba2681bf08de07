package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.engine.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.actionrow.ActionRowChildComponent;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.components.selections.SelectOption;
import net.dv8tion.jda.api.components.selections.StringSelectMenu;
import org.junit.jupiter.api.Test;

class ButtonRowsTest {
    /** Discord's limits on a message's components. */
    private static final int MAX_ROWS = 5;
    private static final int MAX_PER_ROW = 5;

    private static List<String> ids(List<ActionRow> rows) {
        List<String> ids = new ArrayList<>();
        for (ActionRow row : rows) {
            for (ActionRowChildComponent component : row.getComponents()) {
                if (component instanceof Button button) {
                    ids.add(button.getCustomId());
                } else if (component instanceof StringSelectMenu menu) {
                    menu.getOptions().stream().map(SelectOption::getValue).forEach(ids::add);
                }
            }
        }
        return ids;
    }

    @Test
    void aQueuedJobHasACancelButton() {
        List<ActionRow> rows = ButtonRows.status(5);

        assertThat(rows).singleElement().satisfies(row -> assertThat(row.getComponents()).singleElement()
                .isInstanceOfSatisfying(Button.class, button -> {
                    assertThat(button.getCustomId()).isEqualTo("im:cx:5");
                    assertThat(button.getLabel()).isEqualTo("Cancel");
                }));
    }

    @Test
    void everyResultFitsDiscordsRowsAndOffersEveryActionForEveryPicture() {
        for (int images = 1; images <= GenerationRequest.MAX_COUNT; images++) {
            List<ActionRow> rows = ButtonRows.result(9, images);

            assertThat(rows).as("%d pictures", images).hasSizeLessThanOrEqualTo(MAX_ROWS)
                    .allSatisfy(row -> assertThat(row.getComponents()).hasSizeLessThanOrEqualTo(MAX_PER_ROW));
            List<String> expected = new ArrayList<>();
            ButtonId.forResult(9).forEach(id -> expected.add(id.encode()));
            for (int i = 0; i < images; i++) {
                ButtonId.forImage(9, i).forEach(id -> expected.add(id.encode()));
            }
            assertThat(ids(rows)).as("%d pictures", images).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void upToFourPicturesGetARowOfButtonsEachAndMoreGetOneMenuPerAction() {
        assertThat(ButtonRows.result(9, 4)).hasSize(5).allSatisfy(row -> assertThat(row.getComponents())
                .allMatch(component -> component instanceof Button));

        List<ActionRow> six = ButtonRows.result(9, 6);
        assertThat(six).hasSize(4);
        assertThat(six.subList(1, 4)).allSatisfy(row -> assertThat(row.getComponents()).singleElement()
                .isInstanceOfSatisfying(StringSelectMenu.class, menu -> {
                    assertThat(menu.getCustomId()).startsWith(ButtonRows.MENU_PREFIX);
                    assertThat(ButtonId.parse(menu.getCustomId())).as("not a button id itself").isEmpty();
                    assertThat(menu.getOptions()).hasSize(6);
                }));
        assertThat(ids(six)).contains(ButtonId.of(ButtonAction.UPSCALE, 9, 5).encode());
    }
}
