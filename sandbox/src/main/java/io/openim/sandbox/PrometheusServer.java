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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus}) as a child process on a free 127.0.0.1 port, scraping
 * its targets every second and evaluating the given rule files every second: the way to check that the
 * exporter's series and the alert pack fit together.
 */
public final class PrometheusServer extends ServerProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Map<String, List<String>> targetsByJob;
    private final List<Path> ruleFiles;
    /** "host:port" of an Alertmanager to send alerts to, or null. */
    private final String alertmanager;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private PrometheusServer(Path binary, Path dir, int port, Map<String, List<String>> targetsByJob, List<Path> ruleFiles,
                             String alertmanager) {
        super("prometheus", dir, Duration.ofSeconds(10));
        this.binary = binary;
        this.port = port;
        this.targetsByJob = Map.copyOf(targetsByJob);
        this.ruleFiles = List.copyOf(ruleFiles);
        this.alertmanager = alertmanager;
    }

    /** Starts Prometheus scraping {@code target} ("host:port") with {@code ruleFiles} loaded; waits until ready. */
    public static PrometheusServer start(String target, List<Path> ruleFiles) {
        return start(Map.of("openim-exporter", List.of(target)), ruleFiles);
    }

    /** Starts Prometheus scraping each job's targets ("host:port") with {@code ruleFiles} loaded; waits until ready. */
    public static PrometheusServer start(Map<String, List<String>> targetsByJob, List<Path> ruleFiles) {
        return start(targetsByJob, ruleFiles, null);
    }

    /** As {@link #start(Map, List)}, sending alerts to the Alertmanager at {@code alertmanager} ("host:port"). */
    public static PrometheusServer start(Map<String, List<String>> targetsByJob, List<Path> ruleFiles, String alertmanager) {
        Path binary = binary("prometheus", "prometheus");
        return startInTempDir("prometheus", 1,
                dir -> new PrometheusServer(binary, dir, Ports.free(), targetsByJob, ruleFiles, alertmanager));
    }

    @Override
    void prepare() {
        StringBuilder rules = new StringBuilder();
        ruleFiles.forEach(f -> rules.append("  - ").append(f.toAbsolutePath()).append('\n'));
        StringBuilder jobs = new StringBuilder();
        targetsByJob.forEach((job, targets) -> jobs.append("  - job_name: ").append(job)
                .append("\n    static_configs:\n      - targets: [\"").append(String.join("\", \"", targets)).append("\"]\n"));
        String alerting = alertmanager == null ? "" : """
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["%s"]
                """.formatted(alertmanager);
        try {
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                    %sscrape_configs:
                    %s""".formatted(rules, jobs) + alerting);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write prometheus.yml", e);
        }
    }

    @Override
    ProcessBuilder command() {
        return new ProcessBuilder(binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + Ports.HOST + ":" + port);
    }

    @Override
    void awaitReady() {
        pollUntil(READY_TIMEOUT, 100, () -> {
            try {
                return get("/-/ready").statusCode() == 200;
            } catch (UncheckedIOException notYet) {
                return false; // still starting
            }
        });
    }

    /** A SIGTERM first: Prometheus gets 5 s to shut down cleanly before the kill. */
    @Override
    void end(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
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

    /** "http://127.0.0.1:port", for people and links. */
    public String url() {
        return "http://" + Ports.HOST + ":" + port;
    }

    @Override
    public String toString() {
        return "PrometheusServer[" + Ports.HOST + ":" + port + "]";
    }
}
