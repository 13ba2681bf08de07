package dev.imagine.bot.cli;

import dev.imagine.bot.models.Precision;
import picocli.CommandLine;

/** Parses {@code --variant}. */
final class PrecisionConverter implements CommandLine.ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
        try {
            return Precision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
