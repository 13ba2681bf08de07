package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.Storage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, problem 7: {@code history} shows a prompt's terminal escape sequences, other control characters and bidi
 * overrides escaped as {@code \}{@code uXXXX}, so they cannot act on the terminal, while the stored text stays as
 * typed. Before the fix they were printed raw.
 */
class TerminalSafeOutputTest {
    private static final String TYPED = "a \u001b[31mred\u001b[0m fox\u0007 \u202egnp.exe\u202c \u2066x\u2069 \u009b2J";

    @TempDir
    Path dir;

    @Test
    void historyEscapesControlsAndBidiOverridesAndStorageKeepsThePromptAsTyped() {
        Path data = dir.resolve("data");
        long id;
        try (Storage storage = Storage.open(data)) {
            id = storage.generations().record(new NewGeneration(Recorder.localUser(storage), GenerationKind.TXT2IMG,
                    null, new ModelRef("tiny", "f00dcafe", "/models/tiny"), GenerationParameters.of("prompt", TYPED),
                    null), null);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ImagineCommand.run(new String[] {"history", "--data", data.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("a \\u001b[31mred\\u001b[0m fox\\u0007 \\u202egnp.exe\\u202c "
                + "\\u2066x\\u2069 \\u009b2J");
        assertThat(out.toString().chars().filter(c -> c != '\n').noneMatch(c -> TerminalText.unsafe((char) c)))
                .as("no raw control or bidi character").isTrue();
        try (Storage storage = Storage.open(data)) {
            Generation g = storage.generations().find(id).orElseThrow();
            assertThat(g.parameters().get("prompt")).isEqualTo(TYPED);
        }
    }

    @Test
    void escapeLeavesOrdinaryTextAloneAndCanKeepLineBreaks() {
        String plain = "Ein Fuchs im Schnee, 雪の中の狐, لثعلب";
        assertThat(TerminalText.escape(plain)).isSameAs(plain);
        assertThat(TerminalText.escape("a\nb\tc\u007f")).isEqualTo("a\\u000ab\\u0009c\\u007f");
        assertThat(TerminalText.escapeKeepingLines("a\nb\tc\u001b")).isEqualTo("a\nb\tc\\u001b");
        assertThat(TerminalText.escape("\u200e\u200f\u061c")).isEqualTo("\\u200e\\u200f\\u061c");
    }
}
