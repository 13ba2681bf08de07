package dev.imagine.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, item 7: every JVM left a 22 MB {@code /tmp/onnxruntime-java*} folder behind. */
class NativeLibraryFolderTest {
    @TempDir
    Path tmp;

    /** A child JVM that loads ONNX Runtime, says so, then exits at once or waits for a signal. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            new SessionFactory(ExecutionSettings.cpu());
            System.out.println("loaded");
            System.out.flush();
            if (args.length > 0 && args[0].equals("wait")) {
                new java.util.concurrent.CountDownLatch(1).await();
            }
        }
    }

    private Process child(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode).redirectErrorStream(true).start();
    }

    private static void awaitLoaded(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("loaded")) {
            // the JVM's own output before the line
        }
        assertThat(line).isEqualTo("loaded");
    }

    private List<Path> leftBehind() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).toList();
        }
    }

    @Test
    void aJvmThatExitsOrIsStoppedBySigtermLeavesNoFolder() throws Exception {
        Process normal = child("exit");
        awaitLoaded(normal);
        assertThat(normal.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(leftBehind()).isEmpty();

        Process stopped = child("wait");
        awaitLoaded(stopped);
        assertThat(leftBehind()).hasSize(1);
        stopped.destroy(); // SIGTERM
        assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped.exitValue()).isEqualTo(143);
        assertThat(leftBehind()).isEmpty();
    }

    @Test
    void aFolderLeftByAKilledJvmIsRemovedByTheNextStartButAFreshOneIsNot() throws Exception {
        Path killed = Files.createDirectories(tmp.resolve("onnxruntime-java123"));
        Files.write(killed.resolve("libonnxruntime.so"), new byte[1024]);
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minusSeconds(3600)));
        Path fresh = Files.createDirectories(tmp.resolve("onnxruntime-java456"));
        Path own = Files.createDirectories(tmp.resolve("onnxruntime-java789"));
        Files.setLastModifiedTime(own, FileTime.from(Instant.now().minusSeconds(3600)));
        Path unrelated = Files.createDirectories(tmp.resolve("other"));
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minusSeconds(3600)));

        int removed = NativeLibraryFolder.sweep(tmp, own, Instant.now().minus(NativeLibraryFolder.STALE_AFTER));

        assertThat(removed).isEqualTo(1);
        assertThat(killed).doesNotExist();
        assertThat(fresh).isDirectory();
        assertThat(own).isDirectory();
        assertThat(unrelated).isDirectory();
    }
}
