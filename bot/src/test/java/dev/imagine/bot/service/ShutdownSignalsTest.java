package dev.imagine.bot.service;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12, problem 1 and the shutdown order: SIGTERM while a real job runs, once per phase. SIGINT, SIGTERM twice and
 * SIGTERM then SIGKILL, five times at each phase, are {@link ShutdownSignalsRepeatedTest} (tag {@code signals}).
 */
class ShutdownSignalsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ShutdownSignals.Phase.class)
    void sigtermAtEachPhase(ShutdownSignals.Phase phase) throws Exception {
        ShutdownSignals.run(dir, phase, ShutdownSignals.Signal.TERM);
    }
}
