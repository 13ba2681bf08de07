package dev.imagine.bot.cli;

import dev.imagine.engine.SamplerKind;
import picocli.CommandLine;

/** Parses {@code --sampler}. */
final class SamplerConverter implements CommandLine.ITypeConverter<SamplerKind> {
    @Override
    public SamplerKind convert(String value) {
        try {
            return SamplerKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
