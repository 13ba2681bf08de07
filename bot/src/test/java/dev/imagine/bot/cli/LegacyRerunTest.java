package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.DemoModel;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation stored before parameters became one JSON document (schema version 4, one column per parameter)
 * reruns, after the migrations, to the same PNG bytes as the same generation made today; its prompt is read as
 * prompts were then (plain syntax), also when it holds A1111's brackets.
 */
class LegacyRerunTest {
    private static final Pattern GENERATION = Pattern.compile("generation (\\d+)");

    @TempDir
    Path dir;

    private StringWriter err = new StringWriter();

    private int run(String... args) {
        err = new StringWriter();
        return ImagineCommand.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void aVersionFourRowRerunsToTheBytesOfTheSameGenerationMadeNow() throws IOException, SQLException {
        assertThat(rerunOfOldRow("a red fox")).isEqualTo(Files.readAllBytes(dir.resolve("today.png")));
    }

    @Test
    void anOldRowWithBracketsRerunsAsThePlainSyntaxReadItThen() throws IOException, SQLException {
        byte[] rerun = rerunOfOldRow("a (red:1.5) fox BREAK [at night]", "--prompt-syntax", "plain");
        assertThat(rerun).isEqualTo(Files.readAllBytes(dir.resolve("today.png")));
        Path a1111 = dir.resolve("a1111.png");
        assertThat(run("generate", "--data", dir.resolve("a1111").toString(), "--model", dir.resolve("tiny").toString(),
                "--prompt", "a (red:1.5) fox BREAK [at night]", "--negative", "fog", "--steps", "3", "--sampler",
                "euler-a", "-W", "64", "-H", "96", "--seed", "11", "--subseed", "5", "--subseed-strength", "0.3",
                "--upscale", "1.5", "--out", a1111.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("prompt: 2 chunks, ");
        assertThat(Files.readAllBytes(a1111)).isNotEqualTo(rerun);
    }

    /**
     * Generates {@code prompt} today into {@code today.png}, stores the same generation as a schema version 4 row (one
     * column per parameter, no prompt syntax), migrates, reruns it and returns the rerun's bytes.
     */
    private byte[] rerunOfOldRow(String prompt, String... extra) throws IOException, SQLException {
        Path model = dir.resolve("tiny");
        DemoModel.writeTiny(model);
        Path today = dir.resolve("today.png");
        List<String> args = new ArrayList<>(List.of("generate", "--data", dir.resolve("now").toString(), "--model",
                model.toString(), "--prompt", prompt, "--negative", "fog", "--steps", "3", "--sampler", "euler-a",
                "-W", "64", "-H", "96", "--seed", "11", "--subseed", "5", "--subseed-strength", "0.3", "--upscale",
                "1.5", "--out", today.toString()));
        args.addAll(List.of(extra));
        assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
        GenerationParameters resolved;
        try (Storage storage = Storage.open(dir.resolve("now"))) {
            Matcher m = GENERATION.matcher(err.toString());
            assertThat(m.find()).isTrue();
            Generation g = storage.generations().find(Long.parseLong(m.group(1))).orElseThrow();
            resolved = g.parameters();
        }

        Path old = dir.resolve("old");
        Files.createDirectories(old);
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + old.toAbsolutePath().resolve("imagine") + ";WRITE_DELAY=0");
        source.setUser("imagine");
        source.setPassword("");
        Flyway.configure().dataSource(source).locations("classpath:db/migration").target("4").loggers("slf4j")
                .load().migrate();
        try (Connection c = source.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO users (platform, external_id, first_seen) "
                        + "VALUES ('cli', 'local', TIMESTAMP WITH TIME ZONE '2025-01-02 03:04:05+00')");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO generations (user_id, platform, kind, "
                    + "prompt, negative_prompt, model_name, model_path, sampler, steps, guidance, width, height, "
                    + "image_count, seed, subseed, subseed_strength, upscale, hires_strength, status, queued_at) "
                    + "SELECT id, 'cli', 'txt2img', ?, ?, 'tiny', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done', "
                    + "TIMESTAMP WITH TIME ZONE '2025-01-02 03:04:06+00' FROM users")) {
                int i = 1;
                insert.setObject(i++, resolved.get("prompt"));
                insert.setObject(i++, resolved.get("negativePrompt"));
                insert.setString(i++, model.toAbsolutePath().toString());
                for (String name : new String[] {"sampler", "steps", "guidance", "width", "height", "count", "seed",
                        "subseed", "subseedStrength", "upscale", "hiresStrength"}) {
                    assertThat(resolved.get(name)).as(name).isNotNull();
                    insert.setObject(i++, resolved.get(name));
                }
                insert.executeUpdate();
            }
        }

        Path again = dir.resolve("again.png");
        assertThat(run("rerun", "1", "--data", old.toString(), "--out", again.toString())).as(err.toString())
                .isZero();
        return Files.readAllBytes(again);
    }
}
