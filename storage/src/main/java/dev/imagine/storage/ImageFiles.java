package dev.imagine.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Content-addressed image files: {@code images/ab/cd/<sha256>.<ext>} under the data directory. A file is written to
 * a temporary name, forced to the device and renamed atomically, so a reader sees the whole file or none; reads check
 * the hash. Paths from the database are accepted only in this exact shape, so a row cannot point outside the folder.
 */
final class ImageFiles implements ImageStore {
    static final String FOLDER = "images";
    private static final Pattern RELATIVE = Pattern.compile(
            "images/([0-9a-f]{2})/([0-9a-f]{2})/(([0-9a-f]{64})\\.(png|jpg|webp|gif|mp4|bin))");
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dataDirectory;
    private final Path root;

    ImageFiles(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.root = dataDirectory.resolve(FOLDER);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** The extension for a file's content: png, jpg, webp, gif or mp4 by their signatures, bin for anything else. */
    static String extension(byte[] data) {
        if (startsWith(data, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G'})) {
            return "png";
        }
        if (startsWith(data, 0, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            return "jpg";
        }
        byte[] riff = "RIFF".getBytes(StandardCharsets.US_ASCII);
        byte[] webp = "WEBP".getBytes(StandardCharsets.US_ASCII);
        if (startsWith(data, 0, riff) && startsWith(data, 8, webp)) {
            return "webp";
        }
        if (startsWith(data, 0, "GIF8".getBytes(StandardCharsets.US_ASCII))) {
            return "gif";
        }
        if (startsWith(data, 4, "ftyp".getBytes(StandardCharsets.US_ASCII))) {
            return "mp4";
        }
        return "bin";
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        return data.length >= offset + prefix.length
                && Arrays.equals(data, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    static String relativePath(String sha256, String extension) {
        return FOLDER + "/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256 + "." + extension;
    }

    @Override
    public String store(Connection c, String sha256, byte[] data) throws IOException {
        return store(sha256, data);
    }

    @Override
    public byte[] read(Connection c, String relative, String sha256) throws IOException {
        return read(relative, sha256);
    }

    @Override
    public long[] totals(Connection c) throws IOException {
        return totals();
    }

    /** Deletes the files no row references; the caller runs it on the storage thread, so no write races it. */
    @Override
    public long[] deleteUnreferenced(Connection c) throws SQLException, IOException {
        return deleteAllBut(GenerationReads.referencedFiles(c));
    }

    /**
     * Stores {@code data} under its hash unless an intact copy is already there, and returns its relative path.
     */
    String store(String sha256, byte[] data) throws IOException {
        String relative = relativePath(sha256, extension(data));
        Path target = resolve(relative);
        if (Files.isRegularFile(target) && Files.size(target) == data.length
                && sha256.equals(sha256(Files.readAllBytes(target)))) {
            return relative;
        }
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, sha256.substring(0, 16) + "-", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncFolder(folder);
        return relative;
    }

    /** Forces the rename into the folder to the device; a no-op where folders cannot be opened (Windows). */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a folder; the rename is still atomic there.
        }
    }

    /**
     * Reads a stored file and checks it against {@code sha256}.
     *
     * @throws DamagedImageException when the file is missing or altered
     */
    byte[] read(String relative, String sha256) throws IOException {
        Path file = resolve(relative);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DamagedImageException(DamagedImageException.Problem.MISSING, relative,
                    "the image file " + relative + " is missing from " + dataDirectory
                            + "; restore it from a backup of the images folder");
        }
        String actual = sha256(data);
        if (!actual.equals(sha256)) {
            throw new DamagedImageException(DamagedImageException.Problem.ALTERED, relative,
                    "the image file " + relative + " has been altered (its SHA-256 is now " + actual
                            + "); it is not served");
        }
        return data;
    }

    /** The file for a relative path of the exact stored shape. */
    Path resolve(String relative) {
        Matcher m = RELATIVE.matcher(relative);
        if (!m.matches() || !m.group(4).startsWith(m.group(1) + m.group(2))) {
            throw new StorageException("the database names an image file '" + relative
                    + "' that is not of the form images/ab/cd/<sha256>.png; the database may have been edited");
        }
        return root.resolve(m.group(1)).resolve(m.group(2)).resolve(m.group(3));
    }

    /** Sizes of all files under {@code images/}: {count, bytes}. */
    long[] totals() throws IOException {
        long[] totals = new long[2];
        for (Path file : files()) {
            totals[0]++;
            totals[1] += Files.size(file);
        }
        return totals;
    }

    /**
     * Deletes every file under {@code images/} whose relative path is not in {@code keep}, including temporary files
     * left by an interrupted write, and the folders that become empty. Returns {files, bytes} deleted.
     */
    long[] deleteAllBut(Set<String> keep) throws IOException {
        long[] deleted = new long[2];
        for (Path file : files()) {
            String relative = dataDirectory.relativize(file).toString().replace('\\', '/');
            if (!keep.contains(relative)) {
                long size = Files.size(file);
                if (Files.deleteIfExists(file)) {
                    deleted[0]++;
                    deleted[1] += size;
                }
                deleteIfEmpty(file.getParent());
                deleteIfEmpty(file.getParent().getParent());
            }
        }
        return deleted;
    }

    private void deleteIfEmpty(Path folder) throws IOException {
        if (folder.startsWith(root) && !folder.equals(root)) {
            try {
                Files.deleteIfExists(folder);
            } catch (DirectoryNotEmptyException e) {
                // Still holds files that are kept.
            }
        }
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return new ArrayList<>(walk.filter(Files::isRegularFile).toList());
        }
    }
}
