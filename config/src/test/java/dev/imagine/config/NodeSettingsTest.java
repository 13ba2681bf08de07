package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code node.role}, {@code node.name}, {@code limits.lease-timeout} and {@code limits.max-attempts}. */
class NodeSettingsTest {
    private static final Path WORK = Path.of("/srv/imagine");
    private static final String POSTGRES = "storage: {url: \"jdbc:postgresql://db:5432/imagine\"}\n";

    private static ImagineConfig parse(String yaml) {
        return ImagineConfig.parse("engine: {model: m}\n" + yaml, "imagine.yaml", WORK, Map.of());
    }

    @Test
    void theDefaultIsOneProcessNamedForItsHostAndPidWithMinuteLeasesAndThreeAttempts() {
        ImagineConfig config = parse("");
        assertThat(config.node().role()).isEqualTo(NodeSettings.Role.ALL);
        assertThat(config.node().clustered()).isFalse();
        assertThat(config.node().name()).endsWith("-" + ProcessHandle.current().pid());
        assertThat(config.limits().leaseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.limits().maxAttempts()).isEqualTo(3);
    }

    @Test
    void aWorkerOnPostgresReadsItsNameAndLimits() {
        ImagineConfig config = parse(POSTGRES + "node: {role: Worker, name: gpu-1}\n"
                + "limits: {lease-timeout: 5s, max-attempts: 2}\n");
        assertThat(config.node()).isEqualTo(new NodeSettings(NodeSettings.Role.WORKER, "gpu-1"));
        assertThat(config.limits().leaseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.limits().maxAttempts()).isEqualTo(2);
        assertThat(config.requireAdapters()).as("a worker runs no chat adapter").isEqualTo(config.configuredAdapters());
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(POSTGRES
                + "node: {role: gpu, name: \"a\\nb\"}\nlimits: {lease-timeout: 1s, max-attempts: 0}\n"));
        assertThat(e.problems()).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("node.role", "node.name", "limits.lease-timeout", "limits.max-attempts");
        assertThat(e.getMessage()).contains("\"gpu\" is not allowed; use all").contains("frontend").contains("worker")
                .contains("use a duration from 2s to 1h").contains("use a whole number from 1 to 100");
    }

    @Test
    void aClusterRoleOnTheH2FileIsRefusedWithASentence() {
        ConfigException inFile = catchThrowableOfType(ConfigException.class, () -> parse("node: {role: frontend}\n"));
        assertThat(inFile.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("node.role");
            assertThat(p.toString()).contains("the frontend role shares its queue through PostgreSQL")
                    .contains("set storage.url");
        });
        ConfigException flag = catchThrowableOfType(ConfigException.class,
                () -> parse("").withRole(NodeSettings.Role.WORKER));
        assertThat(flag.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("--role");
            assertThat(p.toString()).contains("the worker role").contains("embedded H2 file serves one process");
        });
        assertThat(parse(POSTGRES).withRole(NodeSettings.Role.FRONTEND).node().role())
                .isEqualTo(NodeSettings.Role.FRONTEND);
    }
}
