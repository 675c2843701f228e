package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus}) as a child process on a free 127.0.0.1 port, scraping
 * one target every second and evaluating the given rule files every second: the way to check that the
 * exporter's series and the alert pack fit together.
 */
public final class PrometheusServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private PrometheusServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts Prometheus scraping {@code target} ("host:port") with {@code ruleFiles} loaded; waits until ready. */
    public static PrometheusServer start(String target, List<Path> ruleFiles) {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("prometheus binary not found at " + binary + ": install Debian package prometheus");
        }
        try {
            Path dir = Files.createTempDirectory("openim-prometheus-");
            StringBuilder rules = new StringBuilder();
            ruleFiles.forEach(f -> rules.append("  - ").append(f.toAbsolutePath()).append('\n'));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                    %sscrape_configs:
                      - job_name: openim-exporter
                        static_configs:
                          - targets: ["%s"]
                    """.formatted(rules, target));
            int port = Ports.free();
            ProcessBuilder pb = new ProcessBuilder(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=" + Ports.HOST + ":" + port);
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("prometheus.log").toFile());
            PrometheusServer server = new PrometheusServer(dir, port, pb.start());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "prometheus-shutdown-" + port));
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start prometheus", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited; log: " + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // still starting
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("prometheus not ready within 20 s; log: " + log());
    }

    /** GET on Prometheus' HTTP API, e.g. {@code /api/v1/alerts}. */
    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + Ports.HOST + ":" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON answer of an instant query. */
    public String query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Dirs.deleteTree(dir);
    }
}
