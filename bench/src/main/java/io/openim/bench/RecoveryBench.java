package io.openim.bench;

import io.openim.sandbox.EtcdRegistrant;
import io.openim.sandbox.EtcdServer;
import io.openim.sandbox.LiveEndpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Recovery after a registry outage (bench/README.md, "Recovery after an etcd outage"): etcd stops for each of
 * {@code OUTAGES} seconds, then starts again with its data; the time from etcd answering {@code /health} to
 * {@code openim_exporter_source_up{source="etcd"} 1} at /metrics, for this build and, when given, a baseline jar,
 * both started before the outage with the default 15 s discovery cycle and polled every 100 ms in the same run.
 * Usage: {@code RecoveryBench OUT_DIR EXPORTER_JAR "JVM FLAGS" [BASELINE_JAR]}; environment OUTAGES ("60 120").
 */
public final class RecoveryBench {
    private static final long GIVE_UP_S = 240;

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        Files.createDirectories(out);
        List<String> flags = args.length > 2 && !args[2].isBlank() ? List.of(args[2].trim().split("\\s+")) : List.of();
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("this build", Paths.get(args[1]));
        if (args.length > 3 && !args[3].isBlank()) {
            jars.put("baseline", Paths.get(args[3]));
        }
        List<Integer> outages = new ArrayList<>();
        for (String s : System.getenv().getOrDefault("OUTAGES", "60 120").trim().split("\\s+")) {
            outages.add(Integer.parseInt(s));
        }
        List<String> report = new ArrayList<>();
        report.add("## Recovery after an etcd outage: etcd healthy again → source_up 1 at /metrics");
        report.add("");
        report.add("| outage | " + String.join(" | ", jars.keySet()) + (jars.size() > 1 ? " | ratio |" : " |"));
        report.add("|---:|" + "---:|".repeat(jars.size() + (jars.size() > 1 ? 1 : 0)));
        try (EtcdServer etcd = EtcdServer.start();
             LiveEndpoint user = new LiveEndpoint();
             EtcdRegistrant reg = new EtcdRegistrant(etcd.endpoint(), "openim", 30)) {
            reg.register("user", user.address());
            String yaml = "server: {host: 127.0.0.1, port: 0}\ndiscovery:\n  etcd:\n    endpoints: [\"" + etcd.endpoint() + "\"]\n";
            List<ExporterProcess> exporters = new ArrayList<>();
            try {
                for (Map.Entry<String, Path> j : jars.entrySet()) {
                    exporters.add(ExporterProcess.start("recovery-" + j.getKey().replace(' ', '-'), j.getValue(), flags, yaml, out, p -> { }));
                }
                for (int outage : outages) {
                    awaitAll(exporters, 1, 60, "etcd up before the outage");
                    etcd.stop();
                    long down = System.nanoTime();
                    awaitAll(exporters, 0, 60, "etcd seen down");
                    sleepUntil(down + TimeUnit.SECONDS.toNanos(outage));
                    etcd.restart(); // returns once /health answers
                    long back = System.nanoTime();
                    List<Double> took = new ArrayList<>();
                    for (ExporterProcess e : exporters) {
                        took.add(until(e, 1, back, GIVE_UP_S));
                    }
                    StringBuilder row = new StringBuilder("| " + outage + " s |");
                    took.forEach(t -> row.append(String.format(" %.1f s |", t)));
                    if (took.size() > 1) {
                        row.append(String.format(" %.2f |", took.get(0) / took.get(1)));
                    }
                    report.add(row.toString());
                    System.out.println(row);
                }
            } finally {
                exporters.forEach(ExporterProcess::close);
            }
        }
        report.add("");
        report.add("Both exporters run the default 15 s discovery cycle, so each figure includes the wait for the next cycle "
                + "(0-15 s); the rest is the etcd client reconnecting.");
        Files.write(out.resolve("recovery.md"), report, StandardCharsets.UTF_8);
        System.out.println(String.join("\n", report));
    }

    /** Seconds from {@code t0} until the exporter's etcd source_up is {@code want} (polled every 100 ms); {@code limitS} if never. */
    private static double until(ExporterProcess e, double want, long t0, long limitS) throws InterruptedException {
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(limitS)) {
            if (sourceUp(e) == want) {
                return (System.nanoTime() - t0) / 1e9;
            }
            Thread.sleep(100);
        }
        return limitS;
    }

    private static void awaitAll(List<ExporterProcess> exporters, double want, int seconds, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        for (ExporterProcess e : exporters) {
            if (until(e, want, t0, seconds) >= seconds) {
                throw new IllegalStateException(e.name() + ": not " + what + " within " + seconds + " s; see " + e.log());
            }
        }
    }

    private static double sourceUp(ExporterProcess e) {
        try {
            OptionalDouble v = Scraper.sourceUp(Scraper.scrapeFresh(e.port()), "etcd");
            return v.isPresent() ? v.getAsDouble() : -1;
        } catch (IOException ex) {
            return -1;
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
