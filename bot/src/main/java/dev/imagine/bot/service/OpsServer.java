package dev.imagine.bot.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoints on a local port: {@code /healthz} (a JSON report of the worker, the engine and the
 * database: 200 when all are fine, 503 otherwise) and {@code /metrics} (Prometheus text from Micrometer). Binds to the configured address only (default 127.0.0.1).
 * The caller owns it and closes it.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Starts serving.
     *
     * @param port 0 for any free port (see {@link #port()})
     * @param health makes the report of {@code /healthz}
     */
    OpsServer(String bindAddress, int port, PrometheusMeterRegistry metrics, Supplier<Health.Report> health)
            throws IOException {
        this(bindAddress, port, metrics, health, () -> { });
    }

    /**
     * Starts serving; {@code beforeScrape} runs before each {@code /metrics} answer (meters read from the database).
     */
    OpsServer(String bindAddress, int port, PrometheusMeterRegistry metrics, Supplier<Health.Report> health,
            Runnable beforeScrape) throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        } catch (BindException e) {
            throw new IllegalStateException("The operations endpoints cannot listen on " + bindAddress + " port " + port
                    + " (another program uses it); set operations.port to a free port (0 picks one) or operations.enabled to false", e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "imagine-ops");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> {
            Health.Report report = health.get();
            respond(exchange, report.healthy() ? 200 : 503, "application/json", report.json());
        });
        server.createContext("/metrics", exchange -> {
            beforeScrape.run();
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        });
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain", "not found; try /healthz or /metrics"));
        server.start();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
