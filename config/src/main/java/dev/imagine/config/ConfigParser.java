package dev.imagine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads one YAML document into an {@link ImagineConfig}. Every key is read and checked once; the records are built
 * only when no problem was found.
 */
final class ConfigParser {

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private static final String TOKEN_ALLOWED = "use the token alone, without spaces or control characters";
    private static final String PORT_ALLOWED = "use a whole number from 1 to 65535, or 0 for any free port";
    private static final String THREADS_ALLOWED =
            "use a whole number from 0 (ONNX Runtime chooses) to " + EngineSettings.MAX_THREADS;

    private final Problems problems = new Problems();
    private final List<String> warnings = new ArrayList<>();
    private final String source;
    private final Path workingDir;
    private final Map<String, String> env;
    private final Optional<String> model;
    private boolean passwordRefused;

    private ConfigParser(String source, Path workingDir, Map<String, String> env, Optional<String> model) {
        this.source = source;
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.env = env;
        this.model = model;
    }

    /**
     * Parses and checks a document.
     *
     * @param source what the document is, for messages: a path, or a description such as {@code <test>}
     * @throws ConfigException with every problem found
     */
    static ImagineConfig parse(byte[] yaml, String source, Path workingDir, Map<String, String> env) {
        return parse(yaml, source, workingDir, env, Optional.empty());
    }

    /** {@link #parse(byte[], String, Path, Map)} with {@code engine.model} given from outside the file. */
    static ImagineConfig parse(byte[] yaml, String source, Path workingDir, Map<String, String> env,
            Optional<String> model) {
        return new ConfigParser(source, workingDir, env, model).parse(yaml);
    }

    private ImagineConfig parse(byte[] yaml) {
        Section top = Section.root(readTree(yaml), problems);
        Supplier<EngineSettings> engine = engine(top.section("engine"));
        Supplier<StorageSettings> storage = storage(top.section("storage"));
        Supplier<ModelSettings> models = models(top.section("models"));
        Supplier<LimitSettings> limits = limits(top.section("limits"));
        Supplier<TelegramSettings> telegram = telegram(top.section("telegram"));
        Supplier<DiscordSettings> discord = discord(top.section("discord"));
        Supplier<OperationsSettings> operations = operations(top.section("operations"));
        Supplier<WebSettings> web = web(top.section("web"));
        Supplier<SafetySettings> safety = safety(top.section("safety"));
        Supplier<NodeSettings> node = node(top.section("node"));
        List<ConfigProblem> found = problems.finish();
        if (found.isEmpty()) {
            try {
                return new ImagineConfig(engine.get(), storage.get(), models.get(), limits.get(), telegram.get(),
                        discord.get(), operations.get(), web.get(), safety.get(), node.get(), warnings);
            } catch (IllegalArgumentException e) {
                found = List.of(Problems.refusal(e));
            }
        }
        throw new ConfigException("invalid configuration in " + source, found);
    }

    private JsonNode readTree(byte[] yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            // Jackson's own message may quote the offending line, which could hold a token: describe it ourselves.
            JsonLocation where = e.getLocation();
            String at = where == null || where.getLineNr() < 1 ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new ConfigException("invalid configuration in " + source,
                    List.of(new ConfigProblem("", "not valid YAML" + at + ": " + yamlReason(e))));
        } catch (IOException e) {
            throw new ConfigException("invalid configuration in " + source,
                    List.of(new ConfigProblem("", "cannot be read: " + e.getMessage())));
        }
    }

    private static String yamlReason(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Duplicate field")) {
            return message.replace("Duplicate field", "the key") + " appears twice in one mapping";
        }
        Throwable cause = e.getCause();
        if (cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml && yaml.getProblem() != null) {
            return yaml.getProblem();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private Supplier<EngineSettings> engine(Section s) {
        String model;
        if (this.model.isPresent()) {
            s.text("model"); // known, and overridden
            model = checkModelOption(this.model.get());
        } else {
            model = s.required("model", EngineSettings::checkModel, EngineSettings.MODEL_ALLOWED);
        }
        String device = s.parsed("device", "auto", Rules::device, Rules.DEVICES);
        int threads = s.integer("threads", 0, 0, EngineSettings.MAX_THREADS, THREADS_ALLOWED);
        int maxSide = (int) s.whole("max-side", EngineSettings.DEFAULT_MAX_SIDE,
                v -> v >= EngineSettings.MIN_SIDE && v <= EngineSettings.MAX_SIDE && v % 8 == 0,
                EngineSettings.MAX_SIDE_ALLOWED);
        String syntax = s.parsed("prompt-syntax", EngineSettings.PROMPT_SYNTAXES.get(0), text -> {
            String name = text.strip().toLowerCase(java.util.Locale.ROOT);
            if (!EngineSettings.PROMPT_SYNTAXES.contains(name)) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text),
                        EngineSettings.PROMPT_SYNTAX_ALLOWED));
            }
            return name;
        }, EngineSettings.PROMPT_SYNTAX_ALLOWED);
        int chunks = s.integer("max-prompt-chunks", EngineSettings.DEFAULT_PROMPT_CHUNKS, 1,
                EngineSettings.MAX_PROMPT_CHUNKS, Rules.wholeNumber(1, EngineSettings.MAX_PROMPT_CHUNKS));
        Section input = s.section("input-image");
        long maxSize = input.size("max-size", InputImageSettings.DEFAULT_MAX_SIZE,
                v -> v >= InputImageSettings.MIN_SIZE && v <= InputImageSettings.MAX_SIZE,
                InputImageSettings.MAX_SIZE_ALLOWED);
        long maxPixels = input.whole("max-pixels", InputImageSettings.DEFAULT_MAX_PIXELS,
                v -> v >= InputImageSettings.MIN_PIXELS && v <= InputImageSettings.MAX_PIXELS,
                Rules.wholeNumber(InputImageSettings.MIN_PIXELS, InputImageSettings.MAX_PIXELS));
        Section cuda = s.section("cuda");
        long memoryLimit = cuda.size("memory-limit", 0,
                v -> v == 0 || (v >= CudaSettings.MIN_MEMORY_LIMIT && v <= CudaSettings.MAX_MEMORY_LIMIT),
                CudaSettings.MEMORY_LIMIT_ALLOWED);
        CudaSettings.ConvAlgoSearch search =
                cuda.choice("conv-algo-search", CudaSettings.ConvAlgoSearch.class, CudaSettings.ConvAlgoSearch.DEFAULT);
        CudaSettings.ArenaStrategy arena = cuda.choice("arena-strategy", CudaSettings.ArenaStrategy.class,
                CudaSettings.ArenaStrategy.SAME_AS_REQUESTED);
        return () -> new EngineSettings(model, device, threads, maxSide, new InputImageSettings(maxSize, maxPixels),
                new CudaSettings(memoryLimit, search, arena), syntax, chunks);
    }

    private Supplier<StorageSettings> storage(Section s) {
        Path dir = s.folder("dir", StorageSettings.DEFAULT_DIR, workingDir);
        Optional<String> url = Optional.ofNullable(s.text("url")).map(String::strip).filter(v -> !v.isEmpty());
        if (url.isPresent() && !url.get().startsWith(StorageSettings.URL_PREFIX)) {
            String shown = url.get().contains("?") ? url.get().substring(0, url.get().indexOf('?')) + "?..." : url.get();
            s.problem("url", Rules.notAllowed(Rules.show(shown), "use a PostgreSQL server, such as "
                    + StorageSettings.URL_PREFIX + "db:5432/imagine, or leave it out for the embedded H2 file"));
            url = Optional.empty();
        }
        if (url.isPresent() && url.get().matches("(?i).*[?&]password=.*")) {
            s.problem("url", Rules.notAllowed("a URL with a password (hidden)", "keep the password out of "
                    + "the file and set " + StorageSettings.PASSWORD_VARIABLE));
            url = Optional.empty();
        }
        Optional<String> user = Optional.ofNullable(s.text("user")).map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> finalUrl = url;
        return () -> new StorageSettings(dir, finalUrl, user);
    }

    private Supplier<ModelSettings> models(Section s) {
        Path dir = s.folder("dir", ModelSettings.DEFAULT_DIR, workingDir);
        Section hub = s.section("hub");
        URI endpoint = url(hub, "endpoint", ModelHubSettings.DEFAULT_ENDPOINT);
        Optional<Secret> token = token(hub, "token", ModelHubSettings.TOKEN_VARIABLE);
        return () -> new ModelSettings(dir, new ModelHubSettings(endpoint, token));
    }

    private Supplier<LimitSettings> limits(Section s) {
        RateLimit rate = rate(s.section("rate"), RateLimit.DEFAULT);
        int maxJobs = s.integer("max-jobs-per-user", LimitSettings.DEFAULT_MAX_JOBS_PER_USER, 1,
                LimitSettings.MAX_JOBS_PER_USER);
        int capacity = s.integer("queue-capacity", LimitSettings.DEFAULT_QUEUE_CAPACITY, 1,
                LimitSettings.MAX_QUEUE_CAPACITY);
        if (maxJobs > capacity) {
            s.problem("max-jobs-per-user", Rules.notAllowed(Integer.toString(maxJobs),
                    "use at most limits.queue-capacity (" + capacity + ")"));
        }
        Duration timeLimit = s.duration("job-time-limit", LimitSettings.DEFAULT_JOB_TIME_LIMIT,
                LimitSettings.MIN_JOB_TIME_LIMIT, LimitSettings.MAX_JOB_TIME_LIMIT);
        int maxFrames = s.integer("max-frames", LimitSettings.DEFAULT_MAX_FRAMES, 2, LimitSettings.MAX_MAX_FRAMES);
        Set<PlatformUser> admins = new LinkedHashSet<>();
        for (Section.Item item : s.list("admins", "use a list of users: " + PlatformUser.FORM)) {
            try {
                admins.add(PlatformUser.parse(item.node().isValueNode() ? item.node().asText() : null));
            } catch (IllegalArgumentException e) {
                problems.add(item.path(), Rules.notAllowed(Section.show(item.node()), "use " + PlatformUser.FORM));
            }
        }
        // Per-user and per-role limits take the keys they leave out from limits.rate.
        Map<PlatformUser, RateLimit> users = new LinkedHashMap<>();
        s.entries("users", PlatformUser::parse).forEach((user, entry) -> users.put(user, rate(entry, rate)));
        Map<Long, RateLimit> roles = new LinkedHashMap<>();
        s.entries("roles", ConfigParser::discordRoleId).forEach((role, entry) -> roles.put(role, rate(entry, rate)));
        Duration lease = s.duration("lease-timeout", LimitSettings.DEFAULT_LEASE_TIMEOUT,
                LimitSettings.MIN_LEASE_TIMEOUT, LimitSettings.MAX_LEASE_TIMEOUT);
        int attempts = s.integer("max-attempts", LimitSettings.DEFAULT_MAX_ATTEMPTS, 1, LimitSettings.MAX_ATTEMPTS);
        return () -> new LimitSettings(rate, maxJobs, capacity, timeLimit, maxFrames, List.copyOf(admins), users, roles,
                lease, attempts);
    }

    /** Values out of range are reported and replaced by {@code base}'s, so the result is always valid. */
    private RateLimit rate(Section s, RateLimit base) {
        int burst = s.integer("burst", base.burst(), RateLimit.MIN_BURST, RateLimit.MAX_BURST);
        int refill = s.integer("refill", base.refill(), RateLimit.MIN_REFILL, RateLimit.MAX_REFILL);
        Duration period = s.duration("refill-period", base.refillPeriod(), RateLimit.MIN_REFILL_PERIOD,
                RateLimit.MAX_REFILL_PERIOD);
        return new RateLimit(burst, refill, period);
    }

    private static long discordRoleId(String text) {
        String value = text.strip();
        if (value.matches("[0-9]{1,19}")) {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        }
        throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text),
                "use a Discord role id, such as 123456789012345678 (roles exist only on Discord)"));
    }

    private Supplier<TelegramSettings> telegram(Section s) {
        Optional<Secret> token = token(s, "token", Platform.TELEGRAM.tokenVariable());
        URI apiUrl = url(s, "api-url", TelegramSettings.DEFAULT_API_URL);
        return () -> new TelegramSettings(token, apiUrl);
    }

    private Supplier<DiscordSettings> discord(Section s) {
        Optional<Secret> token = token(s, "token", Platform.DISCORD.tokenVariable());
        URI apiUrl = url(s, "api-url", DiscordSettings.DEFAULT_API_URL);
        String idAllowed = "use a Discord server id, such as 123456789012345678";
        Set<Long> guildIds = new LinkedHashSet<>();
        for (Section.Item item : s.list("guild-ids", "use a list of Discord server ids")) {
            Long id = s.whole(item, v -> v > 0, idAllowed);
            if (id != null) {
                guildIds.add(id);
            }
        }
        return () -> new DiscordSettings(token, apiUrl, List.copyOf(guildIds));
    }

    private Supplier<OperationsSettings> operations(Section s) {
        boolean enabled = s.bool("enabled", true);
        String bind = s.parsed("bind-address", OperationsSettings.DEFAULT_BIND_ADDRESS, Rules::bindAddress,
                Rules.BIND_ADDRESSES);
        int port = s.integer("port", OperationsSettings.DEFAULT_PORT, 0, 65535, PORT_ALLOWED);
        if (enabled && !Rules.isLoopback(bind)) {
            warnings.add(s.keyPath("bind-address") + " is " + bind + ", so other machines can reach /metrics and "
                    + "/healthz, which have no authentication; use 127.0.0.1 unless a firewall or proxy guards the port");
        }
        return () -> new OperationsSettings(enabled, bind, port);
    }

    private Supplier<NodeSettings> node(Section s) {
        NodeSettings.Role role = s.parsed("role", NodeSettings.Role.ALL, NodeSettings.Role::parse, NodeSettings.ROLES);
        String name = s.parsed("name", null, NodeSettings::checkName, NodeSettings.NAME_ALLOWED);
        return () -> new NodeSettings(role, name == null ? NodeSettings.defaultName() : name);
    }

    private String checkModelOption(String given) {
        try {
            return EngineSettings.checkModel(given);
        } catch (IllegalArgumentException e) {
            problems.add("--model", e.getMessage());
            return null;
        }
    }

    private Supplier<WebSettings> web(Section s) {
        boolean enabled = s.bool("enabled", true);
        String bind = s.parsed("bind-address", WebSettings.DEFAULT_BIND_ADDRESS, Rules::bindAddress,
                Rules.BIND_ADDRESSES);
        int port = s.integer("port", WebSettings.DEFAULT_PORT, 0, 65535, PORT_ALLOWED);
        Optional<Secret> password = password(s);
        List<String> managers = new ArrayList<>();
        for (Section.Item item : s.list("managers", "use a list of sign-in names")) {
            Optional<String> name = item.node().isValueNode() ? WebSettings.normalizeName(item.node().asText())
                    : Optional.empty();
            if (name.isPresent()) {
                managers.add(name.get());
            } else {
                problems.add(item.path(), Rules.notAllowed(Section.show(item.node()), WebSettings.NAME_ALLOWED));
            }
        }
        if (enabled && password.isEmpty() && !Rules.isLoopback(bind) && !passwordRefused) {
            s.problem("password", WebSettings.openWithoutPassword(bind));
        }
        return () -> new WebSettings(enabled, bind, port, password, List.copyOf(managers));
    }

    /**
     * The web password from {@code IMAGINE_WEB_PASSWORD}, else from the file (with a warning). Spaces inside are
     * allowed; the value is never shown in a message.
     */
    private Optional<Secret> password(Section s) {
        String variable = WebSettings.PASSWORD_VARIABLE;
        String allowed = "use " + WebSettings.MIN_PASSWORD_CHARS + " to " + WebSettings.MAX_PASSWORD_CHARS
                + " characters without control characters, or better, set " + variable;
        String fromFile = s.text("password");
        String fromEnv = env.get(variable);
        if (fromFile != null) {
            warnings.add(s.keyPath("password") + " is set in " + source + (fromEnv != null ? " but " + variable
                    + " overrides it" : "") + "; keep passwords out of files that may be committed or shared, and set "
                    + variable + " instead");
        }
        String key = fromEnv != null ? variable : s.keyPath("password");
        String value = fromEnv != null ? fromEnv : fromFile;
        if (value == null || value.strip().isEmpty()) {
            return Optional.empty();
        }
        value = value.strip();
        if (value.length() < WebSettings.MIN_PASSWORD_CHARS || value.length() > WebSettings.MAX_PASSWORD_CHARS
                || value.chars().anyMatch(Character::isISOControl)) {
            problems.add(key, Rules.notAllowed("the value (hidden, " + value.length() + " characters)", allowed));
            passwordRefused = true;
            return Optional.empty();
        }
        return Optional.of(Secret.of(value));
    }

    private Supplier<SafetySettings> safety(Section s) {
        String checkerAllowed = "use auto (the model folder's safety_checker/ when it has one), off, or a folder "
                + "holding safety_checker/model.onnx or model.onnx";
        CheckerChoice choice = s.parsed("checker", new CheckerChoice(SafetySettings.Checker.AUTO, null), text -> {
            String value = text.strip();
            if (value.equalsIgnoreCase("auto")) {
                return new CheckerChoice(SafetySettings.Checker.AUTO, null);
            }
            if (value.equalsIgnoreCase("off") || value.equals("false")) {
                // YAML 1.1 reads a bare off as false.
                return new CheckerChoice(SafetySettings.Checker.OFF, null);
            }
            if (value.isEmpty() || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), checkerAllowed));
            }
            Path path;
            try {
                path = workingDir.resolve(value).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), checkerAllowed), e);
            }
            if (!Files.isDirectory(path)) {
                throw new IllegalArgumentException(Rules.notAllowed(Rules.show(text), "the folder " + path
                        + " does not exist; " + checkerAllowed));
            }
            return new CheckerChoice(SafetySettings.Checker.FOLDER, path);
        }, checkerAllowed);
        SafetySettings.NsfwAction nsfw = s.choice("nsfw", SafetySettings.NsfwAction.class,
                SafetySettings.NsfwAction.SPOILER);
        String wordAllowed = "use a word or phrase of 1 to " + SafetySettings.MAX_WORD_CHARS
                + " characters without control characters";
        Set<String> seen = new HashSet<>();
        List<String> words = new ArrayList<>();
        List<Section.Item> items = s.list("blocked-words", "use a list of words or phrases");
        for (Section.Item item : items) {
            String text = item.node().isValueNode() && !item.node().isNull() ? item.node().asText().strip() : null;
            if (text == null || text.isEmpty() || text.length() > SafetySettings.MAX_WORD_CHARS
                    || text.chars().anyMatch(Character::isISOControl)) {
                problems.add(item.path(), Rules.notAllowed(Section.show(item.node()), wordAllowed));
            } else if (seen.add(text.toLowerCase(Locale.ROOT))) {
                words.add(text);
            }
        }
        if (words.size() > SafetySettings.MAX_BLOCKED_WORDS) {
            s.problem("blocked-words", Rules.notAllowed(words.size() + " entries", "use at most "
                    + SafetySettings.MAX_BLOCKED_WORDS));
        }
        boolean allowInNsfw = s.bool("allow-in-nsfw-channels", true);
        String checker = choice.folder() != null ? choice.folder().toString()
                : choice.checker().name().toLowerCase(Locale.ROOT);
        return () -> new SafetySettings(checker, nsfw, words, allowInNsfw);
    }

    /** {@code safety.checker} as read: the mode, and the folder with {@code FOLDER}. */
    private record CheckerChoice(SafetySettings.Checker checker, Path folder) {
    }

    private URI url(Section s, String key, String fallback) {
        URI url = s.parsed(key, URI.create(fallback), text -> Rules.httpUrl(text, fallback),
                "use an http or https URL such as " + fallback);
        if ("http".equalsIgnoreCase(url.getScheme()) && !Rules.isLoopback(url.getHost())) {
            warnings.add(s.keyPath(key) + " is " + url + ": plain http to another machine sends tokens and images "
                    + "unencrypted; use https");
        }
        return url;
    }

    /**
     * A token from the environment variable, else from the file. A token in the file is allowed but draws a
     * warning, since files get committed and shared.
     */
    private Optional<Secret> token(Section s, String key, String variable) {
        Optional<String> fromFile = s.secret(key, TOKEN_ALLOWED + ", or better, in " + variable);
        Optional<String> fromEnv = Optional.ofNullable(env.get(variable)).map(String::strip).filter(v -> !v.isEmpty());
        if (fromEnv.isPresent() && !Section.isTokenLike(fromEnv.get())) {
            problems.add(variable, Rules.notAllowed("the value (hidden)", TOKEN_ALLOWED));
            fromEnv = Optional.empty();
        }
        if (fromFile.isPresent()) {
            warnings.add(s.keyPath(key) + " is set in " + source + (fromEnv.isPresent()
                    ? " but " + variable + " overrides it" : "") + "; keep tokens out of files that may be committed "
                    + "or shared, and set " + variable + " instead");
        }
        return fromEnv.or(() -> fromFile).map(Secret::of);
    }
}
