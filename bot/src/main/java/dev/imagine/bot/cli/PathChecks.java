package dev.imagine.bot.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks, before any work, that the paths a command will write or read are usable, so a fixable mistake (a folder
 * where a file is meant, a parent that is a file, a place nobody may write) is a sentence and exit status 2 instead
 * of an exception after minutes of work. Writability is proven by creating and deleting a file, which is the only
 * test that also catches read-only and virtual file systems such as {@code /proc}.
 */
final class PathChecks {

    private PathChecks() {
    }

    /**
     * Makes sure {@code folder} is a folder this process can write in, creating it (and its parents) when missing.
     *
     * @param what how the message names it, e.g. "--out" or "the data folder"
     * @throws UserException naming the path and the problem
     */
    static void writableFolder(String what, Path folder) {
        requireNamed(what, folder);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UserException(what + " " + folder + " is a file, not a folder; name a folder");
        }
        Path existing = nearestExisting(folder);
        if (existing != null && !Files.isDirectory(existing)) {
            throw new UserException(what + " " + folder + " cannot be created: " + existing + " is a file, not a folder");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserException(what + " " + folder + " cannot be created: " + reason(e));
        }
        probe(what, folder, folder);
    }

    /**
     * Makes sure {@code file} can be written: not a folder or a device, and its folder writable (created when
     * missing).
     *
     * @throws UserException naming the path and the problem
     */
    static void writableFile(String what, Path file) {
        requireNamed(what, file);
        if (Files.isDirectory(file)) {
            throw new UserException(what + " " + file + " is a folder; name a file in it, e.g. "
                    + file.resolve(defaultName(what)));
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UserException(what + " " + file + " is not a regular file (a device or a pipe); name a file");
        }
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new UserException(what + " " + file + " is not a file path; name a file");
        }
        Path existing = nearestExisting(parent);
        if (existing != null && !Files.isDirectory(existing)) {
            throw new UserException(what + " " + file + " cannot be written: " + existing + " is a file, not a folder");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UserException(what + " " + file + " cannot be written: " + reason(e));
        }
        probe(what, file, parent);
    }

    /**
     * Makes sure {@code file} is a regular file this process can read.
     *
     * @throws UserException saying whether it is missing, a folder, a device or pipe, or unreadable
     */
    static void readableFile(String what, Path file) {
        requireNamed(what, file);
        if (!Files.exists(file)) {
            throw new UserException(what + " " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new UserException(what + " " + file + " is a folder; name a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException(what + " " + file + " is not a regular file (a device or a pipe); name a file");
        }
        if (!Files.isReadable(file)) {
            throw new UserException(what + " " + file + " cannot be read (permission denied)");
        }
    }

    /** A sentence for an I/O failure, without the exception's class name. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException missing) {
            return "no such file or folder: " + missing.getFile();
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof FileSystemException fs) {
            return (fs.getReason() == null ? "failed" : fs.getReason()) + (fs.getFile() == null ? "" : ": " + fs.getFile());
        }
        return e.getMessage() == null ? "an input or output error" : e.getMessage();
    }

    private static void requireNamed(String what, Path path) {
        if (path == null || path.toString().isBlank()) {
            throw new UserException(what + " is empty; name a path");
        }
    }

    private static String defaultName(String what) {
        return what.contains("backup") ? "imagine-backup.zip" : "image.png";
    }

    /** The path itself or its closest ancestor that exists, or {@code null}. */
    private static Path nearestExisting(Path path) {
        Path p = path.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    private static void probe(String what, Path named, Path folder) {
        try {
            Path probe = Files.createTempFile(folder, ".imagine-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UserException(what + " " + named + " cannot be written: " + reason(e));
        }
    }
}
