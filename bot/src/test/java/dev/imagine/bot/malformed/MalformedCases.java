package dev.imagine.bot.malformed;

import static dev.imagine.bot.malformed.MalformedInputTest.words;

import dev.imagine.bot.malformed.MalformedInputTest.ChatCase;
import dev.imagine.bot.malformed.MalformedInputTest.CliCase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The case tables of {@link MalformedInputTest}: placeholders {model}, {data} and {files} are filled in there. */
final class MalformedCases {

    private MalformedCases() {
    }

    /** A numeric chat and CLI flag, a value just outside its range, and the sentence's key words. */
    private record Bound(String flag, String value, String words, String extra) {
    }

    // Every numeric bound of every generation flag, both sides, shared by the CLI and the chat.
    private static final List<Bound> BOUNDS = List.of(
            new Bound("steps", "0", "steps must be between 1 and 150", ""),
            new Bound("steps", "151", "steps must be between 1 and 150", ""),
            new Bound("guidance", "-0.5", "guidance must be between 0 and 30", ""),
            new Bound("guidance", "30.5", "guidance must be between 0 and 30", ""),
            new Bound("count", "0", "count", ""),
            new Bound("count", "9", "count", ""),
            new Bound("seed", "-1", "seed", ""),
            new Bound("seed", "4294967296", "seed", ""),
            new Bound("subseed", "-1", "subseed", ""),
            new Bound("subseed", "4294967296", "subseed", ""),
            new Bound("subseed-strength", "-0.1", "subseed", "--subseed 5"),
            new Bound("subseed-strength", "1.5", "subseed", "--subseed 5"),
            new Bound("upscale", "1.4", "upscale must be between 1.5 and 4", ""),
            new Bound("upscale", "4.5", "upscale must be between 1.5 and 4", ""),
            new Bound("hires-strength", "-0.1", "hires strength", "--upscale 2"),
            new Bound("hires-strength", "1.1", "hires strength", "--upscale 2"),
            new Bound("steps", "many", "steps", ""),
            new Bound("guidance", "NaN", "guidance", ""),
            new Bound("seed", "1e99", "seed", ""),
            new Bound("sampler", "heun", "unknown sampler 'heun'", ""),
            new Bound("prompt-syntax", "fancy", "fancy", ""));

    static Stream<CliCase> cli() {
        List<CliCase> cases = new ArrayList<>();
        for (Bound bound : BOUNDS) {
            List<String> args = new ArrayList<>(generate());
            args.add("--" + bound.flag());
            args.add(bound.value());
            if (!bound.extra().isEmpty()) {
                args.addAll(List.of(bound.extra().split(" ")));
            }
            cases.add(new CliCase(args, 2, words(bound.words())));
        }
        // Sides: below the minimum, above the maximum, not a multiple of 8, not a number.
        for (String side : List.of("--width", "--height")) {
            for (String value : List.of("56", "2056", "65", "wide")) {
                cases.add(generateCase(words(side.substring(2)), side, value));
            }
        }
        cases.add(generateCase(words("strength must be between 0 and 1"), "--init-image", "{files}/grey.png",
                "--strength", "-0.1"));
        cases.add(generateCase(words("strength must be between 0 and 1"), "--init-image", "{files}/grey.png",
                "--strength", "1.5"));
        cases.add(generateCase(words("original size"), "--original-size", "0x0"));
        cases.add(generateCase(words("original size"), "--original-size", "9000x9000"));
        cases.add(generateCase(words("crop"), "--crop", "-1,0"));
        cases.add(generateCase(words("crop"), "--crop", "9000,0"));
        cases.add(generateCase(words("--strength needs --init-image"), "--strength", "0.5"));
        // Prompts: empty, too long, too long a negative prompt.
        cases.add(new CliCase(List.of("generate", "--data", "{data}", "--model", "{model}", "--prompt",
                "fox ".repeat(1001)), 2, words("4000")));
        cases.add(generateCase(words("4000"), "--negative", "blur ".repeat(801)));
        // Pictures given to --init-image.
        for (String[] picture : new String[][] {
            {"notes.txt", "not a PNG, JPEG or WebP image"},
            {"empty.png", "PNG, JPEG or WebP"},
            {"truncated.png", "damaged"},
            {"truncated.jpg", "damaged"},
            {"bomb.png", "100000"},
            {"garbage-after-png-signature.png", "damaged"}}) {
            cases.add(generateCase(words(picture[1]), "--init-image", "{files}/" + picture[0]));
        }
        cases.add(generateCase(words("does not exist"), "--init-image", "{files}/missing.png"));
        // Broken model folders.
        for (String[] folder : MalformedFiles.BROKEN_MODELS) {
            cases.add(new CliCase(List.of("generate", "--data", "{data}", "--model", "{files}/" + folder[0],
                    "--prompt", "a fox", "--steps", "1", "--width", "64", "--height", "64"), 2,
                    words(folder[1].split("\\|"))));
        }
        cases.add(new CliCase(List.of("generate", "--data", "{data}", "--model", "{files}/missing-model",
                "--prompt", "a fox"), 2, words("does not exist or is not a folder")));
        // Options and commands that do not exist, and missing values.
        cases.add(new CliCase(List.of("generate", "--data", "{data}", "--model", "{model}", "--prompt", "x",
                "--stpes", "3"), 2, words("--stpes")));
        cases.add(new CliCase(List.of("generrate"), 2, words("generrate")));
        cases.add(new CliCase(List.of("generate", "--data", "{data}", "--model", "{model}", "--prompt"), 2,
                words("--prompt")));
        cases.add(new CliCase(List.of("history", "--data", "{data}", "--limit", "0"), 2, words("limit")));
        cases.add(new CliCase(List.of("history", "--data", "{data}", "--limit", "lots"), 2, words("limit")));
        cases.add(new CliCase(List.of("rerun", "--data", "{data}", "--model", "{model}", "999999"), 2,
                words("999999")));
        cases.add(new CliCase(List.of("rerun", "--data", "{data}", "--model", "{model}", "-5"), 2, words()));
        return cases.stream();
    }

    static Stream<ChatCase> chat() {
        List<ChatCase> cases = new ArrayList<>();
        for (Bound bound : BOUNDS) {
            String extra = bound.extra().isEmpty() ? "" : " " + bound.extra();
            cases.add(new ChatCase("a fox --" + bound.flag() + " " + bound.value() + extra, null,
                    words("--" + bound.flag(), bound.value())));
        }
        for (String size : List.of("56x64", "64x2056", "65x64", "wide", "0x0", "-64x64")) {
            cases.add(new ChatCase("a fox --size " + size, null, words("size")));
        }
        cases.add(new ChatCase("a fox --ar 0:1", null, words("ar")));
        cases.add(new ChatCase("a fox --original-size 0x0", null, words("original")));
        cases.add(new ChatCase("a fox --crop 9000,0", null, words("crop")));
        cases.add(new ChatCase("a fox --stepz 3", null, words("--stepz")));
        cases.add(new ChatCase("a fox --steps", null, words("steps")));
        cases.add(new ChatCase("fox ".repeat(1001), null, words("4000")));
        cases.add(new ChatCase("a fox --no \"" + "blur ".repeat(801) + "\"", null, words("4000")));
        cases.add(new ChatCase("\u0000\u0001\u0002", null, words("only invisible characters")));
        cases.add(new ChatCase("\u202e\u202e --steps 2", null, words("only invisible characters")));
        cases.add(new ChatCase("\u200b\u2066 \u001b\u0007", null, words("only invisible characters")));
        cases.add(new ChatCase("/rerun 99999", null, words("99999")));
        cases.add(new ChatCase("/seed -1", null, words()));
        cases.add(new ChatCase("/cancel abc", null, words()));
        cases.add(new ChatCase("/settings steps 999", null, words("steps")));
        cases.add(new ChatCase("/imagine", null, words("prompt")));
        for (String[] picture : new String[][] {
            {"notes.txt", "PNG, JPEG or WebP"},
            {"empty.png", "PNG, JPEG or WebP"},
            {"truncated.png", "damaged"},
            {"truncated.jpg", "damaged"},
            {"bomb.png", "100000"},
            {"garbage-after-png-signature.png", "damaged"},
            {"large.png", "KB"}}) {
            cases.add(new ChatCase("a fox", picture[0], words(picture[1])));
        }
        return cases.stream();
    }

    private static List<String> generate() {
        return List.of("generate", "--data", "{data}", "--model", "{model}", "--prompt", "a fox", "--no-progress");
    }

    private static CliCase generateCase(List<String> words, String... extra) {
        List<String> args = new ArrayList<>(generate());
        args.addAll(List.of(extra));
        return new CliCase(args, 2, words);
    }
}
