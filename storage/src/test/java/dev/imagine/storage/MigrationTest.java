package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway migrations on an empty, an older and an up-to-date database, and the settings the database runs with. */
class MigrationTest {
    @TempDir
    Path dir;

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private List<String> tables() throws SQLException {
        try (Connection c = H2Database.dataSource(dir).getConnection()) {
            return column(c, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' "
                    + "ORDER BY TABLE_NAME");
        }
    }

    @Test
    void anEmptyFolderGetsTheWholeSchema() throws SQLException {
        Path data = dir.resolve("new/data");
        try (Storage storage = Storage.open(data)) {
            assertThat(storage.info().schemaVersion()).isEqualTo("13");
            assertThat(storage.counts().generations()).isZero();
        }
        assertThat(data.resolve(Storage.DATABASE_FILE)).isRegularFile();
        dir = data;
        assertThat(tables()).containsExactly("CHANNEL_SETTINGS", "CHAT_INTAKE", "GENERATIONS", "IMAGES", "USERS", "USER_SETTINGS",
                "flyway_schema_history");
    }

    @Test
    void aDatabaseAtAnOlderVersionIsMigratedAndKeepsItsRows() throws SQLException {
        Flyway.configure().dataSource(H2Database.dataSource(dir)).locations("classpath:db/migration").target("1")
                .loggers("slf4j").load().migrate();
        assertThat(tables()).doesNotContain("USER_SETTINGS");
        try (Connection c = H2Database.dataSource(dir).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (platform, external_id, first_seen) "
                    + "VALUES ('discord', '77', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+00')");
            s.executeUpdate("INSERT INTO generations (user_id, platform, kind, prompt, negative_prompt, model_name, "
                    + "image_count, seed, status, queued_at) SELECT id, 'discord', 'txt2img', 'an old fox', '', "
                    + "'sd15', 1, 5, 'failed', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:06+00' FROM users");
        }

        try (Storage storage = Storage.open(dir)) {
            assertThat(storage.info().schemaVersion()).isEqualTo("13");
            User user = storage.users().find("discord", "77").orElseThrow();
            Generation old = storage.generations().history(user.id(), null, 10).get(0);
            assertThat(old.parameters().get("prompt")).isEqualTo("an old fox");
            assertThat(old.parameters().get("seed")).isEqualTo(5L);
            assertThat(old.status()).isEqualTo(GenerationStatus.FAILED);
            storage.settings().putUser(user.id(), GenerationParameters.of("sampler", "ddim"));
            assertThat(storage.settings().user(user.id()).get("sampler")).isEqualTo("ddim");
        }
    }

    @Test
    void everyParameterColumnOfVersionFourMovesIntoTheJsonUnderItsRequestName() throws SQLException {
        Flyway.configure().dataSource(H2Database.dataSource(dir)).locations("classpath:db/migration").target("4")
                .loggers("slf4j").load().migrate();
        try (Connection c = H2Database.dataSource(dir).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (platform, external_id, first_seen) "
                    + "VALUES ('telegram', '5', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+00')");
            s.executeUpdate("INSERT INTO generations (user_id, platform, kind, prompt, negative_prompt, model_name, "
                    + "sampler, steps, guidance, width, height, image_count, seed, subseed, subseed_strength, "
                    + "strength, upscale, hires_strength, status, queued_at) SELECT id, 'telegram', 'txt2img', "
                    + "'a fox', 'blurry', 'sd15', 'euler-a', 30, 7.5, 512, 768, 2, 4294967295, 7, 0.25, NULL, 2.0, "
                    + "0.35, 'queued', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:06+00' FROM users");
            s.executeUpdate("INSERT INTO user_settings (user_id, sampler, steps, negative_prompt, updated_at) "
                    + "SELECT id, 'ddim', 40, '', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:06+00' FROM users");
            s.executeUpdate("INSERT INTO channel_settings (platform, channel_id, width, height, updated_at) "
                    + "VALUES ('telegram', '-100', 640, 448, TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:06+00')");
        }
        try (Storage storage = Storage.open(dir)) {
            User user = storage.users().find("telegram", "5").orElseThrow();
            Generation old = storage.generations().history(user.id(), null, 10).get(0);
            assertThat(old.parameters()).isEqualTo(GenerationParameters.of("prompt", "a fox", "negativePrompt", "blurry",
                    "seed", 4294967295L, "sampler", "euler-a", "steps", 30, "guidance", 7.5, "width", 512,
                    "height", 768, "count", 2, "subseed", 7, "subseedStrength", 0.25, "upscale", 2.0,
                    "hiresStrength", 0.35, "promptSyntax", "plain"));
            assertThat(storage.settings().user(user.id())).isEqualTo(GenerationParameters.of("negativePrompt", "",
                    "sampler", "ddim", "steps", 40));
            assertThat(storage.settings().channel("telegram", "-100"))
                    .isEqualTo(GenerationParameters.of("width", 640, "height", 448));
        }
    }

    @Test
    void generationsStoredBeforeThePromptSyntaxReadTheirPromptsPlainlyAndNewOnesKeepTheirs() throws SQLException {
        Flyway.configure().dataSource(H2Database.dataSource(dir)).locations("classpath:db/migration").target("5")
                .loggers("slf4j").load().migrate();
        try (Connection c = H2Database.dataSource(dir).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO users (platform, external_id, first_seen) "
                    + "VALUES ('cli', 'local', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+00')");
            s.executeUpdate("INSERT INTO generations (user_id, platform, kind, model_name, status, queued_at, "
                    + "parameters) SELECT id, 'cli', 'txt2img', 'sd15', 'done', "
                    + "TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:06+00', '{\"prompt\":\"a (fox:1.2)\"}' FROM users");
        }
        try (Storage storage = Storage.open(dir)) {
            User user = storage.users().find("cli", "local").orElseThrow();
            Generation old = storage.generations().history(user.id(), null, 10).get(0);
            assertThat(old.parameters()).isEqualTo(GenerationParameters.of("prompt", "a (fox:1.2)",
                    "promptSyntax", "plain"));
            long id = storage.generations().record(TestData.txt2img(user.id(), "new"), null);
            assertThat(storage.generations().find(id).orElseThrow().parameters().get("promptSyntax")).isNull();
        }
    }

    @Test
    void reopeningAnUpToDateDatabaseAppliesNothingAndKeepsEverything() throws SQLException {
        long id;
        try (Storage storage = Storage.open(dir)) {
            long user = storage.users().ensure("cli", "local", null).id();
            id = storage.generations().record(TestData.txt2img(user, "kept"), null);
        }
        try (Storage storage = Storage.open(dir)) {
            assertThat(storage.generations().find(id).orElseThrow().parameters().get("prompt")).isEqualTo("kept");
            try (Connection c = H2Database.dataSource(dir).getConnection()) {
                assertThat(column(c, "SELECT \"version\" FROM \"flyway_schema_history\" "
                        + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\""))
                        .containsExactly("1", "2", "3", "4", "5", "6", "8", "9", "11", "13");
            }
        }
    }

    @Test
    void theDatabaseWritesEachCommitAtOnce() throws SQLException {
        try (Storage storage = Storage.open(dir);
                Connection c = H2Database.dataSource(dir).getConnection()) {
            assertThat(storage.counts().generations()).isZero();
            assertThat(column(c, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'WRITE_DELAY'")).isNotEmpty().containsOnly("0");
        }
    }

    @Test
    void aDamagedDatabaseFileIsReportedAsSuch() throws Exception {
        Files.write(dir.resolve(Storage.DATABASE_FILE), "this is not an H2 file".repeat(500).getBytes());
        assertThatThrownBy(() -> Storage.open(dir)).isInstanceOf(StorageException.class)
                .hasMessageContaining(Storage.DATABASE_FILE).hasMessageContaining("is damaged");
    }

    @Test
    void aFolderNameH2WouldReadAsASettingIsRefused() {
        assertThatThrownBy(() -> StorageOptions.of(dir.resolve("a;INIT=RUNSCRIPT FROM 'x'")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains ';'");
    }
}
