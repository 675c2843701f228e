package io.openim.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.openim.exporter.runtime.ResultStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code /metrics} (Prometheus text or OpenMetrics, negotiated), {@code /-/healthy}, {@code /-/ready}
 * and a landing page at {@code /}. Handlers only read the result store.
 */
public final class HttpEndpoints implements AutoCloseable {
    /** How long a rendered /metrics body may be reused while no check result changes. */
    private static final long MAX_BODY_AGE_NANOS = 1_000_000_000L;

    static {
        // without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: 40 ms a scrape
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public HttpEndpoints(String host, int port, PrometheusRegistry registry, ResultStore store, String version) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsEndpoint(registry, store::version, MAX_BODY_AGE_NANOS));
        server.createContext("/-/healthy", ex -> respond(ex, 200, "text/plain", "OK\n"));
        server.createContext("/-/ready", ex -> {
            boolean ready = store.ready();
            respond(ex, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "waiting for the first cycle of every check\n");
        });
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) {
                respond(ex, 404, "text/plain", "not found\n");
                return;
            }
            respond(ex, 200, "text/html; charset=utf-8", LandingPage.render(store, version));
        });
    }

    public HttpEndpoints start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
