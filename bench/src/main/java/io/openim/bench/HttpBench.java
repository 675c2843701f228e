package io.openim.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code /metrics} under crowds (bench/http.sh): {@code clients} keep-alive scrapers back to back for {@code seconds},
 * then {@code clients} scrapers opening a new connection per request, each while {@code slow} more clients hold
 * partial requests (headers without the blank line, reconnecting whenever the server cuts them off). Every request
 * counts: an error is a failed connect, a failed read or a status other than 200.
 *
 * <p>Usage: {@code java -cp openim-bench.jar io.openim.bench.HttpBench --jar EXPORTER.jar --out DIR [--name NAME]
 * [--clients 200] [--slow 50] [--seconds 60] [--jvm-flags "..."]}
 */
public final class HttpBench {
    record Phase(String name, Stats latency, long requests, long errors, String firstError, double seconds, long slowCutOff) {
    }

    private HttpBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("clients", "200", "slow", "50", "seconds", "60", "name", "exporter", "jvm-flags", ""));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Files.createDirectories(Path.of(a.get("out")));
        int clients = Integer.parseInt(a.get("clients"));
        int slow = Integer.parseInt(a.get("slow"));
        int seconds = Integer.parseInt(a.get("seconds"));
        List<String> flags = a.get("jvm-flags").isBlank() ? List.of() : Arrays.asList(a.get("jvm-flags").trim().split("\\s+"));
        String yaml = "server: {host: 127.0.0.1, port: 0}\ndiscovery: {enabled: false}\n";
        List<Phase> phases = new ArrayList<>();
        Map<String, Long> status;
        try (ExporterProcess e = ExporterProcess.start(a.get("name"), Path.of(a.get("jar")), flags, yaml, out, p -> { })) {
            new KeepAliveClient(e.port()).get();  // up
            phases.add(run("keep-alive", e.port(), clients, slow, seconds, true));
            phases.add(run("new connection per request", e.port(), clients, slow, seconds, false));
            status = e.procStatus();
        }
        StringBuilder md = new StringBuilder();
        md.append("| ").append(a.get("name")).append(": ").append(clients).append(" clients + ").append(slow)
                .append(" slow | requests | req/s | errors | p50 ms | p99 ms | max ms | slow clients cut off |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Phase p : phases) {
            md.append(String.format("| %s, %d s | %d | %.0f | %d%s | %s | %s | %s | %d |%n", p.name(), Math.round(p.seconds()), p.requests(),
                    p.requests() / p.seconds(), p.errors(), p.firstError() == null ? "" : " (" + p.firstError() + ")",
                    Stats.fmt(p.latency().p50Ms()), Stats.fmt(p.latency().p99Ms()), Stats.fmt(p.latency().maxMs()), p.slowCutOff()));
        }
        md.append("\nexporter after both phases: ").append(status).append('\n');
        System.out.print(md);
        Files.writeString(out.resolve("http-" + a.get("name") + ".md"), md.toString());
    }

    static Phase run(String name, int port, int clients, int slow, int seconds, boolean keepAlive) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong cutOff = new AtomicLong();
        List<Thread> slowThreads = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            Thread t = new Thread(() -> holdPartialRequests(port, stop, cutOff), "slow-" + i);
            t.setDaemon(true);
            t.start();
            slowThreads.add(t);
        }
        Thread.sleep(500);  // the slow ones are in before the crowd
        long[][] samples = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[8192];
                int n = 0;
                KeepAliveClient client = new KeepAliveClient(port);
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        int code = client.get();
                        if (code != 200) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, "HTTP " + code);
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    if (!keepAlive) {
                        client.close();
                    }
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = System.nanoTime() - t0;
                }
                client.close();
                samples[id] = mine;
                counts[id] = n;
                done.countDown();
            }, "client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        double took = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : slowThreads) {
            t.interrupt();
        }
        long total = Arrays.stream(counts).asLongStream().sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(samples[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        return new Phase(name, Stats.of(all), total, errors.get(), firstError.get(), took, cutOff.get());
    }

    /** Connects, sends half a request, waits for the server to give up on it, and does it again. */
    private static void holdPartialRequests(int port, AtomicBoolean stop, AtomicLong cutOff) {
        byte[] partial = ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: slow\r\n").getBytes(StandardCharsets.US_ASCII);
        while (!stop.get()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                s.setSoTimeout(1_000);
                s.getOutputStream().write(partial);
                InputStream in = s.getInputStream();
                while (!stop.get()) {
                    try {
                        if (in.read() < 0) {
                            cutOff.incrementAndGet();
                            break;
                        }
                    } catch (java.net.SocketTimeoutException still) {
                        // still held: keep holding
                    }
                }
            } catch (IOException e) {
                cutOff.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException i) {
                    return;
                }
            }
        }
    }
}
