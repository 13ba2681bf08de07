package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens come from the environment or the file, the environment winning, and never show in text. */
class SecretsTest {

    private static final Path WORK = Path.of("/srv/imagine");
    private static final String TELEGRAM = "123456:telegram-SECRET-one";
    private static final String DISCORD = "discord.SECRET.two";
    private static final String HUB = "hf_SECRET_three";

    private static final String FILE_WITH_TOKENS = """
            engine: {model: m}
            telegram: {token: "654321:file-SECRET"}
            discord: {token: file.discord.SECRET}
            models: {hub: {token: hf_file_SECRET}}
            """;

    @Test
    void tokensComeFromTheEnvironment() {
        ImagineConfig config = ImagineConfig.parse("engine: {model: m}\n", "imagine.yaml", WORK, Map.of(
                "IMAGINE_TELEGRAM_TOKEN", TELEGRAM, "IMAGINE_DISCORD_TOKEN", " " + DISCORD + "\n", "HF_TOKEN", HUB));

        assertThat(config.telegram().token()).map(Secret::reveal).contains(TELEGRAM);
        assertThat(config.discord().token()).map(Secret::reveal).contains(DISCORD);
        assertThat(config.models().hub().token()).map(Secret::reveal).contains(HUB);
        assertThat(config.configuredAdapters()).containsExactly(Platform.TELEGRAM, Platform.DISCORD, Platform.WEB);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheFileDrawsAWarning() {
        ImagineConfig config = ImagineConfig.parse(FILE_WITH_TOKENS, "/srv/imagine/imagine.yaml", WORK,
                Map.of("IMAGINE_TELEGRAM_TOKEN", TELEGRAM));

        assertThat(config.telegram().token()).map(Secret::reveal).contains(TELEGRAM);
        assertThat(config.discord().token()).map(Secret::reveal).contains("file.discord.SECRET");
        assertThat(config.models().hub().token()).map(Secret::reveal).contains("hf_file_SECRET");
        assertThat(config.warnings()).containsExactly(
                "models.hub.token is set in /srv/imagine/imagine.yaml; keep tokens out of files that may be "
                        + "committed or shared, and set HF_TOKEN instead",
                "telegram.token is set in /srv/imagine/imagine.yaml but IMAGINE_TELEGRAM_TOKEN overrides it; keep "
                        + "tokens out of files that may be committed or shared, and set IMAGINE_TELEGRAM_TOKEN instead",
                "discord.token is set in /srv/imagine/imagine.yaml; keep tokens out of files that may be committed "
                        + "or shared, and set IMAGINE_DISCORD_TOKEN instead");
    }

    @Test
    void blankValuesMeanNoToken() {
        ImagineConfig config = ImagineConfig.parse("engine: {model: m}\ntelegram: {token: \"\"}\ndiscord: {token:}\n",
                "imagine.yaml", WORK, Map.of("IMAGINE_TELEGRAM_TOKEN", "  ", "HF_TOKEN", ""));

        assertThat(config.telegram().token()).isEmpty();
        assertThat(config.discord().token()).isEmpty();
        assertThat(config.models().hub().token()).isEmpty();
        assertThat(config.configuredAdapters()).containsExactly(Platform.WEB);
    }

    @Test
    void noTextShowsATokenValue() {
        ImagineConfig config = ImagineConfig.parse(FILE_WITH_TOKENS, "imagine.yaml", WORK,
                Map.of("IMAGINE_TELEGRAM_TOKEN", TELEGRAM, "IMAGINE_DISCORD_TOKEN", DISCORD, "HF_TOKEN", HUB));

        List<Object> texts = List.of(config, config.telegram(), config.discord(), config.models(),
                config.models().hub(), config.telegram().token().orElseThrow(), config.warnings());
        for (Object text : texts) {
            assertThat(text.toString()).doesNotContain("SECRET");
        }
        assertThat(config.telegram().toString()).contains("token=Optional[******]");
    }

    @Test
    void aBadTokenIsRefusedWithoutShowingIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ImagineConfig.parse(
                "engine: {model: m}\ntelegram: {token: \"123:SECRET with space\"}\ndiscord: {token: [SECRET]}\n",
                "imagine.yaml", WORK, Map.of("HF_TOKEN", "hf_SECRET\u0000x")));

        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "HF_TOKEN: the value (hidden) is not allowed; use the token "
                        + "alone, without spaces or control characters",
                "telegram.token: the value (hidden) is not allowed; use the token alone, without spaces or control "
                        + "characters, or better, in IMAGINE_TELEGRAM_TOKEN",
                "discord.token: a list is not allowed; use the token alone, without spaces or control characters, "
                        + "or better, in IMAGINE_DISCORD_TOKEN");
        assertThat(e.getMessage()).doesNotContain("SECRET");
    }

    @Test
    void aSecretNeverPrintsItsValue() {
        Secret secret = Secret.of("abc123");

        assertThat(secret).hasToString("******");
        assertThat(Secret.of("a much longer token value")).hasToString("******");
        assertThat(secret.reveal()).isEqualTo("abc123");
        assertThat(secret).isEqualTo(Secret.of("abc123")).isNotEqualTo(Secret.of("abc124"));
        assertThat(secret.hashCode()).isEqualTo(Secret.of("something else").hashCode());
        assertThatThrownBy(() -> Secret.of(" ")).hasMessage("a secret must not be empty");
    }
}
