package io.openim.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.InJvmMongo;
import io.openim.sandbox.KafkaBroker;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.RedisServer;
import io.openim.sandbox.SeqWriter;
import io.openim.sandbox.ZooKeeperRegistrant;
import io.openim.sandbox.ZooKeeperServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The soak of bench/README.md: every check on short intervals against real etcd, ZooKeeper, Redis, Kafka and an
 * in-JVM MongoDB, the exporter a separate process; each store stopped and started again N times (etcd, ZooKeeper,
 * Redis 20, Kafka and Mongo 5 by default). Per restart: how long until {@code source_up} reads 0, and how long from the
 * start until it reads 1 again. Threads, open files and RSS of the exporter after the first round and the last,
 * and again after an idle minute (idle pool threads end after 60 s: what is still there then is a leak).
 *
 * <p>Usage: {@code java -cp openim-bench.jar io.openim.bench.SoakBench EXPORTER_JAR OUT_DIR "JVM FLAGS" [small=20] [big=5]}
 */
public final class SoakBench {
    private static final long DOWN_TIMEOUT_MS = 60_000;
    private static final long UP_TIMEOUT_MS = 120_000;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        SoakBench b = new SoakBench();
        Runtime.getRuntime().addShutdownHook(new Thread(b::closeAll, "soak-cleanup"));
        try {
            b.run(Paths.get(args[0]), Paths.get(args[1]), args[2], args.length > 3 ? Integer.parseInt(args[3]) : 20,
                    args.length > 4 ? Integer.parseInt(args[4]) : 5);
        } finally {
            b.closeAll();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        resources.push(c);
        return c;
    }

    private synchronized void closeAll() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.err.println("soak: closing: " + e);
            }
        }
    }

    /** A store the soak restarts: its source name and how to stop and start it. */
    private record Store(String source, int rounds, Runnable stop, Runnable start) {
    }

    private void run(Path jar, Path out, String flags, int small, int big) throws Exception {
        Files.createDirectories(out);
        EtcdServer etcd = keep(EtcdServer.start());
        ZooKeeperServer zk = keep(ZooKeeperServer.start());
        RedisServer redis = keep(RedisServer.start());
        KafkaBroker kafka = keep(KafkaBroker.start());
        InJvmMongo mongo = keep(InJvmMongo.start());

        EtcdRegistrant etcdReg = keep(new EtcdRegistrant(etcd.endpoint(), "openim", 30));
        ZooKeeperRegistrant zkReg = keep(new ZooKeeperRegistrant(zk.connectString(), "openim", 10_000));
        for (String svc : List.of("user", "msg", "push")) {
            String addr = keep(new LiveEndpoint()).address();
            etcdReg.register(svc, addr);
            zkReg.register(svc, addr);
        }
        RedisClient rc = RedisClient.create();
        try (StatefulRedisConnection<String, String> admin = rc.connect(RedisURI.create(redis.adminUri(1)));
             MongoClient mc = MongoClients.create(mongo.uri())) {
            SeqWriter w = SeqWriter.v38(admin.sync(), mc.getDatabase("openim_v3"));
            for (int i = 0; i < 50; i++) {
                w.send("si_soak_" + i, 3);
            }
        } finally {
            rc.shutdown();
        }
        Path logDir = Files.createTempDirectory("soak-logs");
        Files.writeString(logDir.resolve("openim-msggateway.log"),
                "2024-05-01 10:00:00.000\tERROR\t[PID:1]\topenim-msggateway\t[version:v3.8.3]\t[x.go:1]\tbroken pipe\n");

        String yaml = """
                server: {host: 127.0.0.1, port: 0}
                discovery:
                  interval: 2s
                  timeout: 1900ms
                  probe: {timeout: 300ms, mode: tcp}
                  etcd: {endpoints: ["%s"], timeout: 1s}
                  zookeeper: {enabled: true, address: ["%s"], timeout: 1s}
                kafka:
                  address: ["%s"]
                  interval: 2s
                  timeout: 1900ms
                seq:
                  interval: 2s
                  timeout: 1900ms
                  redis: {address: ["%s"], username: %s, password: %s, db: 1, timeout: 800ms}
                  mongo: {uri: "%s", database: openim_v3, timeout: 800ms}
                logs:
                  paths: ['%s/*.log']
                  interval: 1s
                  timeout: 900ms
                """.formatted(etcd.endpoint(), zk.connectString(), kafka.bootstrap(), redis.address(), RedisServer.READER_USER,
                RedisServer.READER_PASSWORD, mongo.uri(), logDir);
        List<String> jvm = flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
        List<Process> launched = new ArrayList<>();
        ExporterProcess exp = keep(ExporterProcess.start("soak", jar, jvm, yaml, out, launched::add));
        Scraper scraper = new Scraper(exp.port());
        for (String s : List.of("etcd", "zookeeper", "redis", "mongo", "kafka")) {
            awaitSource(scraper, s, 1, UP_TIMEOUT_MS);
        }
        Map<String, Long> atStart = resources(exp);
        Map<String, Integer> threadsAtStart = threadNames(exp);
        System.out.println("soak: all sources up; exporter " + atStart);

        List<Store> stores = List.of(
                new Store("etcd", small, etcd::stop, etcd::restart),
                new Store("zookeeper", small, zk::stop, zk::restart),
                new Store("redis", small, redis::stop, redis::restart),
                new Store("kafka", big, kafka::stop, kafka::restart),
                new Store("mongo", big, mongo::stop, mongo::restart));
        Map<String, List<Double>> down = new LinkedHashMap<>();
        Map<String, List<Double>> up = new LinkedHashMap<>();
        Map<String, List<Double>> starts = new LinkedHashMap<>();
        Map<String, Long> afterFirst = null;
        Map<String, Integer> threadsAfterFirst = Map.of();
        int maxRounds = Math.max(small, big);
        for (int round = 1; round <= maxRounds; round++) {
            for (Store st : stores) {
                if (round > st.rounds()) {
                    continue;
                }
                long t0 = System.nanoTime();
                st.stop().run();
                down.computeIfAbsent(st.source(), k -> new ArrayList<>()).add(awaitSource(scraper, st.source(), 0, DOWN_TIMEOUT_MS) - t0 / 1e9);
                long t1 = System.nanoTime();
                st.start().run();  // returns once the server answers
                long t2 = System.nanoTime();
                double back = awaitSource(scraper, st.source(), 1, UP_TIMEOUT_MS) - t2 / 1e9;
                starts.computeIfAbsent(st.source(), k -> new ArrayList<>()).add((t2 - t1) / 1e9);
                up.computeIfAbsent(st.source(), k -> new ArrayList<>()).add(back);
                System.out.printf("soak: round %d %s: down seen after %.1f s; server start %.1f s; source_up 1 %.1f s after it answered%n",
                        round, st.source(), down.get(st.source()).get(down.get(st.source()).size() - 1), (t2 - t1) / 1e9, back);
            }
            if (round == 1) {
                afterFirst = resources(exp);
                threadsAfterFirst = threadNames(exp);
                System.out.println("soak: after the first round " + afterFirst);
            }
        }
        Map<String, Long> afterLast = resources(exp);
        System.out.println("soak: after the last round " + afterLast);
        Thread.sleep(70_000);
        Map<String, Long> idle = resources(exp);
        Map<String, Integer> threadsIdle = threadNames(exp);
        System.out.println("soak: after 70 s idle " + idle);
        Files.writeString(out.resolve("results.md"), report(small, big, atStart, afterFirst, afterLast, idle, down, starts, up, flags)
                + "\nThreads by name (digits folded) that differ: before any restart → after the first round → idle at the end: "
                + threadDiff(threadsAtStart, threadsAfterFirst, threadsIdle) + "\n");
        System.out.println(Files.readString(out.resolve("results.md")));
        if (!exp.alive()) {
            throw new IllegalStateException("the exporter died during the soak; see " + exp.log());
        }
    }

    /** Waits until source_up{source} reads {@code want}; returns the time (s, nanoTime based) it was seen. */
    private static double awaitSource(Scraper s, String source, int want, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            OptionalDouble v = Scraper.sourceUp(s.scrape(), source);
            if (v.isPresent() && v.getAsDouble() == want) {
                return System.nanoTime() / 1e9;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("source_up{source=\"" + source + "\"} did not become " + want + " within " + timeoutMs + " ms");
    }

    /** The exporter's threads by name, digits folded ("pool-3-thread-1" → "pool-#-thread-#"), from jcmd Thread.print. */
    private static Map<String, Integer> threadNames(ExporterProcess e) throws Exception {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(e.pid()),
                "Thread.print").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("\"")) {
                out.merge(line.substring(1, line.indexOf('"', 1)).replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static String threadDiff(Map<String, Integer> a, Map<String, Integer> b, Map<String, Integer> c) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        names.addAll(c.keySet());
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            int x = a.getOrDefault(n, 0);
            int y = b.getOrDefault(n, 0);
            int z = c.getOrDefault(n, 0);
            if (x != y || y != z) {
                parts.add("`" + n + "` " + x + " → " + y + " → " + z);
            }
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    /** Threads, open file descriptors, RSS (kB) of the exporter. */
    private static Map<String, Long> resources(ExporterProcess e) throws Exception {
        Map<String, Long> st = e.procStatus();
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("threads", st.get("Threads"));
        try (var fds = Files.list(Paths.get("/proc", Long.toString(e.pid()), "fd"))) {
            out.put("fds", fds.count());
        }
        out.put("rssKb", st.get("VmRSS"));
        return out;
    }

    private static String report(int small, int big, Map<String, Long> start, Map<String, Long> first, Map<String, Long> last,
                                 Map<String, Long> idle, Map<String, List<Double>> down, Map<String, List<Double>> starts,
                                 Map<String, List<Double>> up, String flags) {
        StringBuilder sb = new StringBuilder("# Soak: store restarts (bench/soak.sh)\n\n");
        sb.append("Restarts: etcd, ZooKeeper, Redis ").append(small).append(" each; Kafka, MongoDB ").append(big)
                .append(" each. Exporter JVM flags: `").append(flags).append("`.\n\n");
        sb.append("| store | restarts | source_up 0 after stop: p50 / max (s) | server start: p50 / max (s) | source_up 1 after the server answers: p50 / max (s) |\n|---|---|---|---|---|\n");
        for (String s : up.keySet()) {
            sb.append(String.format("| %s | %d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |%n", s, up.get(s).size(), pct(down.get(s), 50),
                    pct(down.get(s), 100), pct(starts.get(s), 50), pct(starts.get(s), 100), pct(up.get(s), 50), pct(up.get(s), 100)));
        }
        sb.append("\n| exporter | threads | open files | RSS (MiB) |\n|---|---|---|---|\n");
        for (var row : List.of(Map.entry("all sources up, before any restart", start), Map.entry("after the first round", first),
                Map.entry("after the last round", last), Map.entry("70 s later, idle", idle))) {
            sb.append(String.format("| %s | %d | %d | %.0f |%n", row.getKey(), row.getValue().get("threads"), row.getValue().get("fds"),
                    row.getValue().get("rssKb") / 1024.0));
        }
        return sb.toString();
    }

    private static double pct(List<Double> v, int p) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1 < 0 ? 0 : (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
