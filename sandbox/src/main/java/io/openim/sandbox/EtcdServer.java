package io.openim.sandbox;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /** The root user's password once {@link #enableAuthWithReader} has run. */
    public static final String ROOT_PASSWORD = "rootpw";

    /**
     * Turns authentication on with a root user and one user whose role may only read keys under {@code prefix}
     * (the least privilege the exporter needs): a read-only principal for tests that prove the exporter writes nothing.
     */
    public void enableAuthWithReader(String prefix, String user, String password) throws Exception {
        try (Client admin = Client.builder().endpoints(url()).build()) {
            Auth auth = admin.getAuthClient();
            auth.userAdd(bytes("root"), bytes(ROOT_PASSWORD)).get(5, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("root"), bytes("root")).get(5, TimeUnit.SECONDS);
            auth.roleAdd(bytes("openim-reader")).get(5, TimeUnit.SECONDS);
            // [prefix, prefix with its last byte + 1): every key under the prefix
            String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
            auth.roleGrantPermission(bytes("openim-reader"), bytes(prefix), bytes(end), Permission.Type.READ).get(5, TimeUnit.SECONDS);
            auth.userAdd(bytes(user), bytes(password)).get(5, TimeUnit.SECONDS);
            auth.userGrantRole(bytes(user), bytes("openim-reader")).get(5, TimeUnit.SECONDS);
            auth.authEnable().get(5, TimeUnit.SECONDS);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
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
