package dev.imagine.bot.cli;

import dev.imagine.engine.CudaOptions;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.SafetyCheckerSource;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The engine options shared by the commands that run a model: device, threads, CUDA and the safety checker. */
final class EngineOptionsMixin {

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto", converter = DeviceConverter.class,
            description = "cpu, cuda, cuda:N or auto (default auto: CUDA when usable, else CPU).")
    ExecutionDevice device;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads per operator; 0 lets ONNX Runtime choose.")
    int threads;

    @Option(names = "--gpu-memory-limit", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Most GPU memory ONNX Runtime may take, e.g. 6G or 512M (default: no limit).")
    Long gpuMemoryLimit;

    @Option(names = "--cudnn-conv-search", paramLabel = "MODE", defaultValue = "DEFAULT",
            description = "cuDNN convolution algorithm search: ${COMPLETION-CANDIDATES} (default DEFAULT, which "
                    + "avoids EXHAUSTIVE's first-run memory spike).")
    CudaOptions.ConvAlgorithmSearch convSearch;

    @Option(names = "--arena-strategy", paramLabel = "MODE", defaultValue = "SAME_AS_REQUESTED",
            description = "How the CUDA memory arena grows: ${COMPLETION-CANDIDATES}.")
    CudaOptions.ArenaStrategy arenaStrategy;

    @Option(names = "--safety-checker", paramLabel = "auto|off|DIR", defaultValue = "auto",
            description = "The safety checker run on every picture: auto (the model's safety_checker/ when it has "
                    + "one), off, or a folder holding one (default auto).")
    String safetyChecker;

    EngineOptions toOptions() {
        CudaOptions cuda = new CudaOptions(gpuMemoryLimit == null ? 0 : gpuMemoryLimit, convSearch, arenaStrategy);
        return new EngineOptions(device, threads, 0, cuda, EngineOptions.DEFAULT_MAX_SIDE)
                .withSafetyChecker(safetySource());
    }

    boolean safetyCheckerOff() {
        return "off".equalsIgnoreCase(safetyChecker);
    }

    private SafetyCheckerSource safetySource() {
        String value = safetyChecker == null ? "auto" : safetyChecker.strip();
        if (value.equalsIgnoreCase("auto")) {
            return SafetyCheckerSource.auto();
        }
        if (value.equalsIgnoreCase("off")) {
            return SafetyCheckerSource.off();
        }
        if (value.isEmpty()) {
            throw new UserException("--safety-checker takes auto, off or a folder");
        }
        return SafetyCheckerSource.folder(Path.of(value));
    }

    /** Parses sizes such as {@code 6G}, {@code 512M}, {@code 1024K} or plain bytes. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
            long unit = 1;
            if (text.endsWith("K") || text.endsWith("M") || text.endsWith("G") || text.endsWith("T")) {
                unit = switch (text.charAt(text.length() - 1)) {
                    case 'K' -> 1L << 10;
                    case 'M' -> 1L << 20;
                    case 'G' -> 1L << 30;
                    default -> 1L << 40;
                };
                text = text.substring(0, text.length() - 1);
            }
            try {
                double number = Double.parseDouble(text);
                if (!(number > 0)) {
                    throw new NumberFormatException();
                }
                return (long) (number * unit);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 6G, 512M or 1048576");
            }
        }
    }
}
