package io.openim.sandbox;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker in KRaft mode (broker and controller in one process) as a child JVM on free
 * 127.0.0.1 ports, from the jars in {@code sandbox/target/kafka-libs}. Client listeners: plain, SSL (a self-signed
 * certificate for 127.0.0.1, see {@link #caCertificate()}),
 * and SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256 users (the way OpenIM's kafka.yml authenticates). ACLs are
 * enforced only on resources that have some (the plain listener's ANONYMOUS is a super user), so a test can take a
 * permission away from a SASL user on its own topic.
 * Settings are tuned for tests: one partition by default, replication 1, no initial rebalance delay.
 */
public final class KafkaBroker extends ServerProcess {
    public static final String PLAIN_USER = "openim";
    public static final String PLAIN_PASSWORD = "openim-plain-secret";
    public static final String SCRAM_USER = "openim-scram";
    public static final String SCRAM_PASSWORD = "openim-scram-secret";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path libs;
    private final int port;
    private final int saslPort;
    private final int controllerPort;
    private final int sslPort;
    private final int heapMb;

    private KafkaBroker(Path libs, Path dir, int heapMb) {
        super("kafka", dir, Duration.ofSeconds(20));
        this.heapMb = heapMb;
        this.libs = libs;
        this.port = Ports.free();
        this.saslPort = Ports.free();
        this.controllerPort = Ports.free();
        this.sslPort = Ports.free();
    }

    /** Formats a fresh storage directory, starts the broker and waits until it answers a metadata request. */
    public static KafkaBroker start() {
        return start(384);
    }

    /** As {@link #start()}, with a bigger heap for the benchmark's thousands of partitions. */
    public static KafkaBroker start(int heapMb) {
        Path libs = libs();
        return startInTempDir("kafka", 1, dir -> new KafkaBroker(libs, dir, heapMb));
    }

    /**
     * Where the broker's jars are: {@code -Dopenim.kafka.libs}, {@code $KAFKA_LIBS}, or
     * {@code sandbox/target/kafka-libs} found from the working directory upward (the sandbox build puts them there).
     */
    public static Path libs() {
        String configured = System.getProperty("openim.kafka.libs", System.getenv("KAFKA_LIBS"));
        if (configured != null && !configured.isBlank()) {
            return check(Paths.get(configured));
        }
        Path here = Paths.get("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("sandbox/target/kafka-libs");
            if (Files.isDirectory(candidate)) {
                return check(candidate);
            }
        }
        throw new IllegalStateException("Kafka broker jars not found: build the sandbox module (mvn -pl sandbox package) "
                + "so sandbox/target/kafka-libs exists, or set -Dopenim.kafka.libs");
    }

    private static Path check(Path libs) {
        try (var s = Files.list(libs)) {
            if (s.noneMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"))) {
                throw new IllegalStateException("no kafka_2.13 jar in " + libs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + libs, e);
        }
        return libs;
    }

    /** "127.0.0.1:PORT" of the listener without authentication. */
    public String bootstrap() {
        return Ports.HOST + ":" + port;
    }

    /** "127.0.0.1:PORT" of the SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256). */
    public String saslBootstrap() {
        return Ports.HOST + ":" + saslPort;
    }

    /** "127.0.0.1:PORT" of the SSL listener (server certificate for 127.0.0.1, no client certificate needed). */
    public String sslBootstrap() {
        return Ports.HOST + ":" + sslPort;
    }

    /** PEM file of the broker's self-signed certificate: the {@code caCrt} a client trusts it with. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    // stop() keeps data and ports: restart() brings the same state back

    /** An Admin client on the plain listener. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /**
     * Runs one of Kafka's own command-line tools (e.g. {@code org.apache.kafka.tools.consumer.group.ConsumerGroupCommand})
     * from the broker's jars in a JVM of its own, and returns its standard output; fails on a non-zero exit.
     */
    public static String runTool(String mainClass, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j.configuration=file:/dev/null", "-cp", libs() + "/*", mainClass));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kafka-tool", ".out");
            Path err = Files.createTempFile("kafka-tool", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(mainClass + " did not finish within " + timeout);
                }
                String stdout = Files.readString(out);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(mainClass + " exited " + p.exitValue() + ": " + Files.readString(err) + stdout);
                }
                return stdout;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Storage formatted with a fresh cluster id and the SCRAM user, a certificate and the config: once, before the first launch. */
    @Override
    void prepare() {
        writeCertificate();
        writeConfig();
        format();
    }

    private void writeConfig() {
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Ports.HOST + ":" + controllerPort,
                "listeners=PLAINTEXT://" + Ports.HOST + ":" + port + ",SASL_PLAINTEXT://" + Ports.HOST + ":" + saslPort
                        + ",SSL://" + Ports.HOST + ":" + sslPort + ",CONTROLLER://" + Ports.HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + Ports.HOST + ":" + port + ",SASL_PLAINTEXT://" + Ports.HOST + ":" + saslPort
                        + ",SSL://" + Ports.HOST + ":" + sslPort,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT",
                "listener.name.ssl.ssl.keystore.type=PKCS12",
                "listener.name.ssl.ssl.keystore.location=" + dir.resolve("broker.p12"),
                "listener.name.ssl.ssl.keystore.password=" + TLS_PASSWORD,
                "listener.name.ssl.ssl.key.password=" + TLS_PASSWORD,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                // fewer __consumer_offsets partitions: the first group coordinator lookup is quicker
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.min.session.timeout.ms=500",
                "auto.create.topics.enable=true",
                "delete.topic.enable=true",
                "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256",
                // ACLs apply only to resources that have some (a test's own topic); everything else stays open, and
                // the plain listener and the controller (ANONYMOUS) may do anything
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=true",
                "super.users=User:ANONYMOUS",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                        + PLAIN_USER + "=\"" + PLAIN_PASSWORD + "\";",
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "");
        String log4j = String.join("\n",
                "log4j.rootLogger=WARN, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.kafka.server.KafkaRaftServer=INFO",
                "");
        try {
            Files.writeString(dir.resolve("server.properties"), props, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String TLS_PASSWORD = "openim-tls";

    /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool (no openssl needed), and its PEM for clients. */
    private void writeCertificate() {
        String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        String store = dir.resolve("broker.p12").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store, "-storepass", TLS_PASSWORD, "-keypass", TLS_PASSWORD), "keytool -genkeypair");
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", store, "-storepass", TLS_PASSWORD,
                "-file", caCertificate().toString()), "keytool -exportcert");
    }

    private void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw failure(what + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void format() {
        byte[] id = new byte[16];
        String clusterId;
        SecureRandom random = new SecureRandom();
        do {
            random.nextBytes(id);
            clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        } while (clusterId.startsWith("-"));
        List<String> cmd = new ArrayList<>(jvm(256));
        cmd.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", dir.resolve("server.properties").toString(),
                "--add-scram", "SCRAM-SHA-256=[name=" + SCRAM_USER + ",password=" + SCRAM_PASSWORD + "]"));
        run(cmd, "kafka storage format");
    }

    @Override
    ProcessBuilder command() {
        List<String> cmd = new ArrayList<>(jvm(heapMb));
        cmd.addAll(List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        return new ProcessBuilder(cmd);
    }

    private List<String> jvm(int heapMb) {
        return List.of(java(), "-Xmx" + heapMb + "m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-Dlog4j.configuration=file:" + dir.resolve("log4j.properties"),
                "-cp", libs + "/*");
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    void awaitReady() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1500,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            pollUntil(READY_TIMEOUT, 100, () -> {
                try {
                    return !admin.describeCluster().nodes().get(1500, TimeUnit.MILLISECONDS).isEmpty();
                } catch (Exception e) {
                    return false; // not serving yet
                }
            });
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrap() + "]";
    }
}
