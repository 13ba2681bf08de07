package dev.imagine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code storage.url} and {@code storage.user}: a PostgreSQL server instead of the H2 file, never a password. */
class StorageSettingsTest {
    private static final Path WORK = Path.of("/srv/imagine");

    @Test
    void withoutAUrlStorageIsTheH2FileInTheDataFolder() {
        StorageSettings storage = ImagineConfig.parse("engine: {model: m}\n", "imagine.yaml", WORK, Map.of())
                .storage();
        assertThat(storage.url()).isEmpty();
        assertThat(storage.user()).isEmpty();
        assertThat(storage.dir()).isEqualTo(Path.of("/srv/imagine/data"));
    }

    @Test
    void aPostgresUrlAndUserAreRead() {
        StorageSettings storage = ImagineConfig.parse("engine: {model: m}\nstorage:\n  url: "
                + "jdbc:postgresql://db:5432/imagine\n  user: imagine\n", "imagine.yaml", WORK, Map.of()).storage();
        assertThat(storage.url()).contains("jdbc:postgresql://db:5432/imagine");
        assertThat(storage.user()).contains("imagine");
    }

    @Test
    void anotherDatabaseOrAPasswordInTheUrlIsRefusedWithoutShowingIt() {
        ConfigException other = catchThrowableOfType(ConfigException.class, () -> ImagineConfig.parse(
                "engine: {model: m}\nstorage: {url: \"jdbc:mysql://db/imagine?pw=x\"}\n", "imagine.yaml", WORK,
                Map.of()));
        assertThat(other.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("storage.url");
            assertThat(p.toString()).contains("jdbc:mysql://db/imagine?...").contains("jdbc:postgresql://")
                    .doesNotContain("pw=x");
        });
        ConfigException password = catchThrowableOfType(ConfigException.class, () -> ImagineConfig.parse(
                "engine: {model: m}\nstorage: {url: \"jdbc:postgresql://db/imagine?user=a&password=hunter2\"}\n",
                "imagine.yaml", WORK, Map.of()));
        assertThat(password.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("storage.url");
            assertThat(p.toString()).contains("IMAGINE_DB_PASSWORD").doesNotContain("hunter2");
        });
    }
}
