package dev.imagine.bot.malformed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cli.ImagineCommand;
import dev.imagine.bot.command.Caller;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.command.InitImage;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.DispatchLimits;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.service.StorageJournal;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.DemoModel;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ImageEngine;
import dev.imagine.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-input suite (issue 12): bad command lines, broken model folders, bad images and bad chat messages.
 * Each case asserts the exit code or the refusal, the key words of the sentence the user reads, that no raw
 * exception class name reaches the user, and that the history recorded before is intact afterwards. One tiny model
 * serves every case; the whole class runs in seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
    /** A raw Java exception or error class name, e.g. {@code NoSuchFileException} or {@code java.lang.Foo}. */
    static final Pattern RAW_EXCEPTION = Pattern.compile("\\b[A-Z]\\w*(?:Exception|Error)\\b|\\bjava\\.[a-z]+\\.");

    private static final Caller ALICE = new Caller(new Requester("test", "1", "Alice"),
            new ChatTarget("test", null, "group", null), false);
    private static final Caller BOB = new Caller(new Requester("test", "2", "Bob"),
            new ChatTarget("test", null, "group", null), false);
    private static final CommandLimits CHAT_LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024,
            4096L * 4096L);

    @TempDir
    static Path root;
    private Path model;
    private Path data;
    private Path files;
    private String cliHistory;

    private ImageEngine engine;
    private Storage chatStorage;
    private CommandCore core;
    private String chatHistory;

    /** One command line, what it must exit with, and the words its error output must contain. */
    record CliCase(List<String> args, int exit, List<String> words) {
    }

    /** One chat message (with an optional picture file) and the words of the refusal. */
    record ChatCase(String text, String picture, List<String> words) {
    }

    @BeforeAll
    void prepare() throws IOException {
        model = root.resolve("tiny");
        DemoModel.writeTiny(model);
        data = root.resolve("data");
        files = Files.createDirectories(root.resolve("files"));
        MalformedFiles.write(files, model);
        Output first = cli("generate", "--data", data.toString(), "--model", model.toString(), "--prompt",
                "the first fox", "--seed", "3", "--steps", "1", "--width", "64", "--height", "64",
                "--out", root.resolve("first.png").toString(), "--no-progress");
        assertThat(first.status).as(first.err).isZero();
        cliHistory = history();
        assertThat(cliHistory).contains("the first fox");

        engine = ImageEngine.open(model, EngineOptions.defaults());
        chatStorage = Storage.open(root.resolve("chat"));
        Dispatcher dispatcher = new Dispatcher(engine, new StorageJournal(chatStorage, engine.model()),
                new DispatchLimits(new RateLimit(1000, 1000, Duration.ofHours(1)), Map.of(), Map.of(), Set.of(),
                        1000, 1000, Duration.ofMinutes(10)), Messages.JOB_NOTICES, new FakeClock(),
                new SimpleMeterRegistry());
        core = new CommandCore(dispatcher, chatStorage, CHAT_LIMITS);
        assertThat(core.handleText(ALICE, "a first owl --steps 1 --size 64x64")).isInstanceOf(Reply.Queued.class);
        assertThat(dispatcher.runNext()).isTrue();
        chatHistory = core.handleText(ALICE, "/history").text();
        assertThat(chatHistory).contains("a first owl");
    }

    @AfterAll
    void close() {
        chatStorage.close();
        engine.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cliCases")
    void theCommandLineRefusesWithASentence(CliCase c) {
        String[] args = c.args().stream().map(this::place).toArray(String[]::new);

        Output output = cli(args);

        String shown = output.out + output.err;
        assertThat(output.status).as(shown).isEqualTo(c.exit());
        for (String word : c.words()) {
            assertThat(output.err).as("error output").contains(place(word));
        }
        assertThat(shown).as("no raw exception class").doesNotContainPattern(RAW_EXCEPTION);
        assertThat(history()).as("history afterwards").isEqualTo(cliHistory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chatCases")
    void theChatRefusesWithASentence(ChatCase c) throws IOException {
        InitImage picture = c.picture() == null ? null : InitImage.of(Files.readAllBytes(files.resolve(c.picture())));

        Reply reply = picture == null ? core.handleText(ALICE, c.text()) : core.handleText(ALICE, c.text(), picture);

        assertThat(reply).as(reply.text()).isInstanceOf(Reply.Refused.class);
        for (String word : c.words()) {
            assertThat(reply.text()).contains(word);
        }
        assertThat(reply.text()).doesNotContainPattern(RAW_EXCEPTION);
        assertThat(core.handleText(ALICE, "/history").text()).as("history afterwards").isEqualTo(chatHistory);
    }

    /** Pictures of unusual kinds that must be accepted and queued, not refused. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedPictures")
    void unusualButValidPicturesAreQueued(String name) throws IOException {
        Reply reply = core.handleText(BOB, "a fox --strength 0.5",
                InitImage.of(Files.readAllBytes(files.resolve(name))));

        assertThat(reply).as(reply.text()).isInstanceOf(Reply.Queued.class);
        assertThat(reply.text()).doesNotContainPattern(RAW_EXCEPTION);
        assertThat(core.handleText(ALICE, "/history").text()).as("Alice's history").isEqualTo(chatHistory);
    }

    Stream<Arguments> cliCases() {
        return MalformedCases.cli().map(c -> Arguments.of(Named.of(String.join(" ", c.args()).replace("{model}", "M")
                .replace("{data}", "D").replace("{files}/", ""), c)));
    }

    Stream<Arguments> chatCases() {
        return MalformedCases.chat().map(c -> Arguments.of(Named.of(abbreviate(c.text())
                + (c.picture() == null ? "" : " + " + c.picture()), c)));
    }

    Stream<String> acceptedPictures() {
        return MalformedFiles.ACCEPTED.stream();
    }

    private static String abbreviate(String text) {
        String shown = text.codePoints().mapToObj(cp -> cp < 0x20 || cp == 0x7f || (cp >= 0x202a && cp <= 0x202e)
                ? String.format("\\u%04x", cp) : Character.toString(cp)).reduce("", String::concat);
        return shown.length() > 60 ? shown.substring(0, 57) + "..." : shown;
    }

    private String place(String arg) {
        return arg.replace("{model}", model.toString()).replace("{data}", data.toString())
                .replace("{files}", files.toString());
    }

    private String history() {
        Output output = cli("history", "--data", data.toString(), "--limit", "50");
        assertThat(output.status).as(output.err).isZero();
        return output.out;
    }

    private record Output(int status, String out, String err) {
    }

    private static Output cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Output(status, out.toString(), err.toString());
    }

    /** Shorthand for the case tables. */
    static List<String> words(String... words) {
        return Arrays.asList(words);
    }
}
