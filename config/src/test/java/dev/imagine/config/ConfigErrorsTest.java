package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every refusal names the key's full path, the bad value and what is allowed; all are reported together. */
class ConfigErrorsTest {

    private static final Path WORK = Path.of("/srv/imagine");

    private static ConfigException refuse(String yaml) {
        return catchThrowableOfType(ConfigException.class,
                () -> ImagineConfig.parse(yaml, "imagine.yaml", WORK, Map.of()));
    }

    private static List<String> problems(String yaml) {
        return refuse(yaml).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void aMissingModelIsNamed() {
        ConfigException e = refuse("engine:\n  device: cpu\n");

        assertThat(e.problems()).containsExactly(new ConfigProblem("engine.model",
                "missing; set it to a model folder or the name of a pulled model"));
        assertThat(e.getMessage()).isEqualTo("invalid configuration in imagine.yaml: engine.model: missing; "
                + "set it to a model folder or the name of a pulled model");
    }

    @Test
    void anEmptyFileLacksTheModel() {
        assertThat(problems("")).containsExactly(
                "engine.model: missing; set it to a model folder or the name of a pulled model");
        assertThat(problems("engine:\n  model: \"  \"\n")).containsExactly(
                "engine.model: missing; set it to a model folder or the name of a pulled model");
    }

    @Test
    void aBadNumberNamesTheKeyTheValueAndTheRange() {
        ConfigException e = refuse("engine:\n  model: m\nlimits:\n  rate:\n    burst: -3\n");

        assertThat(e.getMessage()).isEqualTo("invalid configuration in imagine.yaml: "
                + "limits.rate.burst: -3 is not allowed; use a whole number from 1 to 1000");
    }

    @Test
    void anUnknownKeyIsNamedWithTheClosestKnownKey() {
        assertThat(problems("engine:\n  model: m\nlimits:\n  rate:\n    brust: 5\n")).containsExactly(
                "limits.rate.brust: unknown key; did you mean burst? "
                        + "Keys allowed in limits.rate: burst, refill, refill-period");
        assertThat(problems("engine:\n  model: m\n  maxSide: 512\n")).containsExactly(
                "engine.maxSide: unknown key; did you mean max-side? "
                        + "Keys allowed in engine: model, device, threads, max-side, prompt-syntax, max-prompt-chunks, "
                        + "input-image, cuda");
    }

    @Test
    void anUnknownKeyAtTheWrongLevelPointsToWhereItBelongs() {
        assertThat(problems("engine:\n  model: m\nlimits:\n  burst: 5\n")).containsExactly(
                "limits.burst: unknown key; did you mean limits.rate.burst? Keys allowed in limits: rate, "
                        + "max-jobs-per-user, queue-capacity, job-time-limit, max-frames, admins, users, roles, lease-timeout, max-attempts");
    }

    @Test
    void anUnknownKeyWithNothingCloseListsTheAllowedKeys() {
        assertThat(problems("engine:\n  model: m\ncolour: blue\n")).containsExactly(
                "colour: unknown key; keys allowed at the top level: "
                        + "engine, storage, models, limits, telegram, discord, operations, web, safety, node");
    }

    @Test
    void theMissingModelABadNumberAndAnUnknownKeyAreReportedTogether() {
        ConfigException e = refuse("""
                engine:
                  device: cpu
                limits:
                  queue-capacity: lots
                  rate:
                    burst: 0
                telegram:
                  api_url: https://api.telegram.org
                """);

        assertThat(e.getMessage()).isEqualTo("""
                invalid configuration in imagine.yaml (4 problems):
                  engine.model: missing; set it to a model folder or the name of a pulled model
                  limits.rate.burst: 0 is not allowed; use a whole number from 1 to 1000
                  limits.queue-capacity: "lots" is not allowed; use a whole number from 1 to 100000
                  telegram.api_url: unknown key; did you mean api-url? Keys allowed in telegram: token, api-url""");
        assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly(
                "engine.model", "limits.rate.burst", "limits.queue-capacity", "telegram.api_url");
        assertThat(e.headline()).isEqualTo("invalid configuration in imagine.yaml");
    }

    @Test
    void everyKindOfValueIsCheckedWithItsOwnWording() {
        assertThat(problems("""
                engine:
                  model: m
                  device: gpu0
                  threads: 2.5
                  max-side: 1004
                  prompt-syntax: comfy
                  max-prompt-chunks: 0
                  input-image:
                    max-size: 500MB
                    max-pixels: 10
                  cuda:
                    memory-limit: 6 gigs
                    conv-algo-search: fastest
                    arena-strategy: [a]
                storage:
                  dir: {a: 1}
                limits:
                  job-time-limit: 600
                  max-jobs-per-user: 5
                  queue-capacity: 3
                telegram:
                  api-url: ftp://example.com
                discord:
                  guild-ids: [123, -4, abc]
                operations:
                  enabled: maybe
                  bind-address: example.com
                  port: 70000
                """)).containsExactly(
                "engine.device: \"gpu0\" is not allowed; use cpu, cuda, cuda:N (N from 0 to 63) or auto",
                "engine.threads: 2.5 is not allowed; use a whole number from 0 (ONNX Runtime chooses) to 1024",
                "engine.max-side: 1004 is not allowed; use a multiple of 8 from 64 to 2048",
                "engine.prompt-syntax: \"comfy\" is not allowed; use a1111 or plain",
                "engine.max-prompt-chunks: 0 is not allowed; use a whole number from 1 to 64",
                "engine.input-image.max-size: \"500MB\" is not allowed; use a size from 1K to 100M, such as 10M",
                "engine.input-image.max-pixels: 10 is not allowed; use a whole number from 4096 to 268435456",
                "engine.cuda.memory-limit: \"6 gigs\" is not allowed; use 0 (no limit) or a size from 64M to 1T, "
                        + "such as 6G",
                "engine.cuda.conv-algo-search: \"fastest\" is not allowed; use one of DEFAULT, HEURISTIC, EXHAUSTIVE",
                "engine.cuda.arena-strategy: a list is not allowed; use one of SAME_AS_REQUESTED, NEXT_POWER_OF_TWO",
                "storage.dir: a mapping is not allowed; use a folder path, relative to the working directory or "
                        + "absolute",
                "limits.max-jobs-per-user: 5 is not allowed; use at most limits.queue-capacity (3)",
                "limits.job-time-limit: 600 is not allowed; use a duration from 10s to 1d, such as 90s, 10m or 1h",
                "telegram.api-url: \"ftp://example.com\" is not allowed; use an http or https URL such as "
                        + "https://api.telegram.org, with no user, query or fragment",
                "discord.guild-ids[1]: -4 is not allowed; use a Discord server id, such as 123456789012345678",
                "discord.guild-ids[2]: \"abc\" is not allowed; use a Discord server id, such as 123456789012345678",
                "operations.enabled: \"maybe\" is not allowed; use true or false",
                "operations.bind-address: \"example.com\" is not allowed; use an IP address such as 127.0.0.1 "
                        + "(this machine only), ::1 or 0.0.0.0, or localhost",
                "operations.port: 70000 is not allowed; use a whole number from 1 to 65535, or 0 for any free port");
    }

    @Test
    void usersRolesAndAdminsAreCheckedEntryByEntry() {
        assertThat(problems("""
                engine: {model: m}
                limits:
                  admins: [telegram:1, "discord:x", {a: 1}]
                  users:
                    bob: {burst: 3}
                    "telegram:12": {burst: 30, refil: 3}
                    "telegram:13": 5
                  roles:
                    admins: {burst: 3}
                    "42": {refill-period: 1 hour}
                """)).containsExactly(
                "limits.admins[1]: \"discord:x\" is not allowed; use telegram:<user id> or discord:<user id>, "
                        + "such as telegram:123456789",
                "limits.admins[2]: a mapping is not allowed; use telegram:<user id> or discord:<user id>, "
                        + "such as telegram:123456789",
                "limits.users: key \"bob\" is not allowed; use telegram:<user id> or discord:<user id>, "
                        + "such as telegram:123456789",
                "limits.users.telegram:13: 5 is not allowed; use a mapping with the keys burst, refill, refill-period",
                "limits.roles: key \"admins\" is not allowed; use a Discord role id, such as 123456789012345678 "
                        + "(roles exist only on Discord)",
                "limits.roles.42.refill-period: \"1 hour\" is not allowed; use a duration from 1s to 7d, "
                        + "such as 90s, 10m or 1h",
                "limits.users.telegram:12.refil: unknown key; did you mean refill? "
                        + "Keys allowed in limits.users.telegram:12: burst, refill, refill-period");
    }

    @Test
    void aSectionThatIsNotAMappingListsItsKeys() {
        assertThat(problems("engine: {model: m}\nlimits: 5\n")).containsExactly(
                "limits: 5 is not allowed; use a mapping with the keys rate, max-jobs-per-user, queue-capacity, "
                        + "job-time-limit, max-frames, admins, users, roles, lease-timeout, max-attempts");
        assertThat(problems("- engine\n")).containsExactly(
                "the file holds a list; use a mapping with the keys "
                        + "engine, storage, models, limits, telegram, discord, operations, web, safety, node",
                "engine.model: missing; set it to a model folder or the name of a pulled model");
    }

    @Test
    void brokenYamlGivesTheLineWithoutQuotingIt() {
        ConfigException e = refuse("engine:\n  model: m\n telegram:\n   token: 123456:SECRET-in-broken-yaml\n");

        assertThat(e.getMessage()).isEqualTo("invalid configuration in imagine.yaml: not valid YAML at line 3, "
                + "column 2: expected <block end>, but found '<block mapping start>'");
        assertThat(e.getMessage()).doesNotContain("SECRET");
    }

    @Test
    void aRepeatedKeyIsRefused() {
        assertThat(problems("engine:\n  model: m\n  model: n\n")).containsExactly(
                "not valid YAML at line 3, column 8: the key 'model' appears twice in one mapping");
    }

    @Test
    void aRepeatedUserInAnotherSpellingIsRefused() {
        assertThat(problems("engine: {model: m}\nlimits:\n  users:\n    telegram:7: {}\n    TELEGRAM:7: {}\n"))
                .containsExactly("limits.users: key \"TELEGRAM:7\" is not allowed; it names telegram:7 again, "
                        + "and each may appear once");
    }

    @Test
    void aModelWithControlCharactersIsRefused() {
        assertThat(problems("engine:\n  model: \"a\\u0007b\"\n")).containsExactly(
                "engine.model: \"a\\u0007b\" is not allowed; set it to a model folder or the name of a pulled model, "
                        + "at most 1024 characters and no control characters");
    }

    @Test
    void aLongValueIsCutInTheMessage() {
        String longDevice = "x".repeat(100);
        assertThat(problems("engine:\n  model: m\n  device: " + longDevice + "\n")).containsExactly(
                "engine.device: \"" + "x".repeat(60) + "...\" is not allowed; "
                        + "use cpu, cuda, cuda:N (N from 0 to 63) or auto");
    }

    @Test
    void anExceptionNeedsAProblem() {
        assertThatThrownBy(() -> new ConfigException("invalid", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
