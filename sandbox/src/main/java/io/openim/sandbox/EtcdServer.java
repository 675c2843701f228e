package io.openim.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (the Debian {@code etcd-server} binary) as a child process on free 127.0.0.1 ports, with its own
 * temporary data directory. A shutdown hook makes sure no etcd outlives the JVM.
 */
public final class EtcdServer implements AutoCloseable {
    private static final Path DEBIAN_BINARY = Paths.get("/usr/bin/etcd");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Path binary;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile Process process;

    private EtcdServer(Path binary, Path dataDir, int clientPort, int peerPort) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.shutdownHook = new Thread(this::destroyAndDelete, "etcd-shutdown-" + clientPort);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts etcd and waits until {@code /health} answers; retries on fresh ports if a port was taken meanwhile. */
    public static EtcdServer start() {
        Path binary = findBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("openim-etcd-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create etcd data dir", e);
            }
            EtcdServer server = new EtcdServer(binary, dir, Ports.free(), Ports.free());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    /** "127.0.0.1:PORT", the form OpenIM's discovery.yml and the exporter config use. */
    public String endpoint() {
        return Ports.HOST + ":" + clientPort;
    }

    /** "http://127.0.0.1:PORT", the form jetcd wants. */
    public String url() {
        return "http://" + endpoint();
    }

    /** Where etcd keeps its data; {@code etcd.log} in it has etcd's output. */
    public Path dataDir() {
        return dataDir;
    }

    /** Kills etcd (like a crash), keeping data dir and ports so {@link #restart()} brings the same state back. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("etcd did not die: pid " + p.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts etcd again on the same ports and data dir, and waits until it serves. */
    public synchronized void restart() {
        stop();
        launch();
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops etcd and deletes its data dir. */
    @Override
    public void close() {
        destroyAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway and is harmless twice
        }
    }

    private synchronized void launch() {
        String client = "http://" + Ports.HOST + ":" + clientPort;
        String peer = "http://" + Ports.HOST + ":" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(binary.toString(),
                "--name", "t",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "t=" + peer,
                "--logger", "zap"));
        // ETCD_* variables from the caller's environment would override these flags
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("etcd exited during start (port " + clientPort + " taken?); "
                        + "see " + logFile() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
            sleep(50);
        }
        stop();
        throw new IllegalStateException("etcd not healthy within " + READY_TIMEOUT.toSeconds() + " s on "
                + endpoint() + "; see " + logFile() + ":\n" + logTail());
    }

    private Path logFile() {
        return dataDir.resolve("etcd.log");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void destroyAndDelete() {
        stop();
        Dirs.deleteTree(dataDir);
    }

    private static Path findBinary() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return DEBIAN_BINARY;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Paths.get(dir, "etcd");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("etcd binary not found: install Debian package etcd-server");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EtcdServer[" + endpoint() + "]";
    }
}
