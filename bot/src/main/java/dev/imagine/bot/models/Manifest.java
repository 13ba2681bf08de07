package dev.imagine.bot.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record a pull keeps in the model folder ({@value #FILE_NAME}): where the model came from, and for every
 * file its size, SHA-256, the hub's git blob id (small files) and the modification time at which the hash was
 * checked. A later pull trusts a file whose size and time still match without hashing it again; {@code models
 * verify} hashes everything against it. Not thread-safe; one pull writes it at a time.
 */
final class Manifest {
    static final String FILE_NAME = ".imagine-pull.json";
    private static final Logger LOG = LoggerFactory.getLogger(Manifest.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One file's record.
     *
     * @param source the path in the repository it came from
     * @param size bytes
     * @param sha256 SHA-256 of the contents
     * @param gitBlobId the hub's git blob id for small (non-LFS) files, else {@code null}
     * @param modified the file's modification time in milliseconds when its hash was checked
     */
    record Entry(String source, long size, String sha256, String gitBlobId, long modified) {
        /** Whether this record describes {@code remote}'s contents. */
        boolean describes(RemoteFile remote) {
            if (size != remote.size() || !source.equals(remote.path())) {
                return false;
            }
            return remote.isLfs() ? remote.sha256().equals(sha256)
                    : remote.gitBlobId() == null || remote.gitBlobId().equals(gitBlobId);
        }
    }

    private String repo;
    private String revision;
    private String commit;
    private String precision;
    private final Map<String, Entry> files = new TreeMap<>();

    /** Reads the folder's record; a missing or unreadable one gives an empty record. */
    static Manifest read(Path folder) {
        Manifest manifest = new Manifest();
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return manifest;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            manifest.repo = root.path("repo").asText(null);
            manifest.revision = root.path("revision").asText(null);
            manifest.commit = root.path("commit").asText(null);
            manifest.precision = root.path("precision").asText(null);
            root.path("files").fields().forEachRemaining(field -> {
                JsonNode e = field.getValue();
                manifest.files.put(field.getKey(), new Entry(e.path("source").asText(field.getKey()),
                        e.path("size").asLong(-1), e.path("sha256").asText(""), e.path("gitBlobId").asText(null),
                        e.path("modified").asLong(-1)));
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the unreadable pull record {}: {}", file, e.getMessage());
            manifest.files.clear();
        }
        return manifest;
    }

    static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE_NAME));
    }

    /** Writes the record next to the files, replacing the old one atomically. */
    void write(Path folder) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("repo", repo);
        root.put("revision", revision);
        root.put("commit", commit);
        root.put("precision", precision);
        ObjectNode list = root.putObject("files");
        files.forEach((path, e) -> {
            ObjectNode node = list.putObject(path);
            node.put("source", e.source());
            node.put("size", e.size());
            node.put("sha256", e.sha256());
            if (e.gitBlobId() != null) {
                node.put("gitBlobId", e.gitBlobId());
            }
            node.put("modified", e.modified());
        });
        Path target = folder.resolve(FILE_NAME);
        Path temporary = folder.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(temporary.toFile(), root);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void source(RepoRef ref, String commitId, Precision requested) {
        repo = ref.repo();
        revision = ref.revision();
        commit = commitId;
        precision = requested == null ? null : requested.id();
    }

    /** {@code owner/name@revision} this folder was pulled from, when it was. */
    Optional<String> origin() {
        if (repo == null) {
            return Optional.empty();
        }
        return Optional.of(revision == null || revision.equals(RepoRef.MAIN) ? repo : repo + "@" + revision);
    }

    Optional<Entry> get(String localPath) {
        return Optional.ofNullable(files.get(localPath));
    }

    void put(String localPath, Entry entry) {
        files.put(localPath, entry);
    }

    void retainOnly(java.util.Collection<String> localPaths) {
        files.keySet().retainAll(localPaths);
    }

    Map<String, Entry> files() {
        return Collections.unmodifiableMap(files);
    }
}
