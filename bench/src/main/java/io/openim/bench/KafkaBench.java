package io.openim.bench;

import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.KafkaPipeline;
import io.openim.sandbox.MsgProducer;
import io.openim.sandbox.ZooKeeperServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/kafka.sh: one real KRaft broker with OpenIM's four topics (PARTITIONS partitions in all) and GROUPS
 * groups with committed offsets on every partition of one topic each; then, side by side on that state:
 * the exporter (a separate process, the launcher's JVM flags) — its cycle time, time until every group's
 * lag is known, RSS, /metrics size and scrape time at partition granularity; Kafka's own
 * {@code ConsumerGroupCommand --describe --all-groups}; and Debian's Burrow (time until every group's lag
 * is known through its HTTP API, or exactly why it could not tell).
 */
public final class KafkaBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String CGC = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    private final int partitions = intEnv("PARTITIONS", 2000);
    private final int groups = intEnv("GROUPS", 50);
    private final int perPartition = intEnv("MESSAGES_PER_PARTITION", 20);
    private final int cycles = intEnv("CYCLES", 10);
    private final int cliRuns = intEnv("CLI_RUNS", 3);
    private final int burrowTimeoutS = intEnv("BURROW_TIMEOUT_S", 180);
    private final int startRuns = intEnv("START_RUNS", 3);
    private final int pollMs = intEnv("POLL_MS", 100);
    private static final Path BURROW = Paths.get("/usr/bin/Burrow");
    private static final Pattern TOTAL_LAG = Pattern.compile("\"totallag\":(\\d+)");
    private final Path out;
    private final Path exporterJar;
    private final List<String> flags;
    private final List<String> report = new ArrayList<>();
    private final Map<String, Long> expectedLag = new LinkedHashMap<>();

    private KafkaBench(Path out, Path exporterJar, List<String> flags) {
        this.out = out;
        this.exporterJar = exporterJar;
        this.flags = flags;
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "bench/out/kafka");
        Path jar = Paths.get(args.length > 1 ? args[1] : "exporter/target/openim-exporter.jar");
        List<String> flags = args.length > 2 ? List.of(args[2].trim().split("\\s+")) : List.of();
        Files.createDirectories(out);
        new KafkaBench(out, jar, flags).run();
    }

    private void run() throws Exception {
        log("# Kafka lag benchmark");
        log("");
        log(String.format("Setup: %d partitions (4 OpenIM topics x %d), %d groups with committed offsets on every partition "
                        + "of one topic (%d committed partitions), %d messages per partition. Broker: Kafka %s KRaft, one node, on this machine.",
                partitions, partitions / 4, groups, groups * (partitions / 4), perPartition, "3.9.2"));
        log("Exporter JVM flags: `" + String.join(" ", flags) + "`");
        log("");
        try (KafkaBroker broker = KafkaBroker.start(1024)) {
            prepare(broker);
            Map<String, Double> exporter = exporter(broker);
            Map<String, Double> cli = consumerGroupCommand(broker);
            Map<String, Object> burrow = burrow(broker);
            Map<String, List<Double>> race = startRace(broker);
            log("");
            log("## Ratios");
            log("");
            log(String.format("- one exporter cycle (median %.3f s) vs `ConsumerGroupCommand --describe --all-groups` (median %.3f s wall, "
                            + "%.3f s of it JVM start + one request): **%.1fx faster** (%.1fx on the tool's time net of JVM start)",
                    exporter.get("cycle"), cli.get("describe"), cli.get("baseline"), cli.get("describe") / exporter.get("cycle"),
                    (cli.get("describe") - cli.get("baseline")) / exporter.get("cycle")));
            for (String k : List.of("right", "first")) {
                double ours = median(race.get("exporter " + k));
                double theirs = race.get("Burrow " + k).isEmpty() ? Double.NaN : median(race.get("Burrow " + k));
                log(String.format("- time until every group's lag is %s, median of %d alternating starts: exporter %.2f s from process "
                                + "start, Burrow %.2f s: the exporter takes %.2fx Burrow's time",
                        k.equals("right") ? "known (every total equal to the true lag)" : "answered (any value)", startRuns, ours, theirs,
                        ours / theirs));
            }
            log(String.format("- exporter RSS %.0f MiB (peak %.0f MiB) with %d groups x %d partitions; /metrics %.0f KiB, scrape median %.1f ms",
                    exporter.get("rss") / 1024, exporter.get("hwm") / 1024, groups, partitions / 4, exporter.get("bytes") / 1024,
                    exporter.get("scrapeMs")));
        }
        Files.write(out.resolve("results.md"), report, StandardCharsets.UTF_8);
        System.out.println("\nwritten to " + out.resolve("results.md"));
    }

    private void prepare(KafkaBroker broker) throws Exception {
        long t = System.nanoTime();
        int perTopic = partitions / 4;
        List<String> topics = new ArrayList<>(KafkaPipeline.GROUP_OF_TOPIC.keySet());
        try (Admin admin = broker.admin()) {
            KafkaPipeline.createTopics(admin, topics, perTopic);
            try (MsgProducer p = new MsgProducer(broker.bootstrap())) {
                for (String topic : topics) {
                    p.fill(topic, perTopic, perPartition);
                }
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : topics) {
                for (int i = 0; i < perTopic; i++) {
                    latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            Random random = new Random(42);
            for (int g = 0; g < groups; g++) {
                String group = "bench-group-" + g;
                String topic = topics.get(g % topics.size());
                Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
                long lag = 0;
                for (int i = 0; i < perTopic; i++) {
                    TopicPartition tp = new TopicPartition(topic, i);
                    long end = ends.get(tp);
                    long committed = random.nextInt((int) end + 1);
                    commits.put(tp, new OffsetAndMetadata(committed));
                    lag += end - committed;
                }
                admin.alterConsumerGroupOffsets(group, commits).all().get(60, TimeUnit.SECONDS);
                expectedLag.put(group, lag);
            }
        }
        log(String.format("State prepared in %.1f s; true total lag %d messages.", (System.nanoTime() - t) / 1e9,
                expectedLag.values().stream().mapToLong(Long::longValue).sum()));
    }

    private static String exporterYaml(KafkaBroker broker) {
        return "server: {host: 127.0.0.1, port: 0}\ndiscovery: {enabled: false}\nkafka:\n"
                + "  address: ['" + broker.bootstrap() + "']\n  groups: []\n  allGroups: true\n  interval: 3s\n  timeout: 3s\n"
                + "  maxSeries: 1000000\n";
    }

    private Map<String, Double> exporter(KafkaBroker broker) throws Exception {
        log("");
        log("## openim-exporter");
        log("");
        String yaml = exporterYaml(broker);
        long started = System.nanoTime();
        Map<String, Double> r = new HashMap<>();
        try (ExporterProcess p = ExporterProcess.start("kafka", exporterJar, flags, yaml, out, proc -> { })) {
            double known = Double.NaN;
            List<Double> durations = new ArrayList<>();
            double lastRuns = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60L + cycles * 4L);
            String body = "";
            while (System.nanoTime() < deadline && durations.size() < cycles) {
                body = get("http://127.0.0.1:" + p.port() + "/metrics");
                if (Double.isNaN(known) && allGroupsKnown(body)) {
                    known = (System.nanoTime() - started) / 1e9;
                }
                double runs = sample(body, "openim_exporter_check_runs_total", "check", "kafka");
                if (runs > lastRuns) {
                    lastRuns = runs;
                    if (runs > 1) { // the first cycle also connects: counted in "known", not in the cycle figure
                        durations.add(sample(body, "openim_exporter_check_duration_seconds", "check", "kafka"));
                    }
                }
                Thread.sleep(Double.isNaN(known) ? pollMs : 200);
            }
            if (durations.isEmpty() || !allGroupsKnown(body)) {
                throw new IllegalStateException("exporter did not report every group; see " + p.log());
            }
            List<Double> scrapes = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                bytes = get("http://127.0.0.1:" + p.port() + "/metrics").getBytes(StandardCharsets.UTF_8).length;
                scrapes.add((System.nanoTime() - t) / 1e6);
            }
            Map<String, Long> status = procStatus(p.pid());
            r.put("cycle", median(durations));
            r.put("known", known);
            r.put("scrapeMs", median(scrapes));
            r.put("bytes", (double) bytes);
            r.put("rss", (double) status.getOrDefault("VmRSS", -1L));
            r.put("hwm", (double) status.getOrDefault("VmHWM", -1L));
            long series = body.lines().filter(l -> l.startsWith("openim_kafka_consumergroup_lag{")).count();
            log(String.format("- cycle time over %d cycles (openim_exporter_check_duration_seconds): median %.3f s, min %.3f s, max %.3f s",
                    durations.size(), median(durations), Collections.min(durations), Collections.max(durations)));
            log(String.format("- every group's lag known %.2f s after the process started (JVM start included)", known));
            log(String.format("- /metrics: %d bytes, %d per-partition lag series; scrape time over 20 scrapes: median %.1f ms, max %.1f ms",
                    bytes, series, median(scrapes), Collections.max(scrapes)));
            log(String.format("- RSS after the cycles: VmRSS %.1f MiB, VmHWM %.1f MiB", r.get("rss") / 1024, r.get("hwm") / 1024));
            log("- lag totals equal the true lag of every group: " + lagMatches(body));
        }
        return r;
    }

    private boolean allGroupsKnown(String body) {
        return expectedLag.keySet().stream().allMatch(g -> body.contains("openim_kafka_consumergroup_lag_sum{group=\"" + g + "\""));
    }

    private String lagMatches(String body) {
        List<String> wrong = new ArrayList<>();
        expectedLag.forEach((g, lag) -> {
            double ours = 0;
            Matcher m = Pattern.compile("^openim_kafka_consumergroup_lag_sum\\{group=\"" + Pattern.quote(g) + "\",[^}]*} (\\S+)$",
                    Pattern.MULTILINE).matcher(body);
            while (m.find()) {
                ours += Double.parseDouble(m.group(1));
            }
            if (ours != lag) {
                wrong.add(g + " " + ours + " != " + lag);
            }
        });
        return wrong.isEmpty() ? "yes (" + expectedLag.size() + "/" + expectedLag.size() + ")" : "NO: " + wrong;
    }

    private Map<String, Double> consumerGroupCommand(KafkaBroker broker) {
        log("");
        log("## Kafka's ConsumerGroupCommand (kafka-consumer-groups.sh), kafka-tools 3.9.2, a JVM per run as the script does");
        log("");
        List<Double> describe = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        String text = "";
        for (int i = 0; i < cliRuns; i++) {
            long t = System.nanoTime();
            KafkaBroker.runTool(CGC, Duration.ofMinutes(10), "--bootstrap-server", broker.bootstrap(), "--list");
            baseline.add((System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            text = KafkaBroker.runTool(CGC, Duration.ofMinutes(10), "--bootstrap-server", broker.bootstrap(), "--describe", "--all-groups");
            describe.add((System.nanoTime() - t) / 1e9);
        }
        Map<String, Long> sums = new HashMap<>();
        for (String line : text.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && expectedLag.containsKey(f[0]) && f[5].matches("\\d+")) {
                sums.merge(f[0], Long.parseLong(f[5]), Long::sum);
            }
        }
        log(String.format("- `--describe --all-groups`, %d runs: median %.3f s, min %.3f s (wall, JVM start included)",
                cliRuns, median(describe), Collections.min(describe)));
        log(String.format("- `--list` (JVM start + one request, the floor of any run): median %.3f s", median(baseline)));
        log("- its lag totals equal the true lag: " + (sums.equals(expectedLag) ? "yes" : "NO (" + sums.size() + " groups parsed)"));
        return Map.of("describe", median(describe), "baseline", median(baseline));
    }

    private Map<String, Object> burrow(KafkaBroker broker) throws Exception {
        log("");
        log("## Burrow (Debian package burrow 1.2.1, /usr/bin/Burrow)");
        log("");
        if (!Files.isExecutable(BURROW)) {
            log("- not measured: /usr/bin/Burrow missing (apt-get install burrow)");
            return Map.of("summary", "not measured (not installed)");
        }
        try (ZooKeeperServer zk = ZooKeeperServer.start()) {
            double t = burrowKnown(broker, zk, "burrow", true)[1];
            return Double.isNaN(t)
                    ? Map.of("summary", "did not report every group's lag within " + burrowTimeoutS + " s (see its log above)")
                    : Map.of("summary", String.format("%.2f s", t), "seconds", t);
        }
    }

    /**
     * Starts Burrow (its own ZooKeeper root and log directory {@code name}) and returns the seconds from its launch
     * until its HTTP API answered every group with all its partitions, and until every group's total lag equals the
     * true lag (each group not yet right asked every {@link #pollMs}); NaN when it did not. {@code full}: also log
     * the groups wrong at the first complete answer, or why it failed.
     */
    private double[] burrowKnown(KafkaBroker broker, ZooKeeperServer zk, String name, boolean full) throws Exception {
        Path dir = out.resolve(name);
        Files.createDirectories(dir);
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        String servers = "[ \"" + broker.bootstrap() + "\" ]";
        Files.writeString(dir.resolve("burrow.toml"), String.join("\n",
                "[general]", "pidfile=\"" + dir.resolve("burrow.pid") + "\"",
                "[logging]", "filename=\"" + dir.resolve("burrow.log") + "\"", "level=\"info\"",
                "[zookeeper]", "servers=[ \"" + zk.connectString() + "\" ]", "timeout=6", "root-path=\"/" + name + "\"",
                // OpenIM's own client speaks Kafka protocol 2.0.0 too
                "[client-profile.bench]", "client-id=\"burrow-bench\"", "kafka-version=\"2.0.0\"",
                "[cluster.bench]", "class-name=\"kafka\"", "servers=" + servers, "client-profile=\"bench\"",
                "topic-refresh=10", "offset-refresh=5",
                "[consumer.bench]", "class-name=\"kafka\"", "cluster=\"bench\"", "servers=" + servers, "client-profile=\"bench\"",
                "start-latest=false",
                "[httpserver.default]", "address=\"127.0.0.1:" + httpPort + "\"",
                "[storage.default]", "class-name=\"inmemory\"", "workers=20", "intervals=15", "expire-group=604800", "min-distance=1",
                "[evaluator.default]", "class-name=\"caching\"", "expire-cache=10", ""));
        Files.deleteIfExists(dir.resolve("burrow.log"));
        long started = System.nanoTime();
        Process p = new ProcessBuilder(BURROW.toString(), "-config-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("burrow.out").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + httpPort + "/v3/kafka/bench/consumer";
            long deadline = started + TimeUnit.SECONDS.toNanos(burrowTimeoutS);
            Map<String, Long> seen = new HashMap<>();
            double first = Double.NaN;
            String lastError = "";
            while (System.nanoTime() < deadline && p.isAlive()) {
                for (String g : expectedLag.keySet()) {
                    if (expectedLag.get(g).equals(seen.get(g))) {
                        continue;
                    }
                    try {
                        String body = get(base + "/" + g + "/lag");
                        Matcher m = TOTAL_LAG.matcher(body);
                        Matcher pc = Pattern.compile("\"partition_count\":(\\d+)").matcher(body);
                        if (m.find() && pc.find() && Integer.parseInt(pc.group(1)) == partitions / 4) {
                            seen.put(g, Long.parseLong(m.group(1)));
                        } else {
                            lastError = body.length() > 300 ? body.substring(0, 300) : body;
                        }
                    } catch (IOException e) {
                        lastError = e.toString();
                    }
                }
                double t = (System.nanoTime() - started) / 1e9;
                if (Double.isNaN(first) && seen.size() == expectedLag.size()) {
                    first = t;
                    List<String> differ = seen.entrySet().stream().filter(e -> !e.getValue().equals(expectedLag.get(e.getKey())))
                            .map(e -> e.getKey() + ": Burrow " + e.getValue() + ", true " + expectedLag.get(e.getKey())).toList();
                    if (full) {
                        log(String.format("- every group answered through its HTTP API %.2f s after start; totals equal to the true lag "
                                + "for %d of %d groups then%s", t, expectedLag.size() - differ.size(), expectedLag.size(),
                                differ.isEmpty() ? "" : " (" + String.join("; ", differ) + ")"));
                    }
                }
                if (seen.equals(expectedLag)) {
                    if (full) {
                        log(String.format("- every group's total equal to the true lag %.2f s after start", t));
                    }
                    return new double[]{first, t};
                }
                Thread.sleep(pollMs);
            }
            String why = p.isAlive() ? "no right answer within " + burrowTimeoutS + " s (" + seen.size() + " of "
                    + expectedLag.size() + " groups answered; last answer: " + lastError + ")"
                    : "Burrow exited with " + p.exitValue();
            log("- Burrow (" + name + "): lag not known for every group: " + why);
            log("- Burrow's log (errors and warnings, first 15 distinct):");
            log("");
            log("```");
            burrowLog(dir).forEach(this::log);
            log("```");
            return new double[]{first, Double.NaN};
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * START_RUNS rounds, each the exporter then Burrow started afresh on the same broker state: the time from launch
     * until every group's lag is answered, and until every answer equals the true lag, both asked every
     * {@link #pollMs}. Alternating spreads the machine's noise over both; the medians are compared.
     */
    private Map<String, List<Double>> startRace(KafkaBroker broker) throws Exception {
        log("");
        log(String.format("## Start → every group's lag known: %d rounds, exporter then Burrow, both polled every %d ms", startRuns, pollMs));
        log("");
        Map<String, List<Double>> r = new LinkedHashMap<>();
        for (String k : List.of("exporter first", "exporter right", "Burrow first", "Burrow right")) {
            r.put(k, new ArrayList<>());
        }
        boolean haveBurrow = Files.isExecutable(BURROW);
        try (ZooKeeperServer zk = haveBurrow ? ZooKeeperServer.start() : null) {
            for (int i = 0; i < startRuns; i++) {
                double[] ours = exporterKnown(broker);
                r.get("exporter first").add(ours[0]);
                r.get("exporter right").add(ours[1]);
                if (haveBurrow) {
                    double[] theirs = burrowKnown(broker, zk, "burrow-race-" + i, false);
                    r.get("Burrow first").add(theirs[0]);
                    r.get("Burrow right").add(theirs[1]);
                }
            }
        }
        r.forEach((k, v) -> log("- " + k + " (s from process start; first: every group answered, right: every total equal to "
                + "the true lag): " + (v.isEmpty() ? "not measured (Burrow not installed)"
                : v.stream().map(d -> String.format("%.2f", d)).toList() + String.format(", median %.2f s", median(v)))));
        return r;
    }

    /** One exporter started afresh: seconds from its launch until /metrics shows every group's lag, and shows it right. */
    private double[] exporterKnown(KafkaBroker broker) throws Exception {
        long started = System.nanoTime();
        double first = Double.NaN;
        try (ExporterProcess p = ExporterProcess.start("kafka-race", exporterJar, flags, exporterYaml(broker), out, proc -> { })) {
            long deadline = started + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String body = get("http://127.0.0.1:" + p.port() + "/metrics");
                double t = (System.nanoTime() - started) / 1e9;
                if (Double.isNaN(first) && allGroupsKnown(body)) {
                    first = t;
                }
                if (!Double.isNaN(first) && lagMatches(body).startsWith("yes")) {
                    return new double[]{first, t};
                }
                Thread.sleep(pollMs);
            }
            throw new IllegalStateException("exporter did not report every group's true lag within 60 s; see " + p.log());
        }
    }

    private List<String> burrowLog(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String f : List.of("burrow.log", "burrow.out")) {
            Path p = dir.resolve(f);
            if (Files.exists(p)) {
                Files.readAllLines(p).stream()
                        .filter(l -> l.contains("\"level\":\"error\"") || l.contains("\"level\":\"warn\"") || l.contains("panic")
                                || l.toLowerCase().contains("error"))
                        .map(l -> l.replaceAll("\"ts\":[0-9.e+]+,", ""))
                        .distinct().limit(15).forEach(lines::add);
            }
        }
        return lines.isEmpty() ? List.of("(no error or warning lines)") : lines;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static double sample(String body, String name, String label, String value) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*" + label + "=\"" + Pattern.quote(value) + "\"[^}]*} (\\S+)",
                Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
            String[] f = line.split("\\s+");
            if (f.length >= 2 && f[1].matches("\\d+")) {
                m.put(f[0].replace(":", ""), Long.parseLong(f[1]));
            }
        }
        return m;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static int intEnv(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }

    private void log(String line) {
        System.out.println(line);
        report.add(line);
    }
}
