package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration part of the malformed-input suite (issue 12): a bad value in each section is refused with a
 * sentence naming the key, and no raw exception class name reaches the operator.
 */
class MalformedConfigTest {
    private static final Pattern RAW_EXCEPTION = Pattern.compile("\\b[A-Z]\\w*(?:Exception|Error)\\b|\\bjava\\.[a-z]+\\.");
    private static final String MODEL = "engine:\n  model: m\n";

    /** A configuration file and the words its refusal must contain. */
    record Case(String yaml, List<String> words) {
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                engine("threads: -1", "engine.threads"),
                engine("threads: many", "engine.threads"),
                engine("max-side: 0", "engine.max-side"),
                engine("max-side: 100000", "engine.max-side"),
                engine("device: quantum", "engine.device"),
                engine("prompt-syntax: fancy", "engine.prompt-syntax"),
                engine("max-prompt-chunks: 0", "engine.max-prompt-chunks"),
                engine("input-image:\n    max-size: lots", "engine.input-image.max-size"),
                engine("input-image:\n    max-pixels: -1", "engine.input-image.max-pixels"),
                engine("cuda:\n    memory-limit: lots", "engine.cuda.memory-limit"),
                engine("cuda:\n    arena-strategy: sometimes", "engine.cuda.arena-strategy"),
                engine("modle: x", "engine.modle"),
                other("storage:\n  dir: [a, b]\n", "storage.dir"),
                other("storage: text\n", "storage"),
                other("models:\n  dir: {a: 1}\n", "models.dir"),
                other("limits:\n  rate:\n    burst: 0\n", "limits.rate.burst"),
                other("limits:\n  rate:\n    refill: -1\n", "limits.rate.refill"),
                other("limits:\n  rate:\n    refill-period: soon\n", "limits.rate.refill-period"),
                other("limits:\n  queue-capacity: 0\n", "limits.queue-capacity"),
                other("limits:\n  max-jobs-per-user: -2\n", "limits.max-jobs-per-user"),
                other("limits:\n  job-time-limit: forever\n", "limits.job-time-limit"),
                other("telegram:\n  enabled: maybe\n", "telegram.enabled"),
                other("telegram:\n  api-url: \"not a url\"\n", "telegram.api-url"),
                other("discord:\n  guild-ids: [abc]\n", "discord."),
                other("operations:\n  port: 70000\n", "operations.port"),
                other("operations:\n  port: -1\n", "operations.port"),
                other("web:\n  port: 99999\n", "web.port"),
                other("safety:\n  checker: sometimes\n", "safety.checker"),
                other("engnie:\n  model: x\n", "engnie"),
                raw("engine: [unclosed\n", "imagine.yaml"),
                raw("- a\n- b\n", "imagine.yaml"),
                raw("engine:\n  model: a\nengine:\n  model: b\n", "engine"),
                raw("\u0000\u0001\u0002", "imagine.yaml"),
                raw("engine:\n\tmodel: m\n", "imagine.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadConfigurationIsRefusedWithASentence(Case c) {
        ConfigException refusal = catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.parse(c.yaml(), "imagine.yaml", Path.of("/srv/imagine"), Map.of()));

        assertThat(refusal).as("refused").isNotNull();
        for (String word : c.words()) {
            assertThat(refusal.getMessage()).contains(word);
        }
        assertThat(refusal.getMessage()).doesNotContainPattern(RAW_EXCEPTION);
    }

    private static Arguments engine(String line, String... words) {
        return named(MODEL + "  " + line + "\n", words);
    }

    private static Arguments other(String yaml, String... words) {
        return named(MODEL + yaml, words);
    }

    private static Arguments raw(String yaml, String... words) {
        return named(yaml, words);
    }

    private static Arguments named(String yaml, String... words) {
        String shown = yaml.replace("\n", " / ").replaceAll("\\p{Cntrl}", "?");
        return Arguments.of(Named.of(shown, new Case(yaml, List.of(words))));
    }
}
