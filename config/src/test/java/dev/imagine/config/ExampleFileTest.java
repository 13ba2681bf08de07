package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code config/imagine.example.yaml} is valid, shows the defaults, and names every key of the record tree, so it
 * cannot drift from the code. Lines starting with {@code #~} are samples; with the marker removed they are valid too.
 */
class ExampleFileTest {

    private static final Path EXAMPLE = Path.of(System.getProperty("basedir", ".")).resolve("imagine.example.yaml");
    private static final Path WORK = Path.of("/srv/imagine");
    /** Keys shown only as {@code #~} samples, because an example user or server must not take effect. */
    private static final Set<String> SAMPLE_ONLY = Set.of("limits.admins", "limits.users.*.burst",
            "limits.users.*.refill", "limits.users.*.refill-period", "limits.roles.*.burst", "limits.roles.*.refill",
            "limits.roles.*.refill-period", "discord.guild-ids", "web.managers");

    private static String example() throws IOException {
        return Files.readString(EXAMPLE);
    }

    private static String withSamples(String text) {
        return text.replaceAll("(?m)^(\\s*)#~", "$1");
    }

    @Test
    void theExampleIsValidAndShowsTheDefaults() throws IOException {
        ImagineConfig example = ImagineConfig.parse(example(), EXAMPLE.toString(), WORK, Map.of());
        ImagineConfig defaults = ImagineConfig.parse("engine: {model: ./models/stable-diffusion-v1-5}\n", "defaults",
                WORK, Map.of());

        assertThat(example).isEqualTo(defaults);
        assertThat(example.warnings()).isEmpty();
        assertThat(example.configuredAdapters()).containsExactly(Platform.WEB);
    }

    @Test
    void theSamplesAreValid() throws IOException {
        ImagineConfig samples = ImagineConfig.parse(withSamples(example()), "samples", WORK, Map.of());

        assertThat(samples.limits().admins()).isNotEmpty();
        assertThat(samples.limits().users()).isNotEmpty();
        assertThat(samples.limits().roles()).isNotEmpty();
        assertThat(samples.discord().guildIds()).isNotEmpty();
        assertThat(samples.web().managers()).containsExactly("alice");
    }

    @Test
    void everyKeyOfTheRecordTreeIsInTheExample() throws IOException {
        List<String> keys = new ArrayList<>();
        collectKeys(ImagineConfig.class, "", keys);
        JsonNode plain = new ObjectMapper(new YAMLFactory()).readTree(example());
        JsonNode samples = new ObjectMapper(new YAMLFactory()).readTree(withSamples(example()));

        assertThat(keys).contains("engine.model", "engine.cuda.conv-algo-search", "limits.rate.refill-period",
                "limits.users.*.burst", "telegram.api-url", "models.hub.token", "operations.bind-address");
        for (String key : keys) {
            assertThat(present(samples, key.split("\\."), 0)).as("%s in the example with its samples", key).isTrue();
            if (!SAMPLE_ONLY.contains(key)) {
                assertThat(present(plain, key.split("\\."), 0)).as("%s in the example as is", key).isTrue();
            }
        }
    }

    @Test
    void theExampleHoldsNoToken() throws IOException {
        assertThat(example()).doesNotContainPattern("(?m)^[ \\t]*(#~)?[ \\t]*token:[ \\t]*[^ \\t\\n#]");
    }

    /** Dotted keys from record component names in kebab-case; {@code *} stands for a user-named map key. */
    private static void collectKeys(Class<?> type, String prefix, List<String> keys) {
        for (RecordComponent component : type.getRecordComponents()) {
            if (type == ImagineConfig.class && component.getName().equals("warnings")) {
                continue;
            }
            String key = prefix + KeySuggestions.normalize(component.getName());
            Class<?> valueType = component.getType();
            if (valueType == Map.class) {
                ParameterizedType generic = (ParameterizedType) component.getGenericType();
                collectKeys((Class<?>) generic.getActualTypeArguments()[1], key + ".*.", keys);
            } else if (valueType.isRecord() && valueType != PlatformUser.class) {
                collectKeys(valueType, key + ".", keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static boolean present(JsonNode node, String[] path, int at) {
        if (at == path.length) {
            return true;
        }
        if (node == null || !node.isObject()) {
            return false;
        }
        if (path[at].equals("*")) {
            for (Iterator<JsonNode> entries = node.elements(); entries.hasNext(); ) {
                if (present(entries.next(), path, at + 1)) {
                    return true;
                }
            }
            return false;
        }
        return node.has(path[at]) && present(node.get(path[at]), path, at + 1);
    }
}
