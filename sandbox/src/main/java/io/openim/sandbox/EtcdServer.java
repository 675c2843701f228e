package io.openim.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real etcd (the Debian {@code etcd-server} binary) as a child process on free 127.0.0.1 ports, with its own
 * temporary data directory. A shutdown hook makes sure no etcd outlives the JVM.
 */
public final class EtcdServer extends ServerProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final int clientPort;
    private final int peerPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdServer(Path binary, Path dataDir, int clientPort, int peerPort) {
        super("etcd", dataDir, Duration.ofSeconds(10));
        this.binary = binary;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Starts etcd and waits until {@code /health} answers; retries on fresh ports if a port was taken meanwhile. */
    public static EtcdServer start() {
        Path binary = binary("etcd", "etcd-server");
        return startInTempDir("etcd", START_ATTEMPTS, dir -> new EtcdServer(binary, dir, Ports.free(), Ports.free()));
    }

    /** "127.0.0.1:PORT", the form OpenIM's discovery.yml and the exporter config use. */
    public String endpoint() {
        return Ports.HOST + ":" + clientPort;
    }

    /** "http://127.0.0.1:PORT", the form jetcd wants. */
    public String url() {
        return "http://" + endpoint();
    }

    // stop() keeps the data dir: restart() brings the same keys back

    @Override
    ProcessBuilder command() {
        String client = "http://" + Ports.HOST + ":" + clientPort;
        String peer = "http://" + Ports.HOST + ":" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(),
                "--name", "t",
                "--data-dir", dir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "t=" + peer,
                "--logger", "zap"));
        // ETCD_* variables from the caller's environment would override these flags
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        return pb;
    }

    @Override
    void awaitReady() {
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
        pollUntil(READY_TIMEOUT, 50, () -> {
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
            } catch (IOException e) {
                return false; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
        });
    }

    @Override
    public String toString() {
        return "EtcdServer[" + endpoint() + "]";
    }
}
