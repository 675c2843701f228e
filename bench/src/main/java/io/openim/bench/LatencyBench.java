package io.openim.bench;

import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.KafkaPipeline;
import io.openim.sandbox.OpenImLogWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detection latency (bench/README.md, "Detection latency"), two of its figures, each side by side in one run:
 * <ul>
 *   <li>logs: one OpenIM "broken pipe" line appended → the counter changed at /metrics, for the exporter (launcher
 *       flags, default 15 s cycle) and for Debian's mtail following the same file with a program counting the same
 *       string; {@code ROUNDS} appends, p50/p99;</li>
 *   <li>Kafka: a group stuck for {@code STUCK_S} seconds before the exporter starts, records arriving meanwhile:
 *       {@code lag_seconds} at the first scrape that has it, against the true age of the oldest unconsumed record,
 *       with record timestamps (the default) and without ({@code lagTimestamps.enabled: false}: the interpolation,
 *       what the exporter had before), two exporters started at the same moment.</li>
 * </ul>
 * Usage: {@code LatencyBench OUT_DIR EXPORTER_JAR "JVM FLAGS"}; environment ROUNDS (100), STUCK_S (60).
 */
public final class LatencyBench {
    private static final String PIPE = "broken_pipe";

    private final Path out;
    private final Path jar;
    private final List<String> flags;
    private final List<String> report = new ArrayList<>();

    private LatencyBench(Path out, Path jar, List<String> flags) {
        this.out = out;
        this.jar = jar;
        this.flags = flags;
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        Files.createDirectories(out);
        List<String> flags = args.length > 2 && !args[2].isBlank() ? List.of(args[2].trim().split("\\s+")) : List.of();
        LatencyBench b = new LatencyBench(out, Paths.get(args[1]), flags);
        b.logs(intEnv("ROUNDS", 100));
        b.kafka(intEnv("STUCK_S", 60));
        Files.write(out.resolve("latency.md"), b.report, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ logs

    private void logs(int rounds) throws Exception {
        Path dir = out.resolve("logs");
        Files.createDirectories(dir);
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Path file = dir.resolve("openim-service-log.2026-05-16");
        append(file, 10);
        Path progs = out.resolve("mtail-progs");
        Files.createDirectories(progs);
        Files.writeString(progs.resolve("openim.mtail"), "counter " + PIPE + "\n/write: broken pipe/ {\n  " + PIPE + "++\n}\n");
        int mtailPort = freePort();
        String yaml = "server: {host: 127.0.0.1, port: 0}\ndiscovery: {enabled: false}\nlogs:\n  paths: ['" + dir
                + "/openim-service-log.*']\n  start: end\n  interval: 15s\n  timeout: 10s\n";
        Process mtail = new ProcessBuilder("mtail", "--progs", progs.toString(), "--logs", file.toString(),
                "--address", "127.0.0.1", "--port", Integer.toString(mtailPort), "--logtostderr")
                .redirectErrorStream(true).redirectOutput(out.resolve("mtail.log").toFile()).start();
        try (ExporterProcess e = ExporterProcess.start("logs-latency", jar, flags, yaml, out, p -> { })) {
            // both ready: the exporter's first cycle done, mtail serving its counter
            awaitTrue(() -> runs(e.port(), "logs") >= 1, 30, "exporter's first logs cycle");
            awaitTrue(() -> mtailCount(mtailPort) >= 0, 30, "mtail's /metrics");
            List<Long> ours = new ArrayList<>();
            List<Long> theirs = new ArrayList<>();
            Random random = new Random(7);
            for (int i = 1; i <= rounds; i++) {
                long t0 = System.nanoTime();
                append(file, 1);
                final int want = i;
                Thread t = new Thread(() -> theirs.add(until(() -> mtailCount(mtailPort) >= want, t0)));
                t.start();
                ours.add(until(() -> exporterCount(e.port()) >= want, t0));
                t.join();
                Thread.sleep(50 + random.nextInt(250)); // appends land at every phase of both pollers
            }
            Stats o = stats(ours);
            Stats m = stats(theirs);
            double exporterFinal = exporterCount(e.port());
            double mtailFinal = mtailCount(mtailPort);
            log("## Logs: append → counter changed at /metrics (" + rounds + " appends)");
            log("");
            log("| reader | p50 | p99 | max | final count |");
            log("|---|---:|---:|---:|---:|");
            log(String.format("| openim-exporter (15 s cycle, follow thread) | %s ms | %s ms | %s ms | %.0f |",
                    Stats.fmt(o.p50Ms()), Stats.fmt(o.p99Ms()), Stats.fmt(o.maxMs()), exporterFinal));
            log(String.format("| mtail %s (poll 250 ms) | %s ms | %s ms | %s ms | %.0f |", mtailVersion(),
                    Stats.fmt(m.p50Ms()), Stats.fmt(m.p99Ms()), Stats.fmt(m.maxMs()), mtailFinal));
            log(String.format("| ratio exporter / mtail | %.2f | %.2f | %.2f | |", o.p50Ms() / m.p50Ms(), o.p99Ms() / m.p99Ms(),
                    o.maxMs() / m.maxMs()));
            log("");
        } finally {
            mtail.destroy();
            mtail.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int seq;

    private static void append(Path file, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(OpenImLogWriter.line(OpenImLogWriter.Format.CONSOLE, LocalDateTime.now(), OpenImLogWriter.KINDS.get(PIPE),
                    1234, "op" + ++seq)).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static double exporterCount(int port) {
        return sum(port, Pattern.compile("^openim_log_signature_total\\{[^}]*signature=\"" + PIPE + "\"[^}]*} (\\S+)", Pattern.MULTILINE));
    }

    private static double mtailCount(int port) {
        return sum(port, Pattern.compile("^" + PIPE + "\\{[^}]*} (\\S+)", Pattern.MULTILINE));
    }

    private static double runs(int port, String check) {
        return sum(port, Pattern.compile("^openim_exporter_check_runs_total\\{check=\"" + check + "\"} (\\S+)", Pattern.MULTILINE));
    }

    /** Sum of the samples the pattern matches, -1 when /metrics cannot be read. */
    private static double sum(int port, Pattern p) {
        try {
            Matcher m = p.matcher(Scraper.scrapeFresh(port));
            double s = 0;
            while (m.find()) {
                s += Double.parseDouble(m.group(1));
            }
            return s;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String mtailVersion() {
        try {
            Process p = new ProcessBuilder("mtail", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            Matcher m = Pattern.compile("version (\\S+)").matcher(v);
            return m.find() ? m.group(1) : v;
        } catch (IOException e) {
            return "?";
        }
    }

    /** Nanoseconds from {@code t0} until the condition holds, polling every 5 ms (-1 after 30 s). */
    private static long until(java.util.function.BooleanSupplier done, long t0) {
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
            if (done.getAsBoolean()) {
                return System.nanoTime() - t0;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return TimeUnit.SECONDS.toNanos(30);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier done, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready within " + seconds + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Stats stats(List<Long> nanos) {
        return Stats.of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    // ------------------------------------------------------------------ kafka

    private void kafka(int stuckSeconds) throws Exception {
        String topic = "toRedis";
        String group = "redis";
        int partitions = 4;
        try (KafkaBroker broker = KafkaBroker.start();
             Admin admin = broker.admin();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            KafkaPipeline.createTopics(admin, List.of(topic), partitions);
            // the consumer handled 10 records per partition and committed, then stopped
            for (int i = 0; i < 10; i++) {
                send(producer, topic, partitions);
            }
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                commits.put(new TopicPartition(topic, p), new OffsetAndMetadata(10));
            }
            admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS);
            // from now on nothing is consumed: the first unconsumed records are written now
            long stuckAt = System.currentTimeMillis();
            send(producer, topic, partitions);
            log("## Kafka: a group stuck for " + stuckSeconds + " s before the exporter starts");
            log("");
            System.out.println("waiting " + stuckSeconds + " s while records keep arriving...");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(stuckSeconds);
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                send(producer, topic, partitions);
            }
            String base = "server: {host: 127.0.0.1, port: 0}\ndiscovery: {enabled: false}\nkafka:\n  address: ['"
                    + broker.bootstrap() + "']\n  groups: [" + group + "]\n  interval: 15s\n  timeout: 10s\n";
            try (ExporterProcess exact = ExporterProcess.start("kafka-timestamps", jar, flags, base, out, p -> { });
                 ExporterProcess interp = ExporterProcess.start("kafka-interpolated", jar, flags,
                         base + "  lagTimestamps: {enabled: false}\n", out, p -> { })) {
                double[] a = firstLagSeconds(exact.port(), group, topic);
                String sourcesA = sourcesSeen;
                double[] b = firstLagSeconds(interp.port(), group, topic);
                String sourcesB = sourcesSeen;
                double trueA = (a[1] - stuckAt) / 1000.0;
                double trueB = (b[1] - stuckAt) / 1000.0;
                log("| exporter | lag_seconds at the first scrape with the group | true age of the oldest unconsumed record at the end of that cycle | error |");
                log("|---|---:|---:|---:|");
                log(String.format("| record timestamps (default) | %.1f s | %.1f s | %+.1f s |", a[0], trueA, a[0] - trueA));
                log(String.format("| interpolation only (`lagTimestamps.enabled: false`, the exporter before) | %.1f s | %.1f s | %+.1f s |",
                        b[0], trueB, b[0] - trueB));
                log("");
                log("Sources at those scrapes: record timestamps: " + sourcesA + "; interpolation only: " + sourcesB + ".");
                log("");
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partitions) throws Exception {
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, "{\"seq\":1}".getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    /** The non-zero lag-seconds source counts at the first scrape {@link #firstLagSeconds} returned. */
    private static String sourcesSeen = "";

    private static final Pattern CYCLE_START = Pattern.compile(
            "^openim_exporter_last_success_timestamp_seconds\\{check=\"kafka\"} (\\S+)", Pattern.MULTILINE);
    private static final Pattern CYCLE_TOOK = Pattern.compile(
            "^openim_exporter_check_duration_seconds\\{check=\"kafka\"} (\\S+)", Pattern.MULTILINE);

    /**
     * {lag_seconds, wall-clock millis when the cycle that computed it ended} at the first scrape that shows the
     * group's lag in seconds: the true age is taken at the cycle's end, not at the scrape (which may come later).
     */
    private static double[] firstLagSeconds(int port, String group, String topic) throws InterruptedException {
        Pattern p = Pattern.compile("^openim_kafka_consumergroup_lag_seconds\\{group=\"" + Pattern.quote(group) + "\",topic=\""
                + Pattern.quote(topic) + "\"} (\\S+)", Pattern.MULTILINE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                String body = Scraper.scrapeFresh(port);
                Matcher m = p.matcher(body);
                Matcher start = CYCLE_START.matcher(body);
                Matcher took = CYCLE_TOOK.matcher(body);
                if (m.find() && start.find() && took.find()) {
                    double endMs = (Double.parseDouble(start.group(1)) + Double.parseDouble(took.group(1))) * 1000;
                    sourcesSeen = body.lines().filter(l -> l.startsWith("openim_kafka_lag_seconds_") && !l.endsWith(" 0.0"))
                            .map(l -> "`" + l + "`").reduce((a, b) -> a + ", " + b).orElse("");
                    return new double[]{Double.parseDouble(m.group(1)), endMs};
                }
            } catch (IOException e) {
                // not serving yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no lag_seconds for " + group + " within 60 s on port " + port);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void log(String line) {
        System.out.println(line);
        report.add(line);
    }

    private static int intEnv(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v);
    }
}
