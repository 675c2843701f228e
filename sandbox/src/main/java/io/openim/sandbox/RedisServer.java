package io.openim.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis (Debian {@code redis-server}) as a child process on a free 127.0.0.1 port, no persistence,
 * with a password for the default user and a read-only ACL user, the way an operator would give the
 * exporter access. A shutdown hook makes sure no Redis outlives the JVM.
 */
public final class RedisServer extends ServerProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

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
    private final int port;
    private final boolean tls;

    private RedisServer(Path binary, Path dir, int port, boolean tls) {
        super("redis", dir, Duration.ofSeconds(10));
        this.binary = binary;
        this.port = port;
        this.tls = tls;
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
        Path binary = binary("redis-server", "redis-server");
        return startInTempDir("redis", START_ATTEMPTS, dir -> new RedisServer(binary, dir, Ports.free(), tls));
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

    // no persistence: after stop(), restart() brings Redis back on the same port, empty

    @Override
    void prepare() {
        if (tls) {
            makeCertificates();
        }
    }

    @Override
    ProcessBuilder command() {
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
        return new ProcessBuilder(cmd);
    }

    @Override
    void awaitReady() {
        if (tls) {
            pollUntil(READY_TIMEOUT, 50, () -> output(List.of("redis-cli", "--tls", "--cacert", caFile().toString(),
                    "-h", Ports.HOST, "-p", String.valueOf(port), "-a", ADMIN_PASSWORD, "--no-auth-warning", "PING")).contains("PONG"));
        } else {
            pollUntil(READY_TIMEOUT, 20, this::answersPing);
        }
    }

    /** AUTH and PING on a plain socket: no client library needed to see that Redis serves. */
    private boolean answersPing() {
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
                    return true;
                }
            }
        } catch (IOException e) {
            // not listening yet
        }
        return false;
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
            output(cmd);
        }
        if (!Files.isRegularFile(dir.resolve("server.crt"))) {
            throw new IllegalStateException("openssl could not make test certificates in " + dir + " (install Debian package openssl)");
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + address() + "]";
    }
}
