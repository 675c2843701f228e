package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) as a child process on a free 127.0.0.1 port, with
 * the given configuration text and clustering off: what a {@link PrometheusServer} sends its alerts to, so a test
 * sees which alerts are notified, routed and inhibited.
 */
public final class AlertmanagerServer extends ServerProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final String config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private AlertmanagerServer(Path binary, Path dir, int port, String config) {
        super("alertmanager", dir, Duration.ofSeconds(10));
        this.binary = binary;
        this.port = port;
        this.config = config;
    }

    /** Starts Alertmanager with {@code config} (alertmanager.yml text); waits until ready. */
    public static AlertmanagerServer start(String config) {
        Path binary = binary("prometheus-alertmanager", "prometheus-alertmanager");
        return startInTempDir("alertmanager", 2, dir -> new AlertmanagerServer(binary, dir, Ports.free(), config));
    }

    @Override
    void prepare() {
        try {
            Files.writeString(dir.resolve("alertmanager.yml"), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write alertmanager.yml", e);
        }
    }

    @Override
    ProcessBuilder command() {
        return new ProcessBuilder(List.of(binary.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--cluster.listen-address=",
                "--web.listen-address=" + address()));
    }

    @Override
    void awaitReady() {
        pollUntil(READY_TIMEOUT, 100, () -> {
            try {
                return get("/-/ready").statusCode() == 200;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        });
    }

    @Override
    void end(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** "127.0.0.1:port": what Prometheus' {@code alerting:} section points at. */
    public String address() {
        return Ports.HOST + ":" + port;
    }

    public String url() {
        return "http://" + address();
    }

    /** GET on Alertmanager's HTTP API, e.g. {@code /api/v2/alerts}. */
    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "AlertmanagerServer[" + address() + "]";
    }
}
