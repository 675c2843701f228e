package io.openim.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis (Debian {@code redis-server}) as a child process on a free 127.0.0.1 port, no persistence,
 * with a password for the default user and a read-only ACL user, the way an operator would give the
 * exporter access. A shutdown hook makes sure no Redis outlives the JVM.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path DEBIAN_BINARY = Paths.get("/usr/bin/redis-server");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    /** Password of the default (admin) user, used by the sandbox writers. */
    public static final String ADMIN_PASSWORD = "openIM123";
    /** The read-only user the exporter's tests run as. */
    public static final String READER_USER = "reader";
    public static final String READER_PASSWORD = "reader-pw";
    /**
     * Read commands only, plus what a client needs to connect (HELLO, AUTH, SELECT) and
     * to look around (PING, INFO). SCAN is in {@code @read}; no {@code @write}, no {@code @dangerous}.
     */
    public static final String READER_RULES = "on >" + READER_PASSWORD
            + " ~* &* resetchannels -@all +@read +@connection -keys +info +select";

    private final Path binary;
    private final Path dir;
    private final int port;
    private final Thread shutdownHook;
    private final boolean tls;
    private volatile Process process;

    private RedisServer(Path binary, Path dir, int port, boolean tls) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.tls = tls;
        this.shutdownHook = new Thread(this::destroyAndDelete, "redis-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts Redis and waits until it answers PING; retries on a fresh port if the port was taken meanwhile. */
    public static RedisServer start() {
        return start(false);
    }

    /**
     * TLS only (no plain port), with a certificate for 127.0.0.1 signed by a private CA made with {@code openssl}
     * ({@link #caFile()}); clients need not present a certificate.
     */
    public static RedisServer startTls() {
        return start(true);
    }

    private static RedisServer start(boolean tls) {
        Path binary = findBinary();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("openim-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create redis dir", e);
            }
            RedisServer server = new RedisServer(binary, dir, Ports.free(), tls);
            try {
                if (tls) {
                    server.makeCertificates();
                }
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    public String host() {
        return Ports.HOST;
    }

    public int port() {
        return port;
    }

    /** "127.0.0.1:PORT", the form OpenIM's redis.yml uses. */
    public String address() {
        return Ports.HOST + ":" + port;
    }

    /** The private CA (PEM) that signed a TLS server's certificate. */
    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** A lettuce URI for the admin user on database {@code db}. */
    public String adminUri(int db) {
        return "redis://:" + ADMIN_PASSWORD + "@" + address() + "/" + db;
    }

    /** Kills Redis (like a crash); {@link #restart()} brings it back on the same port, empty. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis did not die: pid " + p.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void restart() {
        stop();
        launch();
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public void close() {
        destroyAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private synchronized void launch() {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--bind", Ports.HOST));
        if (tls) {
            cmd.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file", dir.resolve("server.crt").toString(),
                    "--tls-key-file", dir.resolve("server.key").toString(), "--tls-ca-cert-file", caFile().toString(),
                    "--tls-auth-clients", "no"));
        } else {
            cmd.addAll(List.of("--port", String.valueOf(port)));
        }
        cmd.addAll(List.of(
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--databases", "64",
                "--requirepass", ADMIN_PASSWORD));
        // redis-server joins the words after --user into one config line
        cmd.add("--user");
        cmd.add(READER_USER);
        cmd.addAll(List.of(READER_RULES.split(" ")));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        awaitPing();
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("redis exited during start (port " + port + " taken?):\n" + logTail());
            }
            if (tls) {
                if (run(List.of("redis-cli", "--tls", "--cacert", caFile().toString(), "-h", Ports.HOST, "-p", String.valueOf(port),
                        "-a", ADMIN_PASSWORD, "--no-auth-warning", "PING")).contains("PONG")) {
                    return;
                }
                sleepQuietly(50);
                continue;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(Ports.HOST, port), 500);
                s.setSoTimeout(1000);
                s.getOutputStream().write(("AUTH " + ADMIN_PASSWORD + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[64];
                int n = 0;
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until) {
                    int r = s.getInputStream().read(buf, n, buf.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                    if (new String(buf, 0, n, StandardCharsets.US_ASCII).contains("PONG")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis", e);
            }
        }
        stop();
        throw new IllegalStateException("redis not answering within " + READY_TIMEOUT.toSeconds() + " s on " + address() + ":\n" + logTail());
    }

    /** A CA and a server certificate for 127.0.0.1 / localhost, by the openssl command line. */
    private void makeCertificates() {
        String d = dir.toString();
        try {
            Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (List<String> cmd : List.of(
                List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out", d + "/ca.crt",
                        "-days", "2", "-subj", "/CN=openim-test-ca"),
                List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out", d + "/server.csr",
                        "-subj", "/CN=127.0.0.1"),
                List.of("openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                        "-CAcreateserial", "-out", d + "/server.crt", "-days", "2", "-extfile", d + "/ext.cnf"))) {
            run(cmd);
        }
        if (!Files.isRegularFile(dir.resolve("server.crt"))) {
            throw new IllegalStateException("openssl could not make test certificates in " + dir + " (install Debian package openssl)");
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void destroyAndDelete() {
        stop();
        Dirs.deleteTree(dir);
    }

    private static Path findBinary() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return DEBIAN_BINARY;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Paths.get(d, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("redis-server binary not found: install Debian package redis-server");
    }

    @Override
    public String toString() {
        return "RedisServer[" + address() + "]";
    }
}
