package dev.imagine.bot.command;

import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.SamplerKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code /settings} changes: {@code sampler euler-a steps 30 size 768x512 negative "text, watermark"}, a key
 * with the value {@code default} to clear it, or {@code reset} to clear them all. Keys may be written as flags
 * ({@code --steps 30}). The negative prompt's value is a quoted text, or the words up to the next key.
 */
final class SettingsCommand {
    static final List<String> KEYS = List.of("sampler", "steps", "size", "negative");
    /** The request parameters a user or chat can save: what the keys above set. */
    static final List<String> PARAMETERS = List.of("sampler", "steps", "width", "height", "negativePrompt");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5}) ?[xX\u00d7*] ?(\\d{1,5})");
    private static final String CLEAR = "default";

    private SettingsCommand() {
    }

    private record Word(String text, boolean quoted) {
        String key() {
            if (quoted) {
                return null;
            }
            String k = text.toLowerCase(Locale.ROOT);
            k = k.startsWith("--") ? k.substring(2) : k.startsWith("\u2014") ? k.substring(1) : k;
            return k.equals("no") ? "negative" : k;
        }
    }

    /**
     * The defaults after applying {@code arguments} to {@code current}.
     *
     * @throws CommandException naming the key, the bad value and what is allowed
     */
    static RequestValues apply(RequestValues current, String arguments, int maxSide) {
        List<Word> words = words(arguments);
        if (words.size() == 1 && !words.get(0).quoted() && words.get(0).text().equalsIgnoreCase("reset")) {
            return RequestValues.NONE;
        }
        RequestValues values = current.only(PARAMETERS);
        Set<String> seen = new LinkedHashSet<>();
        int i = 0;
        while (i < words.size()) {
            Word keyWord = words.get(i++);
            String key = keyWord.key();
            if (key == null || !KEYS.contains(key)) {
                String closest = key == null ? null : Texts.closest(key, KEYS);
                throw new CommandException("Unknown setting '" + Texts.cut(keyWord.text(), 40) + "'; "
                        + (closest != null ? "did you mean " + closest + "?"
                                : "the settings are sampler, steps, size and negative, or reset."));
            }
            if (!seen.add(key)) {
                throw new CommandException("The setting " + key + " is given twice; give it once.");
            }
            String value;
            boolean quoted = false;
            if (key.equals("negative") && i < words.size() && !words.get(i).quoted()) {
                List<String> parts = new ArrayList<>();
                while (i < words.size() && !words.get(i).quoted() && !KEYS.contains(words.get(i).key())) {
                    parts.add(words.get(i++).text());
                }
                value = String.join(" ", parts);
            } else if (i < words.size()) {
                quoted = words.get(i).quoted();
                value = words.get(i++).text();
            } else {
                value = "";
            }
            if (value.isEmpty() && !(quoted && key.equals("negative"))) {
                throw new CommandException("The setting " + key + " needs a value: " + allowed(key, maxSide)
                        + ", or default to clear it.");
            }
            boolean clear = !quoted && value.equalsIgnoreCase(CLEAR);
            switch (key) {
                case "sampler":
                    values = values.with("sampler", clear ? null : sampler(value, maxSide));
                    break;
                case "steps":
                    values = values.with("steps", clear ? null : steps(value, maxSide));
                    break;
                case "size":
                    int[] size = clear ? null : size(value, maxSide);
                    values = values.with("width", clear ? null : size[0]).with("height", clear ? null : size[1]);
                    break;
                default:
                    if (!clear && value.length() > GenerationRequest.MAX_PROMPT_CHARS) {
                        throw new CommandException("The negative prompt is " + value.length()
                                + " characters long; the limit is " + GenerationRequest.MAX_PROMPT_CHARS + ".");
                    }
                    values = values.with("negativePrompt", clear ? null : value);
                    break;
            }
        }
        return values;
    }

    private static SamplerKind sampler(String value, int maxSide) {
        try {
            return SamplerKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad("sampler", value, maxSide);
        }
    }

    private static int steps(String value, int maxSide) {
        if (value.matches("\\d{1,4}")) {
            int steps = Integer.parseInt(value);
            if (steps >= 1 && steps <= GenerationRequest.MAX_STEPS) {
                return steps;
            }
        }
        throw bad("steps", value, maxSide);
    }

    private static int[] size(String value, int maxSide) {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            int width = Integer.parseInt(m.group(1));
            int height = Integer.parseInt(m.group(2));
            if (isSide(width, maxSide) && isSide(height, maxSide)) {
                return new int[] {width, height};
            }
        }
        throw bad("size", value, maxSide);
    }

    private static boolean isSide(int side, int maxSide) {
        return side >= GenerationRequest.MIN_SIDE && side <= maxSide && side % 8 == 0;
    }

    private static CommandException bad(String key, String value, int maxSide) {
        return new CommandException("The setting " + key + " takes " + allowed(key, maxSide) + ", not '"
                + Texts.cut(value, 40) + "'.");
    }

    private static String allowed(String key, int maxSide) {
        switch (key) {
            case "sampler":
                return "one of " + SamplerKind.names();
            case "steps":
                return "a whole number from 1 to " + GenerationRequest.MAX_STEPS;
            case "size":
                return "width x height such as 768x512, each a multiple of 8 from " + GenerationRequest.MIN_SIDE + " to "
                        + maxSide;
            default:
                return "the things to leave out, such as \"text, watermark\"";
        }
    }

    /** Splits on whitespace; a word starting with a double or single quote runs to the matching quote. */
    private static List<Word> words(String arguments) {
        List<Word> words = new ArrayList<>();
        String s = arguments == null ? "" : arguments;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                i++;
                continue;
            }
            char close = c == '"' ? '"' : c == '\'' ? '\'' : c == '\u201c' ? '\u201d' : c == '\u2018' ? '\u2019' : 0;
            if (close != 0) {
                int end = s.indexOf(close, i + 1);
                if (end < 0) {
                    throw new CommandException("A quote in your settings is never closed.");
                }
                words.add(new Word(Texts.normalizeSpace(s.substring(i + 1, end)), true));
                i = end + 1;
            } else {
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))
                        && !Character.isSpaceChar(s.charAt(end))) {
                    end++;
                }
                words.add(new Word(s.substring(i, end), false));
                i = end;
            }
        }
        return words;
    }
}
