package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Prompts reach debug logs only without control characters, so a prompt cannot forge log lines or colours. */
class PrintableTest {
    @Test
    void controlAndFormatCharactersAreReplacedAndLongPromptsCut() {
        assertThat(Dispatcher.printable("a cat\nINFO fake line\u001b[31m red\u200e")).isEqualTo("a cat?INFO fake line?[31m red?");
        assertThat(Dispatcher.printable("x".repeat(300))).hasSize(203).endsWith("...");
        assertThat(Dispatcher.printable("café ☕")).isEqualTo("café ☕");
    }
}
