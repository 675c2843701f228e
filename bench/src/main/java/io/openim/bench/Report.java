package io.openim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The results as Markdown: environment, one table of every figure against its target, then details. */
final class Report {
    static final double SCRAPE_P99_TARGET_MS = 20;
    static final double WATCH_TARGET_MS = 1000;
    /** 150 MB read strictly as 150,000,000 bytes (143 MiB). */
    static final double RSS_TARGET_BYTES = 150e6;

    /** @param loads figure 1 runs: back to back (default, container JVM), then paced (default, container JVM) */
    record Inputs(Path jar, String source, String loadAvg, int clients, Duration warmup, Duration measure, Duration idle, List<String> containerFlags,
                  String containerFlagsFrom, boolean nmt, List<LoadTest.Result> loads, WatchLatency.Result etcd,
                  WatchLatency.Result zookeeper, double watchSeconds, Bench.Idle idlePlain, Bench.Idle idleTuned,
                  double totalSeconds) {
    }

    private Report() {
    }

    static String render(Inputs in) {
        StringBuilder b = new StringBuilder();
        b.append("# openim-exporter benchmark results\n\n");
        b.append("- date: ").append(Bench.now()).append('\n');
        b.append("- machine: `nproc` = ").append(command("nproc").trim()).append(", ").append(cpuModel())
                .append(", ").append(memTotal()).append('\n');
        b.append("- java: `").append(command(javaBin(), "-version").trim().replace("\n", "` / `")).append("`\n");
        b.append("- exporter: `").append(command(javaBin(), "-jar", in.jar().toString(), "--version").trim())
                .append("`, built from ").append(in.source()).append(", run as a separate process\n");
        b.append("- /proc/loadavg before the run: `").append(in.loadAvg()).append("`\n");
        b.append("- container JVM flags (from ").append(in.containerFlagsFrom()).append("): `")
                .append(String.join(" ", in.containerFlags())).append("`\n");
        if (in.nmt()) {
            b.append("- **NMT on** (`-XX:NativeMemoryTracking=summary` added to the RSS runs): RSS figures include NMT's own overhead\n");
        }
        b.append(String.format("- bench run took %.0f s (build excluded)%n%n", in.totalSeconds()));

        b.append("| # | Figure | Result | Target | |\n");
        b.append("|---|---|---|---|---|\n");
        for (LoadTest.Result r : in.loads()) {
            row(b, "1", "`/metrics` latency, " + in.clients() + " clients " + mode(r) + ", ZooKeeper hung — " + jvm(r),
                    load(r), "p99 < 20 ms", r.latency().p99Ms() < SCRAPE_P99_TARGET_MS && r.errors() == 0);
        }
        watchRow(b, "etcd", in.etcd());
        watchRow(b, "ZooKeeper", in.zookeeper());
        row(b, "3", "idle RSS — default JVM flags", rss(in.idlePlain()), "< 150 MB",
                in.idlePlain().rssKb() * 1024.0 < RSS_TARGET_BYTES);
        row(b, "3", "idle RSS — container JVM flags", rss(in.idleTuned()) + (in.idleTuned().scrapeOk() ? ", scrape ok" : ", SCRAPE NOT OK"),
                "< 150 MB", in.idleTuned().rssKb() * 1024.0 < RSS_TARGET_BYTES && in.idleTuned().scrapeOk());

        b.append("\n## Details\n\n");
        b.append("**1. Scrape latency.** ").append(in.clients())
                .append(" threads, each with its own keep-alive HTTP/1.1 connection (a minimal socket client: `java.net.http.HttpClient` ")
                .append("costs several times the exporter's CPU per request). *Back to back*: closed loop, no pause, ")
                .append(in.warmup().toSeconds()).append(" s warm-up + ").append(in.measure().toSeconds())
                .append(" s measured (before the first one the load generator itself is warmed up for a few seconds); it saturates the CPUs, ")
                .append("so latency ≈ clients / throughput. *Paced*: each thread starts one scrape per interval, latency counted from the ")
                .append("intended start. Every request started in the measured window counts, failed ones included. ")
                .append("Exporter: etcd with 9 live services, ZooKeeper enabled at a listener that never answers, interval 15s. ")
                .append("Client and exporter share the machine's CPUs; CPU per request is process CPU time in the measured window / requests ")
                .append("(\"clients\" is the bench JVM: the ").append(in.clients()).append(" clients plus the in-JVM ZooKeeper); ")
                .append("\"other load\" is CPU used by every other process (etcd, anything else running) during the window.\n\n");
        b.append("| JVM | load | flags | requests | req/s | mean | p50 | p99 | max | errors | body | exporter CPU/req | clients CPU/req | other load |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        in.loads().forEach(r -> loadDetail(b, r));
        b.append('\n');

        b.append("**2. Deregistration → metric.** Exporter interval 60s (no re-read during the run), etcd and ZooKeeper both watched. ")
                .append("Each round deregisters one service's only address and scrapes every ")
                .append(WatchLatency.POLL.toMillis()).append(" ms until `openim_discovery_endpoints` drops to 0; the clock starts ")
                .append("before the registrant's call, so it includes the registry write (etcd: delete + lease revoke; ZooKeeper: delete). ")
                .append("Each poll is a fresh connection (`Connection: close`): a kept-alive connection to an exporter without TCP_NODELAY ")
                .append("(before c8525ae) waits ~40 ms per response for a delayed ACK, which would hide a 5 ms poll. ")
                .append(String.format("Both registries together took %.1f s.%n%n", in.watchSeconds()));
        b.append("| registry | rounds | missed (> ").append(WatchLatency.GIVE_UP.toSeconds())
                .append(" s) | deregistered → 0 | re-registered → 1 | registry write alone | scrapes |\n|---|---|---|---|---|---|---|\n");
        watchDetail(b, in.etcd());
        watchDetail(b, in.zookeeper());
        b.append('\n');

        b.append("**3. Idle RSS.** `VmRSS`/`VmHWM` from `/proc/PID/status` of the exporter process after figure 1's load and ")
                .append(in.idle().toSeconds()).append(" s idle (at least one 15 s discovery cycle, ZooKeeper still hung), ")
                .append("read before the confirming scrape.\n\n");
        b.append("| JVM | flags | VmRSS | VmHWM (peak) | threads | idle | cycles while idle | scrape |\n|---|---|---|---|---|---|---|---|\n");
        idleDetail(b, in.idlePlain());
        idleDetail(b, in.idleTuned());
        return b.toString();
    }

    private static void row(StringBuilder b, String n, String figure, String result, String target, boolean pass) {
        b.append("| ").append(n).append(" | ").append(figure).append(" | ").append(result).append(" | ")
                .append(target).append(" | ").append(pass ? "✅ met" : "❌ missed").append(" |\n");
    }

    private static void watchRow(StringBuilder b, String name, WatchLatency.Result r) {
        row(b, "2", name + " deregistration → changed metric (n=" + r.rounds() + ")", r.dropped().brief()
                        + (r.missed() > 0 ? ", " + r.missed() + " missed" : ""), "< 1 s",
                r.missed() == 0 && r.dropped().maxMs() < WATCH_TARGET_MS);
    }

    private static String jvm(LoadTest.Result r) {
        return switch (r.name()) {
            case "default-jvm" -> "default JVM (plain `java -jar`)";
            case "container-jvm" -> "container JVM flags";
            default -> r.name();
        };
    }

    private static String mode(LoadTest.Result r) {
        return r.pace().isZero() ? "back to back" : "at 1 scrape / " + r.pace().toMillis() + " ms each";
    }

    private static String load(LoadTest.Result r) {
        return String.format("%s; %,d req, %,.0f req/s%s", r.latency().brief(), r.latency().count(), r.throughput(),
                r.errors() > 0 ? ", " + r.errors() + " errors" : "");
    }

    private static String rss(Bench.Idle i) {
        return String.format("VmRSS %.0f MiB = %.0f MB (peak VmHWM %.0f MiB)", i.rssKb() / 1024.0, i.rssKb() * 1024 / 1e6,
                i.hwmKb() / 1024.0);
    }

    private static void loadDetail(StringBuilder b, LoadTest.Result r) {
        b.append(String.format("| %s | %s | `%s` | %,d | %,.0f | %s ms | %s ms | %s ms | %s ms | %d%s | %,d B | %.3f ms | %.3f ms | %.2f cores |%n",
                r.name(), r.pace().isZero() ? "back to back" : "paced " + r.pace().toMillis() + " ms",
                r.flags().isEmpty() ? "(none)" : String.join(" ", r.flags()), r.latency().count(),
                r.throughput(), Stats.fmt(r.latency().meanMs()), Stats.fmt(r.latency().p50Ms()),
                Stats.fmt(r.latency().p99Ms()), Stats.fmt(r.latency().maxMs()), r.errors(),
                r.firstError() != null ? " (" + r.firstError().replace("|", "/") + ")" : "", r.bodyBytes(),
                r.exporterCpuMs(), r.benchCpuMs(), r.otherCores()));
    }

    private static void watchDetail(StringBuilder b, WatchLatency.Result r) {
        b.append("| ").append(r.registry()).append(" | ").append(r.rounds()).append(" | ").append(r.missed())
                .append(" | ").append(r.dropped().brief()).append(" | ").append(r.restored().brief())
                .append(" | ").append(r.registryWrite().brief()).append(" | ").append(r.polls()).append(" |\n");
    }

    private static void idleDetail(StringBuilder b, Bench.Idle i) {
        b.append(String.format("| %s | `%s` | %.1f MiB | %.1f MiB | %d | %.0f s | %.0f | %s |%n", i.name(),
                i.flags().isEmpty() ? "(none)" : String.join(" ", i.flags()), i.rssKb() / 1024.0, i.hwmKb() / 1024.0,
                i.threads(), i.idleSeconds(), i.cyclesDuringIdle(), (i.scrapeOk() ? "ok: " : "NOT ok: ") + i.scrapeNote()));
    }

    private static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command's stdout+stderr, or "?" if it cannot run. */
    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return s;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("CPU ?");
        } catch (IOException e) {
            return "CPU ?";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Paths.get("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format("%.1f GiB RAM", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("RAM ?");
        } catch (IOException e) {
            return "RAM ?";
        }
    }
}
