package dev.imagine.bot.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free space where a model is written; tests pass a small number to see the check refuse. */
@FunctionalInterface
public interface DiskSpace {
    /** The file store's usable bytes ({@link java.nio.file.FileStore#getUsableSpace()}). */
    DiskSpace SYSTEM = folder -> Files.getFileStore(folder).getUsableSpace();

    /** Bytes this process may still write in {@code folder}, which exists. */
    long usableBytes(Path folder) throws IOException;
}
