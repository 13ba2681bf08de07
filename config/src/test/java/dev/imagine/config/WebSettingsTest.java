package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code web} section: its defaults, the password, the refusal to listen openly without one, and {@code --model}. */
class WebSettingsTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path work;

    private ImagineConfig parse(String yaml, Map<String, String> env) {
        return ImagineConfig.parse("engine: {model: m}\n" + yaml, "imagine.yaml", work, env);
    }

    private List<String> problems(String yaml, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml, env)).problems().stream()
                .map(ConfigProblem::toString).toList();
    }

    @Test
    void thePasswordComesFromTheEnvironmentAndMeansSignIn() {
        ImagineConfig config = parse("web: {bind-address: 0.0.0.0, port: 0}\n",
                Map.of(WebSettings.PASSWORD_VARIABLE, PASSWORD));

        assertThat(config.web().password()).map(Secret::reveal).contains(PASSWORD);
        assertThat(config.web().signIn()).isTrue();
        assertThat(config.web().isLoopback()).isFalse();
        assertThat(config.web().port()).isZero();
        assertThat(config.toString()).doesNotContain(PASSWORD);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void anOpenAddressWithoutAPasswordIsRefusedWithASentence() {
        assertThat(problems("web: {bind-address: 0.0.0.0}\n", Map.of())).containsExactly(
                "web.password: missing; web.bind-address is 0.0.0.0, which other machines can reach, and without a "
                        + "password anyone who reaches the port could make pictures as you: set IMAGINE_WEB_PASSWORD "
                        + "(or web.password), bind to 127.0.0.1, or set web.enabled to false");
        assertThat(parse("web: {bind-address: 0.0.0.0, enabled: false}\n", Map.of()).configuredAdapters()).isEmpty();
        assertThatThrownBy(() -> new WebSettings(true, "192.168.1.5", 8080, Optional.empty(), List.of()))
                .hasMessageStartingWith("web.password: missing; web.bind-address is 192.168.1.5");
    }

    @Test
    void aShortPasswordIsRefusedWithoutShowingIt() {
        List<String> problems = problems("", Map.of(WebSettings.PASSWORD_VARIABLE, "hunter2"));

        assertThat(problems).containsExactly("IMAGINE_WEB_PASSWORD: the value (hidden, 7 characters) is not allowed; "
                + "use 8 to 200 characters without control characters, or better, set IMAGINE_WEB_PASSWORD");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2");
    }

    @Test
    void aPasswordInTheFileWorksButDrawsAWarning() {
        ImagineConfig config = parse("web: {password: \"" + PASSWORD + "\"}\n", Map.of());

        assertThat(config.web().password()).map(Secret::reveal).contains(PASSWORD);
        assertThat(config.warnings()).singleElement().asString().startsWith("web.password is set in imagine.yaml")
                .doesNotContain(PASSWORD);
    }

    @Test
    void managersAreSignInNamesInLowerCase() {
        assertThat(parse("web: {managers: [Alice, bob.smith]}\n", Map.of()).web().managers())
                .containsExactly("alice", "bob.smith");
        assertThat(problems("web: {managers: [\"not a name\"]}\n", Map.of())).containsExactly(
                "web.managers[0]: \"not a name\" is not allowed; " + WebSettings.NAME_ALLOWED);
    }

    @Test
    void runWithAModelNeedsNoFileAndTheModelOverridesTheFile() throws IOException {
        ImagineConfig defaults = ImagineConfig.load(Optional.empty(), Optional.of("models/demo"), work, Map.of());

        assertThat(defaults.engine().model()).isEqualTo("models/demo");
        assertThat(defaults.web()).isEqualTo(WebSettings.local(WebSettings.DEFAULT_PORT));
        assertThat(defaults.storage().dir()).isEqualTo(work.toAbsolutePath().resolve("data"));

        Files.writeString(work.resolve("imagine.yaml"), "engine:\n  model: from-file\nweb:\n  port: 9000\n");
        ImagineConfig both = ImagineConfig.load(Optional.empty(), Optional.of("other"), work, Map.of());
        assertThat(both.engine().model()).isEqualTo("other");
        assertThat(both.web().port()).isEqualTo(9000);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.load(Optional.empty(), Optional.of(" "), work, Map.of()));
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("--model");
    }
}
