package dev.imagine.storage;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test was skipped (a failed assumption or a disabled condition) on the console, where Surefire
 * only counts skips; registered through META-INF/services.
 */
public final class SkipReasons implements TestExecutionListener {

    /** Needed by the service loader. */
    public SkipReasons() {
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        System.out.println("[SKIPPED] " + test.getLegacyReportingName() + " (" + test.getUniqueId()
                .replaceAll(".*\\[class:([^\\]]*)\\].*", "$1") + "): " + reason);
    }
}
