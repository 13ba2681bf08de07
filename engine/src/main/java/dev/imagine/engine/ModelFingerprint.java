package dev.imagine.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A short identity of a model folder that changes when its files do, without reading gigabytes: SHA-256 over
 * each file's relative name, size, and its first and last 64 KiB.
 */
final class ModelFingerprint {
    private static final int EDGE = 64 * 1024;

    private ModelFingerprint() {
    }

    static String of(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[EDGE];
            for (Path file : files) {
                String name = root.relativize(file).toString().replace('\\', '/');
                long size = Files.size(file);
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
                try (InputStream in = Files.newInputStream(file)) {
                    int read = in.readNBytes(buffer, 0, buffer.length);
                    digest.update(buffer, 0, read);
                    if (size > 2L * EDGE) {
                        in.skipNBytes(size - read - EDGE);
                        int tail = in.readNBytes(buffer, 0, buffer.length);
                        digest.update(buffer, 0, tail);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint model folder " + root, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
