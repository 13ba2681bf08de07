package dev.imagine.bot.command;

import dev.imagine.engine.Ease;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads Midjourney-style parameters typed inside a prompt: {@code a red fox --ar 16:9 --no text, blurry --seed 42}.
 *
 * <p>A flag starts a word with {@code --} (or an em dash, which phones make of {@code --}) followed by a letter; its
 * name is case-insensitive and may be followed by {@code =}. Its value runs up to the next flag, so
 * {@code --no text, blurry} takes {@code text, blurry}; a value that starts with a double or single quote (straight
 * or curly) runs to the closing quote, and may then hold {@code --}. The prompt is the text before the first flag,
 * whitespace normalised and otherwise kept as typed. Refuses, with a sentence naming the flag: an unknown flag
 * (suggesting the closest one), a repeated flag (also under an alias), a missing or malformed value (saying what is
 * allowed), an unclosed quote, and a prompt that is empty. Ranges that depend on the server (size, count) are
 * checked later, by {@link RequestFactory}.
 */
final class PromptParser {
    private static final char EM_DASH = '\u2014';
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d{1,19}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d{1,9}([.,]\\d{1,9})?|[.,]\\d{1,9})");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5}) ?[xX\u00d7*] ?(\\d{1,5})");
    private static final Pattern CROP = Pattern.compile("(\\d{1,5}) ?[,;:] ?(\\d{1,5})");
    private static final int SHOWN_VALUE_CHARS = 40;

    private PromptParser() {
    }

    /**
     * Splits {@code text} into prompt and options.
     *
     * @throws CommandException with a sentence for the user when a flag is unknown, repeated or malformed, or when
     *     there is no prompt
     */
    static ParsedPrompt parse(String text) {
        String s = text == null ? "" : text;
        int n = s.length();
        int flagAt = nextFlag(s, 0);
        String prompt = Texts.normalizeSpace(s.substring(0, flagAt < 0 ? n : flagAt));
        PromptOptions.Builder options = PromptOptions.builder();
        Map<Flag, String> given = new EnumMap<>(Flag.class);
        while (flagAt >= 0) {
            int nameStart = flagAt + (s.charAt(flagAt) == EM_DASH ? 1 : 2);
            int nameEnd = nameStart;
            while (nameEnd < n && isNameChar(s.charAt(nameEnd))) {
                nameEnd++;
            }
            String name = s.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
            Flag flag = Flag.find(name).orElseThrow(() -> unknown(name));
            String earlier = given.putIfAbsent(flag, name);
            if (earlier != null) {
                throw new CommandException(earlier.equals(name)
                        ? "--" + name + " is given twice; give it once."
                        : "--" + earlier + " and --" + name + " are the same flag; give it once.");
            }
            int valueStart = nameEnd < n && s.charAt(nameEnd) == '=' ? nameEnd + 1 : nameEnd;
            int p = valueStart;
            while (p < n && isSpace(s.charAt(p))) {
                p++;
            }
            int next;
            if (p < n && closingQuotes(s.charAt(p)) != null) {
                int close = closingQuote(s, p);
                if (close < 0) {
                    throw new CommandException("The quote after --" + name + " is never closed.");
                }
                next = nextFlag(s, close + 1);
                String after = s.substring(close + 1, next < 0 ? n : next).strip();
                if (!after.isEmpty()) {
                    throw new CommandException("--" + name + " has '" + Texts.cut(after, SHOWN_VALUE_CHARS)
                            + "' after its closing quote; write the prompt before the flags.");
                }
                apply(flag, name, Texts.normalizeSpace(s.substring(p + 1, close)), true, options);
            } else {
                next = nextFlag(s, valueStart);
                apply(flag, name, Texts.normalizeSpace(s.substring(valueStart, next < 0 ? n : next)), false, options);
            }
            flagAt = next;
        }
        if (prompt.isEmpty()) {
            throw new CommandException("A prompt is required: write what to draw, then any flags, such as "
                    + "\"a red fox in the snow --ar 16:9\".");
        }
        return new ParsedPrompt(prompt, options.build());
    }

    private static void apply(Flag flag, String name, String value, boolean quoted, PromptOptions.Builder options) {
        if (flag == Flag.LOOP) {
            if (!value.isEmpty()) {
                throw new CommandException("--" + name + " takes no value; write the prompt before the flags.");
            }
            options.animation(flag.parameter(), true);
            return;
        }
        if (value.isEmpty() && !(quoted && flag == Flag.NEGATIVE)) {
            throw new CommandException("--" + name + " needs a value: " + flag.allowed() + ".");
        }
        if (flag.animation()) {
            animation(flag, name, value, options);
        } else if (flag == Flag.ASPECT) {
            options.aspect(AspectRatio.parse(value).orElseThrow(() -> bad(flag, name, value, "")));
        } else if (flag == Flag.SIZE) {
            size(flag, name, value, options);
        } else if (flag == Flag.ORIGINAL_SIZE) {
            pair(flag, name, value, SIZE, "originalWidth", "originalHeight", options);
        } else if (flag == Flag.CROP) {
            pair(flag, name, value, CROP, "cropX", "cropY", options);
        } else {
            options.set(flag.parameter(), parameterValue(flag, name, value));
        }
    }

    /** One of {@code /animate}'s own flags, in {@link dev.imagine.engine.AnimationValues}' plain form. */
    private static void animation(Flag flag, String name, String value, PromptOptions.Builder options) {
        switch (flag) {
            case FRAMES:
            case FPS:
                options.animation(flag.parameter(), (int) whole(flag, name, value, (long) flag.min(),
                        (long) flag.max()));
                break;
            case EASE:
                try {
                    options.animation(flag.parameter(), Ease.parse(value).id());
                } catch (IllegalArgumentException e) {
                    throw bad(flag, name, value, "");
                }
                break;
            case TO_SEED:
                String[] seeds = value.split("[\\s,;]+");
                for (int k = 0; k < seeds.length; k++) {
                    options.animation("toSeed" + (k + 1), whole(flag, name, seeds[k], 0, (long) flag.max()));
                }
                break;
            default:
                throw new AssertionError(flag);
        }
    }

    /** A flag's value as its parameter's type, checked against the flag's range. */
    private static Object parameterValue(Flag flag, String name, String value) {
        Class<?> type = RequestValues.type(flag.parameter());
        if (type == Long.class) {
            return whole(flag, name, value, (long) flag.min(), (long) flag.max());
        }
        if (type == Integer.class) {
            return (int) whole(flag, name, value, (long) flag.min(), (long) flag.max());
        }
        if (type == Double.class) {
            return decimal(flag, name, value, flag.min(), flag.max());
        }
        if (type == SamplerKind.class) {
            return sampler(flag, name, value);
        }
        if (type == PromptSyntax.class) {
            try {
                return PromptSyntax.parse(value);
            } catch (IllegalArgumentException e) {
                throw bad(flag, name, value, "");
            }
        }
        if (type == String.class) {
            return value;
        }
        throw new IllegalStateException("--" + flag.primary() + " sets " + flag.parameter() + ", a "
                + type.getSimpleName() + ", which flags cannot read yet");
    }

    private static long whole(Flag flag, String name, String value, long min, long max) {
        if (WHOLE.matcher(value).matches()) {
            try {
                long parsed = Long.parseLong(value.startsWith("+") ? value.substring(1) : value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // more than a long holds: out of range, reported below
            }
        }
        throw bad(flag, name, value, "");
    }

    private static double decimal(Flag flag, String name, String value, double min, double max) {
        if (DECIMAL.matcher(value).matches()) {
            double parsed = Double.parseDouble(value.replace(',', '.'));
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        }
        throw bad(flag, name, value, "");
    }

    private static SamplerKind sampler(Flag flag, String name, String value) {
        try {
            return SamplerKind.parse(value);
        } catch (IllegalArgumentException e) {
            List<String> ids = Arrays.stream(SamplerKind.values()).map(SamplerKind::id).collect(Collectors.toList());
            String closest = Texts.closest(value.toLowerCase(Locale.ROOT), ids);
            throw bad(flag, name, value, closest == null ? "" : " (did you mean " + closest + "?)");
        }
    }

    private static void size(Flag flag, String name, String value, PromptOptions.Builder options) {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            int width = Integer.parseInt(m.group(1));
            int height = Integer.parseInt(m.group(2));
            if (isSide(width) && isSide(height)) {
                options.set("width", width).set("height", height);
                return;
            }
        }
        throw bad(flag, name, value, "");
    }

    /** Two whole numbers within the flag's range, set as two parameters. */
    private static void pair(Flag flag, String name, String value, Pattern form, String first, String second,
            PromptOptions.Builder options) {
        Matcher m = form.matcher(value);
        if (m.matches()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            if (a >= flag.min() && a <= flag.max() && b >= flag.min() && b <= flag.max()) {
                options.set(first, a).set(second, b);
                return;
            }
        }
        throw bad(flag, name, value, "");
    }

    private static boolean isSide(int side) {
        return side >= GenerationRequest.MIN_SIDE && side <= GenerationRequest.MAX_SIDE && side % 8 == 0;
    }

    private static CommandException bad(Flag flag, String name, String value, String hint) {
        String shown = Texts.cut(value, SHOWN_VALUE_CHARS);
        String where = flag != Flag.NEGATIVE && value.indexOf(' ') > 0 ? "; write the prompt before the flags" : "";
        return new CommandException("--" + name + " takes " + flag.allowed() + ", not '" + shown + "'" + hint
                + where + ".");
    }

    private static CommandException unknown(String name) {
        String closest = Texts.closest(name, Flag.allNames());
        if (closest != null) {
            return new CommandException("Unknown flag --" + Texts.cut(name, SHOWN_VALUE_CHARS) + "; did you mean --"
                    + closest + "?");
        }
        return new CommandException("Unknown flag --" + Texts.cut(name, SHOWN_VALUE_CHARS) + "; the flags are "
                + Arrays.stream(Flag.values()).map(f -> "--" + f.primary()).collect(Collectors.joining(", "))
                + " (see /help).");
    }

    /** Where the next flag starts at or after {@code from}, or -1. */
    private static int nextFlag(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (isFlagStart(s, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isFlagStart(String s, int i) {
        if (i > 0 && !isSpace(s.charAt(i - 1))) {
            return false;
        }
        if (s.startsWith("--", i)) {
            return i + 2 < s.length() && Character.isLetter(s.charAt(i + 2));
        }
        return s.charAt(i) == EM_DASH && i + 1 < s.length() && Character.isLetter(s.charAt(i + 1));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-';
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** The characters that close a value opened by {@code open}, or {@code null} when it opens nothing. */
    private static String closingQuotes(char open) {
        switch (open) {
            case '"':
                return "\"";
            case '\'':
                return "'";
            case '\u201c':
                return "\u201d\u201c";
            case '\u2018':
                return "\u2019";
            case '\u201e':
                return "\u201c\u201d";
            case '\u00ab':
                return "\u00bb";
            default:
                return null;
        }
    }

    private static int closingQuote(String s, int open) {
        String closers = closingQuotes(s.charAt(open));
        for (int i = open + 1; i < s.length(); i++) {
            if (closers.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
