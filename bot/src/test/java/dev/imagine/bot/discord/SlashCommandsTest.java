package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.engine.SamplerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.junit.jupiter.api.Test;

/** The commands as Discord receives them (JDA's JSON). */
class SlashCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CommandLimits LIMITS = new CommandLimits(512, 512, 768, 3, 1 << 20, 1 << 24);

    private static JsonNode json(SlashCommandData command) throws Exception {
        return JSON.readTree(command.toData().toString());
    }

    private static JsonNode imagine(boolean global) throws Exception {
        return json(SlashCommands.all(LIMITS, global).get(0));
    }

    private static JsonNode option(JsonNode command, String name) {
        for (JsonNode option : command.path("options")) {
            if (option.path("name").asText().equals(name)) {
                return option;
            }
        }
        throw new AssertionError("no option " + name + " in " + command);
    }

    private static List<String> values(JsonNode option) {
        List<String> values = new ArrayList<>();
        option.path("choices").forEach(choice -> values.add(choice.path("value").asText()));
        return values;
    }

    @Test
    void theCommandsAreTheIssuesCommands() {
        assertThat(SlashCommands.all(LIMITS, false)).extracting(SlashCommandData::getName).containsExactly(
                "imagine", "animate", "history", "rerun", "seed", "queue", "cancel", "settings", "help");
    }

    @Test
    void animateTakesAPromptAndTheIssuesOptionsWithTheServersFrameLimit() throws Exception {
        JsonNode animate = json(SlashCommands.all(LIMITS, false).get(1));

        List<String> names = new ArrayList<>();
        animate.path("options").forEach(option -> names.add(option.path("name").asText()));
        assertThat(names).containsExactly("prompt", "to", "frames", "seed", "to-seed", "fps");
        assertThat(option(animate, "prompt").path("required").asBoolean()).isTrue();
        assertThat(option(animate, "frames").path("min_value").asInt()).isEqualTo(2);
        assertThat(option(animate, "frames").path("max_value").asInt()).isEqualTo(LIMITS.maxFrames());
        assertThat(option(animate, "fps").path("max_value").asInt()).isEqualTo(60);
        assertThat(option(animate, "to-seed").path("max_value").asLong()).isEqualTo(4_294_967_295L);
    }

    @Test
    void imagineTakesAPromptAndTypedOptionsWithTheServersRanges() throws Exception {
        JsonNode imagine = imagine(false);

        List<String> names = new ArrayList<>();
        imagine.path("options").forEach(option -> names.add(option.path("name").asText()));
        assertThat(names).containsExactly("prompt", "negative", "seed", "steps", "guidance", "sampler", "width",
                "height", "aspect", "count", "image", "strength");
        assertThat(option(imagine, "prompt").path("required").asBoolean()).isTrue();
        assertThat(values(option(imagine, "sampler"))).containsExactlyElementsOf(
                Arrays.stream(SamplerKind.values()).map(SamplerKind::id).toList());
        assertThat(values(option(imagine, "aspect"))).containsExactly("1:1", "2:3", "3:2", "16:9", "9:16");
        assertThat(option(imagine, "count").path("min_value").asInt()).isEqualTo(1);
        assertThat(option(imagine, "count").path("max_value").asInt()).isEqualTo(LIMITS.maxCount());
        assertThat(option(imagine, "width").path("max_value").asInt()).isEqualTo(LIMITS.maxSide());
        assertThat(option(imagine, "seed").path("max_value").asLong()).isEqualTo(4_294_967_295L);
        assertThat(option(imagine, "image").path("type").asInt()).as("attachment").isEqualTo(11);
        assertThat(option(imagine, "strength").path("max_value").asDouble()).isEqualTo(1.0);
    }

    @Test
    void globalCommandsAreOfferedInServersAndDirectMessages() throws Exception {
        for (SlashCommandData command : SlashCommands.all(LIMITS, true)) {
            List<Integer> contexts = new ArrayList<>();
            json(command).path("contexts").forEach(context -> contexts.add(context.asInt()));
            assertThat(contexts).as(command.getName()).containsExactlyInAnyOrder(0, 1); // guild, bot DM
        }
    }
}
