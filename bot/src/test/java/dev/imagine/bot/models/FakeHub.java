package dev.imagine.bot.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Hugging Face hub on 127.0.0.1 for tests: the model API ({@code /api/models/{repo}/revision/{rev}?blobs=true}),
 * {@code /{repo}/resolve/{rev}/{path}} with Range support, LFS files redirected to a "CDN" server reached as
 * {@code localhost} (another host name and port, so another origin), gated repositories, and faults injected
 * per file: cut connections, corrupt bytes, ignored ranges, error statuses and stalls.
 */
public final class FakeHub implements AutoCloseable {
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as a server saw it. */
    public record Request(String server, String path, String authorization, String range) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fake-hub");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
    private final List<CountDownLatch> stalls = new CopyOnWriteArrayList<>();
    private volatile boolean redirectLfs = true;

    private static final class Repo {
        final Map<String, byte[]> files = new TreeMap<>();
        volatile String token;
        volatile boolean gated;
    }

    /** A fault applied to the next {@code times} answers for one file. */
    private record Fault(Kind kind, long bytes, AtomicInteger left, int status) {
    }

    private enum Kind { CUT, CORRUPT, IGNORE_RANGE, REFUSE_RANGE, STATUS, STALL }

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    /** The hub's base URL, {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    /** Serves every file under {@code folder} as repository {@code repo}. */
    public void addRepo(String repo, Path folder) throws IOException {
        Repo r = new Repo();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                r.files.put(folder.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        repos.put(repo, r);
    }

    /** Adds or replaces one file of {@code repo}. */
    public void putFile(String repo, String path, byte[] content) {
        repos.get(repo).files.put(path, content);
    }

    /** Removes one file of {@code repo}. */
    public void removeFile(String repo, String path) {
        repos.get(repo).files.remove(path);
    }

    /** Makes {@code repo} gated: its files need {@code Authorization: Bearer token}. */
    public void gate(String repo, String token) {
        repos.get(repo).gated = true;
        repos.get(repo).token = token;
    }

    /** Serves LFS files directly instead of redirecting them to the CDN. */
    public void serveLfsDirectly() {
        redirectLfs = false;
    }

    public byte[] file(String repo, String path) {
        return repos.get(repo).files.get(path);
    }

    /** The next {@code times} answers for {@code path} send {@code bytes} bytes of the body, then drop the connection. */
    public void cutAfter(String path, long bytes, int times) {
        addFault(path, new Fault(Kind.CUT, bytes, new AtomicInteger(times), 0));
    }

    /** The next {@code times} answers for {@code path} flip one byte in the middle. */
    public void corrupt(String path, int times) {
        addFault(path, new Fault(Kind.CORRUPT, 0, new AtomicInteger(times), 0));
    }

    /** The next {@code times} answers for {@code path} ignore Range and send the whole file with 200. */
    public void ignoreRange(String path, int times) {
        addFault(path, new Fault(Kind.IGNORE_RANGE, 0, new AtomicInteger(times), 0));
    }

    /** The next {@code times} ranged answers for {@code path} are 416 (Range Not Satisfiable). */
    public void refuseRange(String path, int times) {
        addFault(path, new Fault(Kind.REFUSE_RANGE, 0, new AtomicInteger(times), 0));
    }

    /** The next {@code times} requests for {@code path} (API: {@code "api"}) are answered with {@code status}. */
    public void failWith(String path, int status, int times) {
        addFault(path, new Fault(Kind.STATUS, 0, new AtomicInteger(times), status));
    }

    /** The next answer for {@code path} sends {@code bytes} bytes, then goes silent until the hub is closed. */
    public void stallAfter(String path, long bytes) {
        addFault(path, new Fault(Kind.STALL, bytes, new AtomicInteger(1), 0));
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests for file contents (resolve on the hub, and the CDN), not the listing API. */
    public List<Request> fileRequests() {
        return requests.stream().filter(r -> !r.path().startsWith("/api/")).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    /** The git blob id of {@code content}: SHA-1 of "blob SIZE\0" and the bytes, git's definition. */
    public static String gitBlobId(byte[] content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(content));
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(content));
    }

    /** Which files the hub stores in LFS, as the usual .gitattributes of model repositories say. */
    public static boolean isLfs(String path) {
        return Stream.of(".onnx", ".onnx_data", ".pb", ".safetensors", ".bin", ".ckpt").anyMatch(path::endsWith);
    }

    @Override
    public void close() {
        stalls.forEach(CountDownLatch::countDown);
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }

    private void addFault(String path, Fault fault) {
        faults.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(fault);
    }

    private Fault takeFault(String path, Kind kind) {
        for (Fault fault : faults.getOrDefault(path, List.of())) {
            if (fault.kind() == kind && fault.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return fault;
            }
        }
        return null;
    }

    private void record(String server, HttpExchange exchange) {
        requests.add(new Request(server, exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Range")));
    }

    private void handleHub(HttpExchange exchange) throws IOException {
        record("hub", exchange);
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/api/models/")) {
                listing(exchange, path.substring("/api/models/".length()));
                return;
            }
            int resolve = path.indexOf("/resolve/");
            if (resolve < 0) {
                empty(exchange, 404, "EntryNotFound");
                return;
            }
            String repoName = path.substring(1, resolve);
            Repo repo = repos.get(repoName);
            if (repo == null) {
                empty(exchange, 401, "RepoNotFound");
                return;
            }
            String rest = path.substring(resolve + "/resolve/".length());
            String revision = rest.substring(0, rest.indexOf('/'));
            String file = rest.substring(rest.indexOf('/') + 1);
            if (!revision.equals(COMMIT) && !revision.equals("main")) {
                empty(exchange, 404, "RevisionNotFound");
                return;
            }
            if (repo.gated) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth == null) {
                    empty(exchange, 401, "GatedRepo");
                    return;
                }
                if (!auth.equals("Bearer " + repo.token)) {
                    empty(exchange, 403, "GatedRepo");
                    return;
                }
            }
            byte[] content = repo.files.get(file);
            if (content == null) {
                empty(exchange, 404, "EntryNotFound");
                return;
            }
            Fault status = takeFault(file, Kind.STATUS);
            if (status != null) {
                if (status.status() == 503) {
                    exchange.getResponseHeaders().add("Retry-After", "0");
                }
                empty(exchange, status.status(), null);
                return;
            }
            if (isLfs(file) && redirectLfs) {
                String location = "http://localhost:" + cdn.getAddress().getPort() + "/cdn/" + repoName + "/" + file
                        + "?X-Signature=abc";
                exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            serve(exchange, file, content);
        }
    }

    private void handleCdn(HttpExchange exchange) throws IOException {
        record("cdn", exchange);
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/cdn/".length());
            for (Map.Entry<String, Repo> repo : repos.entrySet()) {
                if (path.startsWith(repo.getKey() + "/")) {
                    String file = path.substring(repo.getKey().length() + 1);
                    byte[] content = repo.getValue().files.get(file);
                    if (content != null) {
                        serve(exchange, file, content);
                        return;
                    }
                }
            }
            empty(exchange, 404, null);
        }
    }

    private void serve(HttpExchange exchange, String file, byte[] original) throws IOException {
        byte[] content = original;
        if (takeFault(file, Kind.CORRUPT) != null) {
            content = original.clone();
            content[content.length / 2] ^= 0x5a;
        }
        long from = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")
                && takeFault(file, Kind.IGNORE_RANGE) == null) {
            from = Long.parseLong(range.substring(6, range.length() - 1));
            if (from >= content.length || takeFault(file, Kind.REFUSE_RANGE) != null) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = (int) (content.length - from);
        Fault cut = takeFault(file, Kind.CUT);
        Fault stall = cut == null ? takeFault(file, Kind.STALL) : null;
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, length == 0 ? -1 : length);
        OutputStream body = exchange.getResponseBody();
        if (cut != null || stall != null) {
            long sent = Math.min(length, (cut != null ? cut : stall).bytes());
            body.write(content, (int) from, (int) sent);
            body.flush();
            if (stall != null) {
                CountDownLatch latch = new CountDownLatch(1);
                stalls.add(latch);
                try {
                    latch.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // An exception out of the handler makes HttpServer close the connection short of Content-Length.
            throw new IOException("fake hub: dropping the connection after " + sent + " bytes");
        }
        body.write(content, (int) from, length);
        body.close();
    }

    private void listing(HttpExchange exchange, String rest) throws IOException {
        int at = rest.indexOf("/revision/");
        String repoName = at < 0 ? rest : rest.substring(0, at);
        String revision = at < 0 ? "main" : rest.substring(at + "/revision/".length());
        Fault status = takeFault("api", Kind.STATUS);
        if (status != null) {
            empty(exchange, status.status(), null);
            return;
        }
        Repo repo = repos.get(repoName);
        if (repo == null) {
            empty(exchange, 401, "RepoNotFound");
            return;
        }
        if (!revision.equals("main") && !revision.equals(COMMIT)) {
            empty(exchange, 404, "RevisionNotFound");
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("id", repoName);
        root.put("sha", COMMIT);
        if (repo.gated) {
            root.put("gated", "manual");
        } else {
            root.put("gated", false);
        }
        ArrayNode siblings = root.putArray("siblings");
        List<String> names = new ArrayList<>(repo.files.keySet());
        for (String name : names) {
            byte[] content = repo.files.get(name);
            ObjectNode sibling = siblings.addObject();
            sibling.put("rfilename", name);
            if (isLfs(name)) {
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(content)
                        + "\nsize " + content.length + "\n";
                sibling.put("blobId", gitBlobId(pointer.getBytes(StandardCharsets.US_ASCII)));
                sibling.put("size", content.length);
                ObjectNode lfs = sibling.putObject("lfs");
                lfs.put("sha256", sha256(content));
                lfs.put("size", content.length);
                lfs.put("pointerSize", pointer.length());
            } else {
                sibling.put("blobId", gitBlobId(content));
                sibling.put("size", content.length);
            }
        }
        byte[] body = JSON.writeValueAsBytes(root);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void empty(HttpExchange exchange, int status, String errorCode) throws IOException {
        if (errorCode != null) {
            exchange.getResponseHeaders().add("X-Error-Code", errorCode);
        }
        exchange.sendResponseHeaders(status, -1);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
