package dev.imagine.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Backs up a PostgreSQL database with the server's own tool, {@code pg_dump}, in its custom format (what
 * {@code pg_restore} reads). The password reaches it through {@code PGPASSWORD}, never its command line.
 */
final class PgDump {
    private PgDump() {
    }

    static void backup(DatabaseServer server, Path target) {
        List<String> command = new ArrayList<>(List.of("pg_dump", "--format=custom", "--no-password",
                "--file"));
        Path folder = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, target.getFileName() + "-", ".tmp");
            command.add(temp.toString());
            if (server.user() != null) {
                command.add("--username=" + server.user());
            }
            if (server.schema() != null) {
                command.add("--schema=" + server.schema());
            }
            command.add("--dbname=" + libpqUrl(server));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (server.password() != null) {
                builder.environment().put("PGPASSWORD", server.password());
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new StorageException("pg_dump is not installed here, so imagine cannot back up the database at "
                        + server.where() + "; install PostgreSQL's client tools or use the server's own backups", e);
            }
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = waitFor(process);
            if (status != 0) {
                throw new StorageException("pg_dump could not back up the database at " + server.where() + ": "
                        + output.lines().findFirst().orElse("exit status " + status));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("could not write the backup " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // The temporary file stays; the backup itself succeeded or failed above.
                }
            }
        }
    }

    /** {@code jdbc:postgresql://host:port/db?...} as libpq's {@code postgresql://host:port/db}, settings dropped. */
    static String libpqUrl(DatabaseServer server) {
        return server.where().substring("jdbc:".length());
    }

    private static int waitFor(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
