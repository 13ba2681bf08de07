package dev.imagine.bot.command;

import dev.imagine.engine.RequestValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code /settings} arguments. */
class SettingsCommandTest {
    private static final RequestValues SOME = TestValues.defaults("ddim", 20, 512, 768, "fog");

    @Test
    void setsEveryKeyAtOnce() {
        RequestValues d = SettingsCommand.apply(RequestValues.NONE,
                "sampler euler-a steps 30 size 768x512 negative \"text, watermark\"", 1024);

        assertThat(d).isEqualTo(TestValues.defaults("euler-a", 30, 768, 512, "text, watermark"));
    }

    @Test
    void keepsWhatItDoesNotMention() {
        assertThat(SettingsCommand.apply(SOME, "steps 40", 1024))
                .isEqualTo(TestValues.defaults("ddim", 40, 512, 768, "fog"));
    }

    @Test
    void anUnquotedNegativeRunsToTheNextKey() {
        assertThat(SettingsCommand.apply(RequestValues.NONE, "negative text, watermark steps 25", 1024))
                .isEqualTo(TestValues.defaults(null, 25, null, null, "text, watermark"));
    }

    @Test
    void acceptsFlagStyleKeysAliasesAndSamplerAliases() {
        assertThat(SettingsCommand.apply(RequestValues.NONE, "--sampler PLMS --no blur", 1024))
                .isEqualTo(TestValues.defaults("pndm", null, null, null, "blur"));
    }

    @Test
    void defaultClearsOneKeyAndResetClearsAll() {
        assertThat(SettingsCommand.apply(SOME, "steps default size default", 1024))
                .isEqualTo(TestValues.defaults("ddim", null, null, null, "fog"));
        assertThat(SettingsCommand.apply(SOME, "reset", 1024)).isEqualTo(RequestValues.NONE);
    }

    @Test
    void anEmptyQuotedNegativeMeansNone() {
        assertThat(SettingsCommand.apply(SOME, "negative \"\"", 1024).get("negativePrompt", String.class)).isEmpty();
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "steps 500", 1024))
                .hasMessage("The setting steps takes a whole number from 1 to 150, not '500'.");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "size 2048x512", 1024))
                .hasMessage("The setting size takes width x height such as 768x512, each a multiple of 8 from 64 to "
                        + "1024, not '2048x512'.");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "sampler fast", 1024))
                .hasMessageStartingWith("The setting sampler takes one of ddim, pndm,");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "steps", 1024))
                .hasMessage("The setting steps needs a value: a whole number from 1 to 150, or default to clear it.");
    }

    @Test
    void unknownAndRepeatedKeysAreRefused() {
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "stesp 20", 1024))
                .hasMessage("Unknown setting 'stesp'; did you mean steps?");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "cfg 7", 1024))
                .hasMessage("Unknown setting 'cfg'; the settings are sampler, steps, size and negative, or reset.");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "steps 20 steps 30", 1024))
                .hasMessage("The setting steps is given twice; give it once.");
        assertThatThrownBy(() -> SettingsCommand.apply(SOME, "negative \"open", 1024))
                .hasMessage("A quote in your settings is never closed.");
    }
}
