package dev.imagine.bot.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to a Hugging Face hub: lists a revision's files and opens file downloads. Redirects are followed here,
 * not by the JDK, so that the {@code Authorization} header only goes to the endpoint's own origin (the hub sends
 * large files to a CDN on another host) while a {@code Range} header goes to every hop.
 */
final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-\\d+/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 10;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
    private static final String USER_AGENT = "imagine/0.1 (java.net.http)";

    private final HubSettings settings;
    private final HttpClient http;
    private final RetryPolicy retry;
    private final Duration stallTimeout;

    HubClient(HubSettings settings, HttpClient http, RetryPolicy retry, Duration stallTimeout) {
        this.settings = settings;
        this.http = http;
        this.retry = retry;
        this.stallTimeout = stallTimeout;
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    HubSettings settings() {
        return settings;
    }

    /**
     * Lists the files of {@code ref}'s revision, retrying network failures and 5xx answers (each retry is a note
     * to {@code listener}).
     *
     * @throws ModelException when the repository or revision does not exist, access is refused, or retries ran out
     */
    RepoListing list(RepoRef ref, PullListener listener) throws InterruptedException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + ref.repo() + "/revision/"
                + encodeSegment(ref.revision()) + "?blobs=true");
        int failures = 0;
        while (true) {
            try {
                HttpResponse<byte[]> response = send(uri, 0, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw failure(response.statusCode(), response.headers(), ref, null);
                }
                return parseListing(ref, response.body());
            } catch (TransientException e) {
                failures = waitOrGiveUp(++failures, e, "listing " + ref, listener);
            } catch (IOException e) {
                failures = waitOrGiveUp(++failures, new TransientException(describe(e)), "listing " + ref, listener);
            }
        }
    }

    /**
     * Requests {@code path} of {@code commit} from byte {@code from} on.
     *
     * @return the final answer after redirects; the caller closes it
     * @throws TransientException for network failures, 5xx and 429 answers (worth retrying)
     * @throws ModelException for answers that retrying will not change, e.g. 401, 403 or 404
     */
    Download open(RepoRef ref, String commit, String path, long from) throws IOException, InterruptedException {
        URI uri = URI.create(settings.endpoint() + "/" + ref.repo() + "/resolve/" + encodeSegment(commit) + "/"
                + encodePath(path));
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = send(uri, from, HttpResponse.BodyHandlers.ofPublisher());
        } catch (TransientException e) {
            throw e;
        } catch (IOException e) {
            throw new TransientException(describe(e));
        }
        int status = response.statusCode();
        if (status == 200 || status == 206) {
            return new Download(status, response.headers(), new BodyReader(response.body(), stallTimeout));
        }
        if (status == 416) {
            return new Download(status, response.headers(), null);
        }
        throw failure(status, response.headers(), ref, path);
    }

    /**
     * Waits before the next try, telling {@code listener} why, or throws when {@code failures} reached the limit;
     * returns {@code failures}.
     */
    int waitOrGiveUp(int failures, TransientException cause, String what, PullListener listener)
            throws InterruptedException {
        if (failures >= retry.maxAttempts()) {
            throw new ModelException(what + " failed " + (failures == 1 ? "once" : failures + " times in a row")
                    + ", last: " + cause.getMessage()
                    + "; check the network (or HF_ENDPOINT) and run the same command again");
        }
        Duration wait = retry.delay(failures, cause);
        String message = String.format(Locale.ROOT, "%s: %s; trying again in %.0f s (attempt %d of %d)", what,
                cause.getMessage(), wait.toMillis() / 1000.0, failures + 1, retry.maxAttempts());
        LOG.debug(message);
        listener.note(message);
        retry.sleeper().sleep(wait);
        return failures;
    }

    private <T> HttpResponse<T> send(URI start, long from, HttpResponse.BodyHandler<T> onSuccess)
            throws IOException, InterruptedException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(HEADERS_TIMEOUT)
                    .header("User-Agent", USER_AGENT);
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            if (settings.token().isPresent() && settings.sameOrigin(uri)) {
                request.header("Authorization", settings.token().get().authorizationHeader());
            }
            HttpResponse<T> response = http.send(request.build(), info -> info.statusCode() >= 200
                    && info.statusCode() < 300 ? onSuccess.apply(info) : HttpResponse.BodySubscribers.replacing(null));
            if (!isRedirect(response.statusCode())) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw new ModelException("the hub answered HTTP " + response.statusCode() + " without a Location for "
                        + start.getPath());
            }
            URI next = uri.resolve(location.strip());
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new ModelException("the hub redirected " + start.getPath() + " to a non-HTTP address");
            }
            if (!settings.sameOrigin(next)) {
                LOG.debug("{} redirects to {}", uri.getPath(), next.getHost());
            }
            uri = next;
        }
        throw new ModelException("more than " + MAX_REDIRECTS + " redirects for " + start.getPath());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private TransientException transientOrNull(int status, HttpHeaders headers) {
        if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
            Duration retryAfter = headers.firstValue("Retry-After").flatMap(HubClient::seconds).orElse(null);
            return new TransientException("the server answered HTTP " + status, retryAfter);
        }
        return null;
    }

    private IOException failure(int status, HttpHeaders headers, RepoRef ref, String path) {
        TransientException retryable = transientOrNull(status, headers);
        if (retryable != null) {
            return retryable;
        }
        throw refusal(status, headers.firstValue("X-Error-Code").orElse(""), ref, path);
    }

    /** A user-facing explanation of a 4xx answer; never contains the token. */
    ModelException refusal(int status, String errorCode, RepoRef ref, String path) {
        String page = settings.modelPage(ref.repo());
        boolean hasToken = settings.token().isPresent();
        if ((status == 401 || status == 403) && !errorCode.equals("RepoNotFound")) {
            if (!hasToken) {
                return new ModelException(ref.repo() + " is gated or private (HTTP " + status + "): open " + page
                        + ", sign in and accept the model's licence, then create a read token at "
                        + settings.tokensPage() + " and set HF_TOKEN to it (or pass --token-file FILE)");
            }
            if (status == 403 || errorCode.equals("GatedRepo")) {
                return new ModelException("the hub refused the token for " + ref.repo() + " (HTTP " + status
                        + "): accept the licence at " + page + " while signed in as the token's owner "
                        + "(access is granted per account), and make sure the token may read gated repositories");
            }
            return new ModelException("the hub did not accept the token (HTTP 401): it may be mistyped or revoked; "
                    + "create a new one at " + settings.tokensPage() + " and set HF_TOKEN to it");
        }
        if (status == 404 || errorCode.equals("RepoNotFound")) {
            if (errorCode.equals("RevisionNotFound")) {
                return new ModelException(ref.repo() + " has no revision '" + ref.revision() + "'; see the branches at "
                        + page + "/tree/main (many Stable Diffusion repositories keep an ONNX export in onnx)");
            }
            if (errorCode.equals("EntryNotFound") && path != null) {
                return new ModelException(ref + " lists " + path + " but the hub cannot find it; run the pull again");
            }
            return new ModelException("there is no repository " + ref.repo() + " (revision " + ref.revision() + ") on "
                    + settings.endpoint() + (hasToken ? "" : "; if it is private, set HF_TOKEN"));
        }
        return new ModelException("the hub answered HTTP " + status + " for " + (path == null ? ref : ref + " " + path));
    }

    private RepoListing parseListing(RepoRef ref, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new ModelException("the hub at " + settings.endpoint() + " did not answer with JSON for " + ref
                    + " (is HF_ENDPOINT a Hugging Face hub or mirror?)");
        }
        if (root == null || !root.isObject()) {
            throw new ModelException("the hub at " + settings.endpoint() + " answered " + ref + " with unexpected JSON");
        }
        String commit = root.path("sha").asText("");
        if (!commit.matches("[0-9a-fA-F]{7,64}")) {
            commit = ref.revision();
        }
        JsonNode gated = root.path("gated");
        boolean isGated = !(gated.isMissingNode() || gated.isNull() || (gated.isBoolean() && !gated.booleanValue()));
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode sibling : root.path("siblings")) {
            String path = sibling.path("rfilename").asText("");
            if (!isSafePath(path)) {
                LOG.warn("ignoring the listed file name '{}' of {}: not a plain relative path", path, ref);
                continue;
            }
            JsonNode lfs = sibling.path("lfs");
            String sha256 = null;
            JsonNode sizeNode = sibling.path("size");
            if (lfs.isObject()) {
                sha256 = lfs.path("sha256").asText(lfs.path("oid").asText(""));
                if (!SHA256.matcher(sha256).matches()) {
                    throw new ModelException("the hub listed " + path + " of " + ref + " without a valid SHA-256");
                }
                sha256 = sha256.toLowerCase(Locale.ROOT);
                if (lfs.path("size").canConvertToLong()) {
                    sizeNode = lfs.path("size");
                }
            }
            if (!sizeNode.canConvertToLong() || sizeNode.asLong() < 0) {
                throw new ModelException("the hub at " + settings.endpoint() + " listed " + path + " without its size; "
                        + "imagine needs the model API with blobs=true (a Hugging Face hub or a full mirror)");
            }
            String blob = sibling.path("blobId").asText(null);
            files.add(new RemoteFile(path, sizeNode.asLong(), sha256,
                    blob != null && blob.matches("[0-9a-fA-F]{40}") ? blob.toLowerCase(Locale.ROOT) : null));
        }
        return new RepoListing(commit, isGated, files);
    }

    static boolean isSafePath(String path) {
        if (path.isEmpty() || path.length() > 1000 || path.startsWith("/") || path.contains("\\")
                || path.chars().anyMatch(c -> c < ' ' || c == ':')) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(encodeSegment(part));
        }
        return out.toString();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters. */
    static String encodeSegment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /**
     * A download's answer: 200 (whole file), 206 (the requested range) or 416 (range not satisfiable, no body).
     */
    record Download(int status, HttpHeaders headers, BodyReader body) implements AutoCloseable {
        /** The first byte of a 206 answer from {@code Content-Range: bytes A-B/T}, or -1. */
        long rangeStart() {
            Matcher m = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse("").strip());
            return m.matches() ? Long.parseLong(m.group(1)) : -1;
        }

        @Override
        public void close() {
            if (body != null) {
                body.close();
            }
        }
    }
}
