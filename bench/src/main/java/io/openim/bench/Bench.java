package io.openim.bench;

import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.Generation;
import io.openim.sandbox.LiveEndpoint;
import io.openim.sandbox.SilentServer;
import io.openim.sandbox.ZooKeeperRegistrant;
import io.openim.sandbox.ZooKeeperServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark of bench/README.md. Starts real etcd, an in-JVM ZooKeeper and a hung "ZooKeeper" (a
 * {@link SilentServer}), registers OpenIM v3.8's nine services with live ports, runs the exporter jar as separate
 * processes and measures: (1) /metrics latency under concurrent scrapes while ZooKeeper hangs (back to back and
 * paced; default and container JVM flags), (2) deregistration →
 * metric latency through the watches, (3) idle RSS with default JVM flags and with the container flags. Prints the
 * results and writes them to OUT/results.md. Everything it starts is stopped on exit, SIGTERM included.
 *
 * <p>Usage: {@code java -jar openim-bench.jar --exporter-jar PATH --out DIR [--clients 50] [--warmup 3]
 * [--measure 15] [--rounds 30] [--idle 20] [--max-per-client 200000] [--container-flags "..."] [--container-flags-from TEXT]
 * [--nmt true]}; {@code --nmt} adds native memory tracking to the RSS runs and saves {@code jcmd VM.native_memory
 * summary} next to the results (diagnosis only: NMT itself costs memory).
 */
public final class Bench {
    private static final List<String> SERVICES = Generation.V3_8.services();
    private static final String ROOT = "openim";
    /** The watch scenario's etcd root, so the exporter of figures 1 and 3 (root "openim") does not see its churn. */
    private static final String WATCH_ROOT = "openim-watch";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(45);
    private static final long START = System.nanoTime();
    /** Load-generator warm-up before the first measured load (figure 1). */
    private static final Duration PREWARM = Duration.ofSeconds(5);
    /** The paced variant of figure 1: each client scrapes every PACE, for PACED_MEASURE. */
    private static final Duration PACE = Duration.ofMillis(100);
    private static final Duration PACED_MEASURE = Duration.ofSeconds(8);
    private static final String NMT_FLAG = "-XX:NativeMemoryTracking=summary";

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    /** Every exporter process launched, owned or not yet: killed on exit even if its startup was cut short. */
    private final List<Process> launched = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Path pidFile;
    private Path jarPath;
    private boolean closed;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR"); // no "no SLF4J providers" banner
        Map<String, String> opts = parse(args);
        Bench bench = new Bench();
        Runtime.getRuntime().addShutdownHook(new Thread(bench::closeAll, "bench-cleanup"));
        int rc = 0;
        try {
            bench.run(opts);
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            rc = 1;
        } finally {
            bench.closeAll();
        }
        System.exit(rc);
    }

    private void run(Map<String, String> o) throws Exception {
        Path jar = Paths.get(required(o, "exporter-jar")).toAbsolutePath();
        jarPath = jar;
        Path out = Paths.get(required(o, "out")).toAbsolutePath();
        Files.createDirectories(out);
        pidFile = out.resolve("pids");
        Files.deleteIfExists(pidFile);
        int clients = Integer.parseInt(o.getOrDefault("clients", "50"));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", "3")));
        Duration measure = Duration.ofSeconds(Long.parseLong(o.getOrDefault("measure", "15")));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "30"));
        Duration idle = Duration.ofSeconds(Long.parseLong(o.getOrDefault("idle", "20")));
        int maxPerClient = Integer.parseInt(o.getOrDefault("max-per-client", "200000"));
        List<String> containerFlags = Arrays.stream(o.getOrDefault("container-flags", "").trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no exporter jar at " + jar + " (build with mvn -DskipTests install)");
        }

        String loadAvg = Files.readString(Paths.get("/proc/loadavg")).trim();
        log("load average before the run: " + loadAvg);
        log("starting etcd, ZooKeeper, a hung ZooKeeper and " + SERVICES.size() + " live service ports");
        EtcdServer etcd = own(EtcdServer.start());
        // etcd is a child process too: recorded for run.sh's backstop, matched by its data dir
        ProcessHandle.current().children()
                .filter(h -> h.info().commandLine().orElse("").contains(etcd.dataDir().toString()))
                .forEach(h -> record(h.pid(), etcd.dataDir().toString()));
        ZooKeeperServer zk = own(ZooKeeperServer.start());
        SilentServer hung = own(new SilentServer());
        Map<String, String> addressOf = new LinkedHashMap<>();
        for (String s : SERVICES) {
            addressOf.put(s, own(new LiveEndpoint()).address());
        }
        EtcdRegistrant etcdReg = new EtcdRegistrant(etcd.endpoint(), ROOT, 30);
        resources.push(etcdReg::crash); // the servers go away right after: no point deregistering
        EtcdRegistrant etcdWatchReg = new EtcdRegistrant(etcd.endpoint(), WATCH_ROOT, 30);
        resources.push(etcdWatchReg::crash);
        ZooKeeperRegistrant zkReg = new ZooKeeperRegistrant(zk.connectString(), ROOT, 10_000);
        resources.push(zkReg::crash);
        for (Map.Entry<String, String> e : addressOf.entrySet()) {
            etcdReg.register(e.getKey(), e.getValue());
            etcdWatchReg.register(e.getKey(), e.getValue());
            zkReg.register(e.getKey(), e.getValue());
        }
        String hungConfig = config(etcd.endpoint(), ROOT, hung.address(), "15s");
        String watchConfig = config(etcd.endpoint(), WATCH_ROOT, zk.connectString(), "60s");

        boolean nmt = Boolean.parseBoolean(o.getOrDefault("nmt", "false"));
        List<String> plainFlags = nmt ? List.of(NMT_FLAG) : List.of();
        List<String> tunedFlags = new ArrayList<>(containerFlags);
        if (nmt) {
            tunedFlags.add(NMT_FLAG);
        }

        // 1 + 3, default JVM flags: the jar as shipped
        ExporterProcess plain = own(ExporterProcess.start("default-jvm", jar, plainFlags, hungConfig, out, this::launched));
        log("exporter default-jvm: pid " + plain.pid() + ", port " + plain.port());
        await(plain);
        // the first load also warms this JVM's HTTP client code, which later loads would otherwise get for free
        log("warming up the load generator: " + clients + " clients, " + PREWARM.toSeconds() + " s, not recorded");
        LoadTest.run(plain, clients, Duration.ZERO, Duration.ZERO, PREWARM, maxPerClient);
        List<LoadTest.Result> loadPlain = load(plain, clients, warmup, measure, maxPerClient);
        long idleFrom = System.nanoTime();
        double runsBefore = runs(plain);

        // 2, while the first exporter idles (it watches another etcd root and a hung ZooKeeper: none of this reaches it)
        ExporterProcess watcher = own(ExporterProcess.start("watch", jar, List.of(), watchConfig, out, this::launched));
        log("exporter watch: pid " + watcher.pid() + ", port " + watcher.port() + " (interval 60s)");
        new Scraper(watcher.port()).awaitBody(b -> Scraper.sourceUp(b, "etcd").orElse(-1) == 1
                        && Scraper.sourceUp(b, "zookeeper").orElse(-1) == 1
                        && SERVICES.stream().allMatch(s -> Scraper.endpoints(b, "etcd", s).orElse(-1) == 1
                        && Scraper.endpoints(b, "zookeeper", s).orElse(-1) == 1),
                READY_TIMEOUT, "both registries up with 1 endpoint per service");
        long watchFrom = System.nanoTime();
        log("watch latency: etcd, " + rounds + " rounds");
        WatchLatency.Result etcdWatch = WatchLatency.run(watcher.port(), "etcd", registrar(etcdWatchReg), addressOf,
                SERVICES, rounds);
        log("  deregistered -> 0: " + etcdWatch.dropped().brief());
        log("watch latency: zookeeper, " + rounds + " rounds");
        WatchLatency.Result zkWatch = WatchLatency.run(watcher.port(), "zookeeper", registrar(zkReg), addressOf,
                SERVICES, rounds);
        log("  deregistered -> 0: " + zkWatch.dropped().brief());
        double watchSeconds = (System.nanoTime() - watchFrom) / 1e9;
        watcher.close();

        Idle plainIdle = idle(plain, idleFrom, idle, runsBefore, out);
        plain.close();

        // 1 + 3 with the container flags
        ExporterProcess tuned = own(ExporterProcess.start("container-jvm", jar, tunedFlags, hungConfig, out, this::launched));
        log("exporter container-jvm: pid " + tuned.pid() + ", port " + tuned.port() + ", flags " + tunedFlags);
        await(tuned);
        List<LoadTest.Result> loadTuned = load(tuned, clients, warmup, measure, maxPerClient);
        Idle tunedIdle = idle(tuned, System.nanoTime(), idle, runs(tuned), out);
        tuned.close();

        String report = Report.render(new Report.Inputs(jar, o.getOrDefault("source", "?"), loadAvg, clients, warmup,
                measure, idle, containerFlags, o.getOrDefault("container-flags-from", "--container-flags"), nmt,
                List.of(loadPlain.get(0), loadTuned.get(0), loadPlain.get(1), loadTuned.get(1)), etcdWatch, zkWatch,
                watchSeconds, plainIdle, tunedIdle, (System.nanoTime() - START) / 1e9));
        Files.writeString(out.resolve("results.md"), report, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
        log("written to " + out.resolve("results.md"));
    }

    /** Waits for the first cycle: etcd up with all services, ZooKeeper (hung) down. */
    private static void await(ExporterProcess p) throws InterruptedException {
        new Scraper(p.port()).awaitBody(b -> Scraper.sourceUp(b, "zookeeper").orElse(-1) == 0
                        && Scraper.sourceUp(b, "etcd").orElse(-1) == 1
                        && SERVICES.stream().allMatch(svc -> Scraper.endpoints(b, "etcd", svc).orElse(-1) == 1),
                READY_TIMEOUT, "source_up{etcd} 1, source_up{zookeeper} 0 and 1 etcd endpoint per service");
    }

    /** Figure 1 on one exporter: the closed loop (warm-up + measure), then the paced load. */
    private static List<LoadTest.Result> load(ExporterProcess p, int clients, Duration warmup, Duration measure,
                                              int maxPerClient) throws InterruptedException {
        log("load on " + p.name() + ": " + clients + " clients back to back, " + warmup.toSeconds() + " s warm-up + "
                + measure.toSeconds() + " s measured, ZooKeeper hung");
        LoadTest.Result closed = LoadTest.run(p, clients, Duration.ZERO, warmup, measure, maxPerClient);
        logLoad(closed);
        log("load on " + p.name() + ": " + clients + " clients, each one scrape every " + PACE.toMillis() + " ms, "
                + PACED_MEASURE.toSeconds() + " s measured");
        LoadTest.Result paced = LoadTest.run(p, clients, PACE, Duration.ZERO, PACED_MEASURE, maxPerClient);
        logLoad(paced);
        if (!p.alive()) {
            throw new IllegalStateException("exporter " + p.name() + " died under load; see " + p.log());
        }
        return List.of(closed, paced);
    }

    private static void logLoad(LoadTest.Result r) {
        log(String.format("  %s, %d requests, %.0f req/s, %d errors; CPU per request: exporter %.3f ms, clients %.3f ms;"
                        + " other processes %.2f cores", r.latency().brief(), r.latency().count(), r.throughput(), r.errors(),
                r.exporterCpuMs(), r.benchCpuMs(), r.otherCores()));
    }

    /** RSS after the process has been left alone; {@code scrapeOk} confirms it still serves correct figures. */
    record Idle(String name, List<String> flags, long rssKb, long hwmKb, long threads, double idleSeconds,
                double cyclesDuringIdle, boolean scrapeOk, String scrapeNote) {
    }

    private static Idle idle(ExporterProcess p, long idleFrom, Duration idle, double runsBefore, Path out)
            throws IOException, InterruptedException {
        long left = idle.toNanos() - (System.nanoTime() - idleFrom);
        log("idle " + p.name() + ": " + Math.max(0, TimeUnit.NANOSECONDS.toSeconds(left)) + " s more");
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        Map<String, Long> st = p.procStatus();
        double idleSeconds = (System.nanoTime() - idleFrom) / 1e9;
        if (p.jvmFlags().contains(NMT_FLAG)) {
            Path nmt = out.resolve("nmt-" + p.name() + ".txt");
            new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(p.pid()), "VM.native_memory", "summary")
                    .redirectErrorStream(true).redirectOutput(nmt.toFile()).start().waitFor(30, TimeUnit.SECONDS);
            log("  native memory summary: " + nmt);
        }
        // the scrape comes after the reading, so it does not count
        String body = new Scraper(p.port()).scrape();
        double cycles = Scraper.checkRuns(body).orElse(Double.NaN) - runsBefore;
        List<String> problems = new ArrayList<>();
        if (Scraper.sourceUp(body, "etcd").orElse(-1) != 1) {
            problems.add("source_up{etcd} not 1");
        }
        if (Scraper.sourceUp(body, "zookeeper").orElse(-1) != 0) {
            problems.add("source_up{zookeeper} not 0");
        }
        long missing = SERVICES.stream().filter(s -> Scraper.endpoints(body, "etcd", s).orElse(-1) != 1).count();
        if (missing > 0) {
            problems.add(missing + " services without their 1 etcd endpoint");
        }
        if (!body.contains("jvm_memory_used_bytes")) {
            problems.add("no JVM metrics");
        }
        Idle r = new Idle(p.name(), p.jvmFlags(), st.getOrDefault("VmRSS", -1L), st.getOrDefault("VmHWM", -1L),
                st.getOrDefault("Threads", -1L), idleSeconds, cycles, problems.isEmpty(),
                problems.isEmpty() ? "etcd 1, zookeeper 0, 9/9 services at 1 endpoint" : String.join("; ", problems));
        log(String.format("  VmRSS %.1f MiB, VmHWM %.1f MiB, %d threads, %.0f cycle(s) while idle, scrape %s",
                r.rssKb() / 1024.0, r.hwmKb() / 1024.0, r.threads(), cycles, r.scrapeOk() ? "ok" : "NOT ok: " + r.scrapeNote()));
        return r;
    }

    private static double runs(ExporterProcess p) throws IOException, InterruptedException {
        OptionalDouble v = Scraper.checkRuns(new Scraper(p.port()).scrape());
        return v.orElse(Double.NaN);
    }

    private static WatchLatency.Registrar registrar(EtcdRegistrant r) {
        return new WatchLatency.Registrar() {
            public void register(String s, String a) {
                r.register(s, a);
            }

            public void deregister(String s, String a) {
                r.deregister(s, a);
            }
        };
    }

    private static WatchLatency.Registrar registrar(ZooKeeperRegistrant r) {
        return new WatchLatency.Registrar() {
            public void register(String s, String a) {
                r.register(s, a);
            }

            public void deregister(String s, String a) {
                r.deregister(s, a);
            }
        };
    }

    /** Exporter config: etcd and ZooKeeper both enabled, v3.8 names, TCP probes, port 0 (read from the log). */
    private static String config(String etcd, String etcdRoot, String zookeeper, String interval) {
        return String.join("\n",
                "server: {host: 127.0.0.1, port: 0}",
                "log: {format: text, level: info}",
                "discovery:",
                "  generation: v3.8",
                "  interval: " + interval,
                "  timeout: 10s",
                "  probe: {mode: grpc, timeout: 1s, concurrency: 16}",
                "  etcd: {enabled: true, endpoints: [\"" + etcd + "\"], rootDirectory: " + etcdRoot + ", timeout: 3s}",
                "  zookeeper: {enabled: true, address: [\"" + zookeeper + "\"], schema: " + ROOT + ", timeout: 3s}",
                "");
    }

    /** Remembers an exporter process and records its pid (marked by the jar's path) for run.sh. */
    private void launched(Process p) {
        launched.add(p);
        record(p.pid(), jarPath.toString());
    }

    /**
     * Appends "PID MARKER" to OUT/pids: should this JVM die without cleaning up, run.sh kills each PID whose command
     * line still contains its MARKER (so a reused pid is left alone).
     */
    private void record(long pid, String marker) {
        try {
            Files.writeString(pidFile, pid + " " + marker + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot record pid " + pid + ": " + e);
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        synchronized (this) {
            resources.push(resource);
        }
        return resource;
    }

    /** Exporters first (newest first), then registrants, then the servers. Safe to call twice. */
    private synchronized void closeAll() {
        if (closed) {
            return;
        }
        closed = true;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
        for (Process p : launched) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    static void log(String msg) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - START) / 1e9, msg);
        System.out.flush();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; bad argument " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }

    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
