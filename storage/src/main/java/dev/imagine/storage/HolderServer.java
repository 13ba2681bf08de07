package dev.imagine.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How tools reach an H2 database that another imagine process holds open (H2 lets one process open the file): the
 * holder serves its open database on a loopback TCP port under a random 128-bit key, and writes the port and key to
 * {@value H2Database#SERVER_FILE} in the data folder, readable by its owner only. {@code imagine db backup},
 * {@code history} and {@code db info} read that file and connect, so a backup is taken online, by H2's
 * {@code BACKUP TO} inside the running process, consistent at one point in time.
 *
 * <p><b>Safety.</b> The server accepts connections from this machine only (H2's default without
 * {@code -tcpAllowOthers}) and opens no database but the holder's, and only under the key (H2's {@code -key}): a
 * program that can connect to the port but cannot read the data folder learns nothing. Whoever can read the server
 * file can read the database file as well. The server dies with the process; a stale file left by a killed process
 * names a closed port, and a tool then says the database is in use, as before.
 */
final class HolderServer {
    private static final Logger LOG = LoggerFactory.getLogger(HolderServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Server server;
    private final Path file;

    private HolderServer(Server server, Path file) {
        this.server = server;
        this.file = file;
    }

    /**
     * Serves the open database {@code databasePath} (the H2 path without {@code .mv.db}) and writes the server file;
     * logs and returns {@code null} when it cannot (tools then cannot reach the database while this process runs).
     */
    static HolderServer start(Path dataDirectory, Path databasePath) {
        String key = HexFormat.of().formatHex(randomBytes());
        Server server = null;
        try {
            server = Server.createTcpServer("-tcpPort", "0", "-tcpDaemon", "-key", key, databasePath.toString())
                    .start();
            Path file = dataDirectory.resolve(H2Database.SERVER_FILE);
            write(file, "port=" + server.getPort() + "\nkey=" + key + "\n");
            return new HolderServer(server, file);
        } catch (SQLException | IOException | RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            LOG.warn("Tools such as imagine db backup cannot reach the database in {} while this process runs: {}",
                    dataDirectory, e.getMessage());
            return null;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code text} readable by the owner only, replacing a stale file in one step. */
    private static void write(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + temp, e);
        }
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A connection to the database in {@code dataDirectory} through the server of the process holding it, or empty
     * when there is no server file or the server does not answer (a stale file of a killed process).
     */
    static Optional<Connection> connect(Path dataDirectory, String user) {
        Path file = dataDirectory.resolve(H2Database.SERVER_FILE);
        Properties served = new Properties();
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    served.setProperty(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            int port = Integer.parseInt(served.getProperty("port", "-1"));
            String key = served.getProperty("key", "");
            if (port <= 0 || port > 65535 || !key.matches("[0-9a-f]{32}")) {
                return Optional.empty();
            }
            return Optional.of(DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + port + "/" + key, user, ""));
        } catch (IOException | NumberFormatException | SQLException e) {
            LOG.debug("could not reach the process holding {}: {}", dataDirectory, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stops serving and deletes the server file. */
    void stop() {
        server.stop();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.getMessage());
        }
    }
}
