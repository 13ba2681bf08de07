package dev.imagine.bot.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads two whole numbers written as {@code WxH} ({@link Size}) or {@code X,Y} ({@link Crop}). */
abstract class PairConverter implements CommandLine.ITypeConverter<PairConverter.Pair> {
    /** The two numbers, as written. */
    record Pair(int first, int second) {
    }

    private final Pattern form;
    private final String example;

    PairConverter(Pattern form, String example) {
        this.form = form;
        this.example = example;
    }

    @Override
    public Pair convert(String value) {
        Matcher m = form.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not of the form " + example);
        }
        return new Pair(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** {@code 2048x2048}. */
    static final class Size extends PairConverter {
        Size() {
            super(Pattern.compile("(\\d{1,5}) ?[xX] ?(\\d{1,5})"), "WxH, such as 2048x2048");
        }
    }

    /** {@code 0,256}. */
    static final class Crop extends PairConverter {
        Crop() {
            super(Pattern.compile("(\\d{1,5}) ?, ?(\\d{1,5})"), "X,Y, such as 0,256");
        }
    }
}
