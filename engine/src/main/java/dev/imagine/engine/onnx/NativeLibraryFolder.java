package dev.imagine.engine.onnx;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder ONNX Runtime's Java binding unpacks its native libraries into ({@code onnxruntime-java*} in
 * {@code java.io.tmpdir}, 22 MB). The binding only asks the JVM to delete it on exit, which fails for a folder that still
 * holds files, so every JVM left one behind (issue 12). This removes this JVM's folder when the JVM ends (normal exit,
 * SIGTERM, Ctrl-C) and, when the engine starts, the folders of earlier JVMs that were killed. On Linux and macOS a
 * loaded library keeps working after its file is deleted; where deleting fails (Windows) nothing changes.
 */
final class NativeLibraryFolder {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryFolder.class);
    static final String PREFIX = "onnxruntime-java";
    /** A folder younger than this may belong to a JVM that is unpacking right now, so it is left alone. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static boolean registered;

    private NativeLibraryFolder() {
    }

    /** Called once ONNX Runtime is loaded: removes this JVM's folder at exit and stale ones of killed JVMs now. */
    static synchronized void tidy() {
        if (registered) {
            return;
        }
        registered = true;
        Path own = ownFolder();
        if (own == null) {
            return;
        }
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(own), "imagine-onnxruntime-tidy"));
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        sweep(own.getParent(), own, Instant.now().minus(STALE_AFTER));
    }

    /** Deletes the {@code onnxruntime-java*} folders in {@code tmp} other than {@code own} not changed since {@code before}. */
    static int sweep(Path tmp, Path own, Instant before) {
        int removed = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path folder : folders) {
                if (folder.equals(own) || !Files.isDirectory(folder) || Files.isSymbolicLink(folder)) {
                    continue;
                }
                FileTime changed = Files.getLastModifiedTime(folder);
                if (changed.toInstant().isBefore(before) && delete(folder)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Looking for old ONNX Runtime folders in {}: {}", tmp, e.toString());
        }
        return removed;
    }

    static boolean delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** This JVM's folder, read from the binding (a package-private field), or null when it has none or hides it. */
    private static Path ownFolder() {
        try {
            Class<?> runtime = Class.forName("ai.onnxruntime.OnnxRuntime");
            Field field = runtime.getDeclaredField("tempDirectory");
            field.setAccessible(true);
            Object value = field.get(null);
            return value instanceof Path path && path.getFileName().toString().startsWith(PREFIX) ? path : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("The ONNX Runtime library folder is not known: {}", e.toString());
            return null;
        }
    }
}
