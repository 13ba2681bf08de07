package dev.imagine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * imagine's whole configuration, read from a YAML file once at start-up. Keys are kebab-case; each component's
 * Javadoc names its key, its default and what it allows, and {@code config/imagine.example.yaml} shows them all.
 * Tokens come from {@code IMAGINE_TELEGRAM_TOKEN}, {@code IMAGINE_DISCORD_TOKEN} and {@code HF_TOKEN}, the web
 * password from {@code IMAGINE_WEB_PASSWORD}, or from the file, the environment winning; {@link #toString()} never
 * shows them.
 *
 * @param engine the engine and its model (key {@code engine})
 * @param storage the data folder (key {@code storage})
 * @param models pulled models and the hub (key {@code models})
 * @param limits rate limits, queue sizes and the job time limit (key {@code limits})
 * @param telegram the Telegram adapter (key {@code telegram})
 * @param discord the Discord adapter (key {@code discord})
 * @param operations the health and metrics endpoint (key {@code operations})
 * @param web the web chat (key {@code web})
 * @param safety the safety checker and what happens to flagged pictures and blocked prompts (key {@code safety})
 * @param node this process's role and name in a cluster (key {@code node})
 * @param warnings things that work but deserve a log line, such as a token written in the file; not a key
 */
public record ImagineConfig(
        EngineSettings engine,
        StorageSettings storage,
        ModelSettings models,
        LimitSettings limits,
        TelegramSettings telegram,
        DiscordSettings discord,
        OperationsSettings operations,
        WebSettings web,
        SafetySettings safety,
        NodeSettings node,
        List<String> warnings) {

    /** The file looked for in the working directory when no path is given. */
    public static final String DEFAULT_FILE_NAME = "imagine.yaml";
    /** The largest file read; a configuration is a few kilobytes. */
    public static final long MAX_FILE_BYTES = 1L << 20;

    /** Requires every part. */
    public ImagineConfig {
        Rules.present("engine", engine);
        Rules.present("storage", storage);
        Rules.present("models", models);
        Rules.present("limits", limits);
        Rules.present("telegram", telegram);
        Rules.present("discord", discord);
        Rules.present("operations", operations);
        Rules.present("web", web);
        Rules.present("safety", safety);
        Rules.present("node", node);
        if (node.clustered() && storage.url().isEmpty()) {
            throw new IllegalArgumentException("node.role: " + clusterNeedsPostgres(node.role()));
        }
        warnings = List.copyOf(warnings);
    }

    private static String clusterNeedsPostgres(NodeSettings.Role role) {
        return "the " + role.key() + " role shares its queue through PostgreSQL, and the embedded H2 file serves one "
                + "process only; set storage.url to a PostgreSQL server (such as " + StorageSettings.URL_PREFIX
                + "db:5432/imagine), or run with role all";
    }

    /**
     * This configuration with {@code node.role} replaced (from {@code imagine run --role}).
     *
     * @throws ConfigException when the role needs PostgreSQL and {@code storage.url} is not set
     */
    public ImagineConfig withRole(NodeSettings.Role role) {
        Objects.requireNonNull(role, "role");
        if (role != NodeSettings.Role.ALL && storage.url().isEmpty()) {
            throw new ConfigException("--role " + role.key() + " needs PostgreSQL",
                    List.of(new ConfigProblem("--role", clusterNeedsPostgres(role))));
        }
        return new ImagineConfig(engine, storage, models, limits, telegram, discord, operations, web, safety,
                new NodeSettings(role, node.name()), warnings);
    }

    /**
     * Loads the file {@code imagine run} uses: {@code explicit} (from {@code --config}, relative to
     * {@code workingDir}) when given, else {@code imagine.yaml} in {@code workingDir}. Relative folders in the file
     * are resolved against {@code workingDir}.
     *
     * @param env the environment, normally {@code System.getenv()}; only the token variables are read
     * @throws ConfigException when the file is missing (naming both {@code --config} and the default path), cannot
     *     be read, or holds problems (all of them)
     */
    public static ImagineConfig load(Optional<Path> explicit, Path workingDir, Map<String, String> env) {
        Objects.requireNonNull(explicit, "explicit");
        Path base = workingDir.toAbsolutePath().normalize();
        if (explicit.isPresent()) {
            return read(base.resolve(explicit.get()).normalize(), base, env);
        }
        Path standard = base.resolve(DEFAULT_FILE_NAME);
        if (!Files.exists(standard)) {
            throw new ConfigException("no configuration file", List.of(new ConfigProblem("",
                    "--config FILE was not given and " + standard + " does not exist; copy "
                            + "config/imagine.example.yaml to " + standard + " and set engine.model, or pass "
                            + "--config FILE (imagine run also takes --model DIR to run on the defaults)")));
        }
        return read(standard, base, env);
    }

    /**
     * {@link #load(Optional, Path, Map)} for {@code imagine run --model}: {@code model}, when given, is the model and
     * overrides {@code engine.model}; then a missing {@code imagine.yaml} (with no {@code --config}) means "every
     * default", so {@code imagine run --model models/demo} works on a fresh machine.
     *
     * @throws ConfigException as {@link #load(Optional, Path, Map)}, with a bad {@code model} reported under
     *     {@code --model}
     */
    public static ImagineConfig load(Optional<Path> explicit, Optional<String> model, Path workingDir,
            Map<String, String> env) {
        Objects.requireNonNull(model, "model");
        Path base = workingDir.toAbsolutePath().normalize();
        Optional<Path> file = explicit.map(path -> base.resolve(path).normalize())
                .or(() -> Optional.of(base.resolve(DEFAULT_FILE_NAME)).filter(Files::exists));
        if (model.isEmpty()) {
            return load(explicit, workingDir, env);
        }
        if (file.isEmpty()) {
            return ConfigParser.parse(new byte[0], "the defaults (no " + DEFAULT_FILE_NAME + ")", base, env, model);
        }
        return ConfigParser.parse(readFile(file.get()), file.get().toString(), base, env, model);
    }

    /**
     * Reads one file.
     *
     * @throws ConfigException when the file is missing, is a folder, is larger than {@value #MAX_FILE_BYTES} bytes,
     *     cannot be read, or holds problems (all of them)
     */
    public static ImagineConfig read(Path file, Path workingDir, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        return ConfigParser.parse(readFile(file), file.toString(), workingDir, env);
    }

    private static byte[] readFile(Path file) {
        String headline = "cannot read the configuration file";
        byte[] yaml;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(headline, List.of(new ConfigProblem("", file + " is a folder, not a file")));
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(headline, List.of(new ConfigProblem("", file + " is larger than "
                        + ByteSizes.format(MAX_FILE_BYTES) + "; a configuration file is a few kilobytes")));
            }
            yaml = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(headline, List.of(new ConfigProblem("", file + " does not exist")));
        } catch (IOException e) {
            throw new ConfigException(headline, List.of(new ConfigProblem("", file + " cannot be read: " + e)));
        }
        return yaml;
    }

    /**
     * Parses a document held in memory (tests, or a file read elsewhere).
     *
     * @param source what the document is, for messages, such as its path
     * @throws ConfigException with every problem found
     */
    public static ImagineConfig parse(String yaml, String source, Path workingDir, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        return ConfigParser.parse(yaml.getBytes(StandardCharsets.UTF_8), source, workingDir, env);
    }

    /**
     * The platforms to start, in the order Telegram, Discord (each when it has a token), web (unless
     * {@code web.enabled} is false); empty when none is.
     */
    public List<Platform> configuredAdapters() {
        List<Platform> configured = new ArrayList<>();
        if (telegram.configured()) {
            configured.add(Platform.TELEGRAM);
        }
        if (discord.configured()) {
            configured.add(Platform.DISCORD);
        }
        if (web.enabled()) {
            configured.add(Platform.WEB);
        }
        return List.copyOf(configured);
    }

    /**
     * The configured platforms, for {@code imagine run}; a worker needs none (it runs none).
     *
     * @throws ConfigException {@code no adapter configured: set telegram.token (or IMAGINE_TELEGRAM_TOKEN) or
     *     discord.token (or IMAGINE_DISCORD_TOKEN), or set web.enabled to true} when there are none
     */
    public List<Platform> requireAdapters() {
        List<Platform> configured = configuredAdapters();
        if (configured.isEmpty() && node.role() != NodeSettings.Role.WORKER) {
            throw new ConfigException("no adapter configured", List.of(new ConfigProblem("",
                    "set telegram.token (or " + Platform.TELEGRAM.tokenVariable() + ") or discord.token (or "
                            + Platform.DISCORD.tokenVariable() + "), or set web.enabled to true")));
        }
        return configured;
    }
}
