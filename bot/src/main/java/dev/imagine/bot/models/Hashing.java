package dev.imagine.bot.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of file contents, and git's blob id (SHA-1 over {@code "blob <size>\0"} and the contents). */
final class Hashing {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Hashing() {
    }

    /**
     * A file's digests.
     *
     * @param sha256 SHA-256 of the contents, lower-case hex
     * @param gitBlobId git's blob id, lower-case hex
     */
    record FileHashes(String sha256, String gitBlobId) {
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    /** A SHA-1 digest already fed git's blob header for a file of {@code size} bytes. */
    static MessageDigest gitBlob(long size) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        return sha1;
    }

    static FileHashes hashFile(Path file) throws IOException {
        long size = Files.size(file);
        MessageDigest sha256 = sha256();
        MessageDigest blob = gitBlob(size);
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                blob.update(buffer, 0, n);
            }
        }
        return new FileHashes(hex(sha256.digest()), hex(blob.digest()));
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** The first 12 hex digits, for messages. */
    static String shortHex(String hex) {
        return hex == null ? "none" : hex.length() <= 12 ? hex : hex.substring(0, 12) + "...";
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
