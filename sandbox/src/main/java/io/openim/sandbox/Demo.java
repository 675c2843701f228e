package io.openim.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * One sandbox for all four checks, each visibly in trouble: the broken registry of {@link RegistryDemo}
 * (discovery), the Kafka pipeline of {@link KafkaDemo} with group {@code mongo} stuck and {@code offlinePush} gone
 * (kafka), the seq stores of {@link SeqDemo} with a few conversations per fault (seq), and OpenIM's log file
 * written by {@link OpenImLogWriter} with broken pipes, zero addresses and consume errors (logs). Writes the exporter
 * config to args[0] (default target/demo/exporter.yml), the log file to {@code logs/} next to it; runs until killed.
 */
public final class Demo implements AutoCloseable {
    /** Cycles short enough to watch: a stuck Kafka group is STALL after 3 cycles (15 s) and STOP after 6 (30 s). */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int KAFKA_STATUS_WINDOW = 6;
    static final Duration SEQ_GRACE = Duration.ofSeconds(15);
    static final String STUCK_GROUP = "mongo";
    static final String GONE_GROUP = "offlinePush";
    /** Lines per second per signature: mostly noise, as in a real log, and the incident's strings. */
    static final Map<String, Double> LOG_RATES = logRates();

    private final Path configFile;
    private final Path logDir;
    private final Resources resources = new Resources();
    private RegistryDemo registry;
    private KafkaDemo kafka;
    private SeqDemo seq;
    private OpenImLogWriter logs;
    private Path openImConfigDir;
    private DemoMonitoring monitoring; // main() only: tests read the sandbox without Prometheus

    public Demo(Path configFile) {
        this.configFile = configFile.toAbsolutePath();
        this.logDir = this.configFile.resolveSibling("logs");
    }

    private static Map<String, Double> logRates() {
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("noise", 20.0);
        r.put("broken_pipe", 2.0);
        r.put("zero_addresses", 1.0); // push has no registration: its callers log this
        r.put("user_online_status_failed", 0.5);
        r.put("consume_error", 0.5);
        r.put("mongo_insert_error", 0.2);
        r.put("subscribe_returned_normally", 1.0);
        return Collections.unmodifiableMap(r);
    }

    /** Starts every server, puts each check's fault in place, then writes the exporter config (last, whole). */
    public void start() throws Exception {
        // the broker takes longest to come up: it starts while the other stores are filled
        CompletableFuture<KafkaDemo> kafkaStart = CompletableFuture.supplyAsync(KafkaDemo::start);
        try {
            registry = resources.add(RegistryDemo.start());
            seq = resources.add(SeqDemo.start());
            deleteOldLogs(); // the exporter reads the file from the beginning: only this run's lines
            logs = resources.add(new OpenImLogWriter(logDir, OpenImLogWriter.Format.CONSOLE, Clock.systemDefaultZone()));
            logs.start(LOG_RATES);
        } catch (Exception | Error e) {
            kafkaStart.thenAccept(KafkaDemo::close);
            throw e;
        }
        try {
            kafka = resources.add(kafkaStart.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        // every group commits first, so the stuck and the gone group have offsets to lag behind
        if (!kafka.awaitFlowing(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the Kafka pipeline did not flow within 60 s");
        }
        kafka.consumer(STUCK_GROUP).pause();
        kafka.consumer(GONE_GROUP).stop();
        openImConfigDir = OpenImConfigDir.write(Generation.V3_8, configFile.resolveSibling("openim-config"),
                registry.etcdEndpoint());
        writeAtomically(configFile, exporterConfig());
    }

    /** The exporter's config: all four checks, on port 9400. */
    public String exporterConfig() {
        return "server:\n  host: 127.0.0.1\n  port: 9400\n" + checksConfig();
    }

    /** The four checks' sections of the exporter config, without {@code server:}. */
    public String checksConfig() {
        return registry.exporterSection()
                + kafka.exporterSection(INTERVAL, KAFKA_STATUS_WINDOW)
                + seq.exporterSection(INTERVAL, SEQ_GRACE)
                + "logs:\n  paths: ['" + logDir.resolve("openim-service-log.*") + "']\n  start: beginning\n"
                + "  interval: " + INTERVAL.toSeconds() + "s\n  timeout: " + INTERVAL.toSeconds() + "s\n";
    }

    public Path configFile() {
        return configFile;
    }

    public Path logFile() {
        return logs.currentFile();
    }

    public String summary() {
        return "OpenIM v3.8 sandbox\n"
                + registry.summary()
                + "kafka: broker " + kafka.bootstrap() + ", topics toRedis/toMongo/toPush/toOfflinePush (" + KafkaDemo.PARTITIONS
                + " partitions), 20 msgs/s into toRedis\n"
                + "  " + STUCK_GROUP + "        PAUSED: stays in the group, commits nothing; lag grows, STALL after "
                + INTERVAL.multipliedBy((KAFKA_STATUS_WINDOW + 1) / 2).toSeconds() + " s, STOP after "
                + INTERVAL.multipliedBy(KAFKA_STATUS_WINDOW).toSeconds() + " s\n"
                + "  " + GONE_GROUP + "  STOPPED: left the group (Empty, 0 members); lag grows\n"
                + "  redis, push   consuming\n"
                + seq.summary()
                + "logs: " + logs.currentFile() + " (console format), lines/s: " + LOG_RATES + "\n"
                + "OpenIM config dir: " + openImConfigDir + "\n"
                + "exporter config:   " + configFile + "\n";
    }

    @Override
    public void close() {
        resources.close();
        try {
            Files.deleteIfExists(configFile); // its ports are gone now
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private void deleteOldLogs() throws IOException {
        if (!Files.isDirectory(logDir)) {
            return;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(logDir, "openim-service-log.*")) {
            for (Path f : old) {
                Files.delete(f);
            }
        }
    }

    /** Written whole so a script waiting for the file never reads half of it. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR"); // no "no SLF4J providers" banner in the demo
        Demo demo = new Demo(Paths.get(args.length > 0 ? args[0] : "target/demo/exporter.yml"));
        CountDownLatch stopped = new CountDownLatch(1);
        // may run while start() is still adding servers: whatever was started by then is stopped
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
            System.out.println("sandbox stopped");
        }, "demo-shutdown"));
        long t0 = System.nanoTime();
        try {
            demo.start();
        } catch (Exception e) {
            System.out.println("sandbox failed to start: " + e);
            e.printStackTrace(System.out);
            System.exit(1); // runs the hook: what was started is stopped, and demo.sh sees the exit
        }
        try {
            // Prometheus (alert pack loaded) scraping the exporter demo.sh starts on 9400 and OpenIM's processes'
            // /metrics, and Alertmanager with the example routing: stopped by close() with the rest
            OpenImTraffic traffic = demo.resources.add(OpenImTraffic.start(Generation.V3_8, OpenImTraffic.Rates.demo()));
            Map<String, java.util.List<String>> jobs = new LinkedHashMap<>();
            jobs.put("openim-exporter", java.util.List.of("127.0.0.1:9400"));
            jobs.putAll(traffic.targets());
            demo.monitoring = demo.resources.add(DemoMonitoring.start(DemoMonitoring.alertsDir(),
                    demo.configFile.resolveSibling("monitoring"), jobs));
        } catch (Exception e) {
            System.out.println("Prometheus/Alertmanager failed to start: " + e);
            System.exit(1);
        }
        System.out.print(demo.summary());
        System.out.print(demo.monitoring.summary());
        System.out.printf("started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        stopped.await();
    }
}
