package dev.imagine.bot.cli;

import dev.imagine.engine.ExecutionDevice;
import picocli.CommandLine;

/** Parses {@code --device}. */
final class DeviceConverter implements CommandLine.ITypeConverter<ExecutionDevice> {
    @Override
    public ExecutionDevice convert(String value) {
        try {
            return ExecutionDevice.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
