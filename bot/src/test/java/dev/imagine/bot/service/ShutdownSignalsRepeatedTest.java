package dev.imagine.bot.service;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The acceptance lane of issue 12: every signal at every phase of a real job, five times each, with child JVMs (about
 * two minutes). Not in the default run; {@code mvn -pl bot -am verify -Dgroups=signals -Dtest=ShutdownSignalsRepeatedTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("signals")
class ShutdownSignalsRepeatedTest {
    @TempDir
    Path dir;

    static Stream<Arguments> scenarios() {
        return Stream.of(ShutdownSignals.Signal.values()).flatMap(signal -> Stream.of(ShutdownSignals.Phase.values())
                .flatMap(phase -> IntStream.rangeClosed(1, 5).mapToObj(n -> Arguments.of(signal, phase, n))));
    }

    @ParameterizedTest(name = "{0} at {1}, run {2}")
    @MethodSource("scenarios")
    void signalAtPhase(ShutdownSignals.Signal signal, ShutdownSignals.Phase phase, int run) throws Exception {
        ShutdownSignals.run(Files.createDirectories(dir.resolve("run")), phase, signal);
    }
}
